package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"activelab/graph"
)

// streamMetrics exports the event subscriptions of this process (it is the
// resolvers' graph.StreamObserver):
//
//	activelab_event_subscribers{subscription}                 subscriptions streaming events now
//	activelab_event_delivery_lag_seconds{subscription}        event's created_at (its commit) to its hand-over to the socket
//
// subscription is the GraphQL field: queueEvents, retrainProgress,
// cycleUpdated, cycleEvents. Every series exists at zero from the start.
type streamMetrics struct {
	subscribers *prometheus.GaugeVec
	lag         *prometheus.HistogramVec
	// lagOf holds lag's series for each of graph.StreamFields, looked up
	// once: EventSent runs once per event and subscriber, inside the event
	// broker's delivery.
	lagOf map[string]prometheus.Observer
}

var _ graph.StreamObserver = (*streamMetrics)(nil)

// eventLagBuckets span a same-process delivery (about a millisecond) to a
// subscriber seconds behind; the target is 250 ms at p99.
var eventLagBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

func newStreamMetrics() *streamMetrics {
	m := &streamMetrics{
		subscribers: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "activelab_event_subscribers",
			Help: "GraphQL subscriptions streaming domain events in this process now, by subscription field.",
		}, []string{"subscription"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "activelab_event_delivery_lag_seconds",
			Help: "Time from an event's created_at (stamped as its transaction writes it, just before the commit; on several replicas their clocks' skew adds in) " +
				"to its hand-over to a subscription's socket, by subscription field; events replayed after afterSeq are left out.",
			Buckets: eventLagBuckets,
		}, []string{"subscription"}),
	}
	m.lagOf = make(map[string]prometheus.Observer, len(graph.StreamFields))
	for _, f := range graph.StreamFields {
		m.subscribers.WithLabelValues(f)
		m.lagOf[f] = m.lag.WithLabelValues(f)
	}
	return m
}

func (m *streamMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.subscribers, m.lag}
}

// StreamStarted counts a subscription of field.
func (m *streamMetrics) StreamStarted(field string) { m.subscribers.WithLabelValues(field).Inc() }

// StreamEnded uncounts a subscription of field.
func (m *streamMetrics) StreamEnded(field string) { m.subscribers.WithLabelValues(field).Dec() }

// EventSent observes an event's delivery lag.
func (m *streamMetrics) EventSent(field string, lag time.Duration) {
	o, ok := m.lagOf[field]
	if !ok {
		o = m.lag.WithLabelValues(field)
	}
	o.Observe(lag.Seconds())
}

// registerFanout exports how subscription events were resolved:
//
//	activelab_subscription_results_total{how="executed"}  executed for a subscriber (the first of an event, or one whose result could not be shared)
//	activelab_subscription_results_total{how="shared"}    handed to a subscriber from another's execution (graph.Fanout)
func (m *metrics) registerFanout(f *graph.Fanout) {
	const name, help = "activelab_subscription_results_total",
		"Subscription event results by how this process produced them: executed for the subscriber, or shared from another subscriber's execution of the same event and key."
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: prometheus.Labels{"how": "executed"}},
			func() float64 { e, _ := f.Stats(); return float64(e) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: prometheus.Labels{"how": "shared"}},
			func() float64 { _, sh := f.Stats(); return float64(sh) }),
	)
}
