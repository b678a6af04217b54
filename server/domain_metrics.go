package server

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"activelab/activelearning"
	"activelab/jobs"
	"activelab/store"
)

// DomainMetrics counts what the active-learning service did in this
// process (it is the service's activelearning.Observer):
//
//	activelab_labels_submitted_total{model,source}
//	activelab_label_latency_seconds{model}              claim to submit, for labels of a claimed item
//	activelab_training_duration_seconds{kind,outcome}   kind: train, retrain
//	activelab_retrains_total{model,outcome}             outcome: activated, candidate
//	activelab_selection_duration_seconds{mode,outcome}  mode: inline, job, shard, preview
//
// Register Collectors in the process's registry (NewRuntime makes one and
// Runtime.Collectors returns it with the job collectors).
type DomainMetrics struct {
	labels    *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	training  *prometheus.HistogramVec
	retrains  *prometheus.CounterVec
	selection *prometheus.HistogramVec
}

var _ activelearning.Observer = (*DomainMetrics)(nil)

// NewDomainMetrics makes the collectors, with the training and selection
// series of every kind, mode and outcome present at zero so that a
// dashboard sees them before the first event.
func NewDomainMetrics() *DomainMetrics {
	m := &DomainMetrics{
		labels: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "activelab_labels_submitted_total",
			Help: "Labels stored by submitLabel in this process, by model name and source (identical resubmissions are not counted).",
		}, []string{"model", "source"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "activelab_label_latency_seconds",
			Help:    "Time from a labeler's claim of an item to their label, by model name (labels of items the labeler held).",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 4 * 3600, 24 * 3600},
		}, []string{"model"}),
		retrains: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "activelab_retrains_total",
			Help: "Retrains applied in this process, by model name and outcome (activated: the new version passed the promotion gate; candidate: kept for an admin to promote). Failed retrains count in activelab_training_duration_seconds{outcome=\"failed\"}.",
		}, []string{"model", "outcome"}),
		training: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "activelab_training_duration_seconds",
			Help:    "Time to fit and evaluate a model version, by kind (train: a model's first version, retrain: a cycle's) and outcome (ok, failed, interrupted).",
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
		}, []string{"kind", "outcome"}),
		selection: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "activelab_selection_duration_seconds",
			Help:    "Time to score and rank a selection's pool, by mode (inline: in the request, job: select_samples, shard: score_shard, preview) and outcome.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"mode", "outcome"}),
	}
	outcomes := []string{activelearning.OutcomeOK, activelearning.OutcomeFailed, activelearning.OutcomeInterrupted}
	for _, o := range outcomes {
		for _, k := range []string{activelearning.TrainingInitial, activelearning.TrainingRetrain} {
			m.training.WithLabelValues(k, o)
		}
		for _, mode := range []string{activelearning.SelectionInline, activelearning.SelectionJob, activelearning.SelectionShard, activelearning.SelectionPreview} {
			m.selection.WithLabelValues(mode, o)
		}
	}
	return m
}

// Collectors returns the collectors to register.
func (m *DomainMetrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.labels, m.latency, m.training, m.retrains, m.selection}
}

// LabelLatency observes the time from a claim to its label.
func (m *DomainMetrics) LabelLatency(model string, d time.Duration) {
	m.latency.WithLabelValues(model).Observe(d.Seconds())
}

// RetrainApplied counts a retrain's outcome.
func (m *DomainMetrics) RetrainApplied(model string, activated bool) {
	o := activelearning.RetrainCandidate
	if activated {
		o = activelearning.RetrainActivated
	}
	m.retrains.WithLabelValues(model, o).Inc()
}

// LabelSubmitted counts a stored label.
func (m *DomainMetrics) LabelSubmitted(model string, source store.Source) {
	m.labels.WithLabelValues(model, string(source)).Inc()
}

// TrainingDone observes a training's duration.
func (m *DomainMetrics) TrainingDone(kind, outcome string, d time.Duration) {
	m.training.WithLabelValues(kind, outcome).Observe(d.Seconds())
}

// SelectionDone observes a ranking's duration.
func (m *DomainMetrics) SelectionDone(mode, outcome string, d time.Duration) {
	m.selection.WithLabelValues(mode, outcome).Observe(d.Seconds())
}

// opsGaugesTTL is how long a scrape reuses the database gauges the last
// one read: Prometheus scrapes every 15 s by default, and several
// scrapers (or a human with curl) then cost one query per TTL.
const opsGaugesTTL = 10 * time.Second

// opsGaugesTimeout bounds the gauges' query during a scrape.
const opsGaugesTimeout = 5 * time.Second

// opsGauges exports the gauges read from the database (store.OpsCounts),
// cached for ttl:
//
//	activelab_queue_items{model,status}  label queue items (every status of every model with items)
//	activelab_cycles{status}             active-learning cycles
//	activelab_job_queue{kind,state}      River's jobs not completed nor cancelled
//	activelab_model_active_version{model}              each lineage's active version
//	activelab_model_validation_metric{model,metric}    its validation metrics
//	activelab_ops_gauges_errors_total    failed reads (the last good values are exported meanwhile)
//
// They describe the database, not the process: every replica exports the
// same values, so a dashboard takes max() over instances.
type opsGauges struct {
	read func(context.Context) (*store.OpsCounts, error)
	ttl  time.Duration
	log  *slog.Logger
	now  func() time.Time

	mu     sync.Mutex
	at     time.Time
	last   *store.OpsCounts
	errors float64
}

var (
	queueItemsDesc = prometheus.NewDesc("activelab_queue_items", "Label queue items by model name and status (read from the database; every replica exports the same values).", []string{"model", "status"}, nil)
	cyclesDesc     = prometheus.NewDesc("activelab_cycles", "Active-learning cycles by status (read from the database).", []string{"status"}, nil)
	jobQueueDesc   = prometheus.NewDesc("activelab_job_queue", "River jobs by kind and state, completed and cancelled ones left out: available, scheduled, retryable, pending and running are the job queue's depth, discarded ones have failed for good (read from the database).", []string{"kind", "state"}, nil)
	opsErrorsDesc  = prometheus.NewDesc("activelab_ops_gauges_errors_total", "Scrapes whose read of the database gauges failed (the last values read are exported meanwhile).", nil, nil)
	activeMetric   = prometheus.NewDesc("activelab_model_validation_metric", "The active version's metrics on its lineage's validation set, by model name and metric (rmse, r2, auc, ece, ...; read from the database).", []string{"model", "metric"}, nil)
	activeVersion  = prometheus.NewDesc("activelab_model_active_version", "The active version's number, by model name (read from the database).", []string{"model"}, nil)
)

// jobGaugeStates are the states exported at zero for every kind.
var jobGaugeStates = []string{"available", "scheduled", "retryable", "running", "discarded"}

func newOpsGauges(read func(context.Context) (*store.OpsCounts, error), log *slog.Logger) *opsGauges {
	return &opsGauges{read: read, ttl: opsGaugesTTL, log: log, now: time.Now}
}

func (g *opsGauges) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueItemsDesc, cyclesDesc, jobQueueDesc, opsErrorsDesc, activeMetric, activeVersion} {
		ch <- d
	}
}

// counts returns the cached counts, read again when older than ttl. One
// scrape reads at a time; the others wait for its result.
func (g *opsGauges) counts() (*store.OpsCounts, float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last == nil || g.now().Sub(g.at) >= g.ttl {
		ctx, cancel := context.WithTimeout(context.Background(), opsGaugesTimeout)
		c, err := g.read(ctx)
		cancel()
		if err != nil {
			g.errors++
			g.log.Warn("metrics: reading the database gauges", "error", err.Error())
		} else {
			g.last, g.at = c, g.now()
		}
	}
	return g.last, g.errors
}

func (g *opsGauges) Collect(ch chan<- prometheus.Metric) {
	c, errs := g.counts()
	ch <- prometheus.MustNewConstMetric(opsErrorsDesc, prometheus.CounterValue, errs)
	if c == nil {
		return
	}
	queue := map[string]map[store.QueueStatus]int{}
	for _, q := range c.Queue {
		if queue[q.Model] == nil {
			queue[q.Model] = map[store.QueueStatus]int{store.QueuePending: 0, store.QueueInProgress: 0, store.QueueLabeled: 0, store.QueueSkipped: 0}
		}
		queue[q.Model][q.Status] += q.N
	}
	for model, byStatus := range queue {
		for status, n := range byStatus {
			ch <- prometheus.MustNewConstMetric(queueItemsDesc, prometheus.GaugeValue, float64(n), model, string(status))
		}
	}
	for status, n := range c.Cycles {
		ch <- prometheus.MustNewConstMetric(cyclesDesc, prometheus.GaugeValue, float64(n), string(status))
	}
	js := map[[2]string]int{}
	for _, k := range jobs.Kinds() {
		for _, s := range jobGaugeStates {
			js[[2]string{k, s}] = 0
		}
	}
	for _, j := range c.Jobs {
		js[[2]string{j.Kind, j.State}] += j.N
	}
	for k, n := range js {
		ch <- prometheus.MustNewConstMetric(jobQueueDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
	for _, a := range c.Active {
		ch <- prometheus.MustNewConstMetric(activeVersion, prometheus.GaugeValue, float64(a.Version), a.Model)
		for name, v := range a.Metrics {
			ch <- prometheus.MustNewConstMetric(activeMetric, prometheus.GaugeValue, v, a.Model, name)
		}
	}
}

// registerAll registers cs in reg, saying which one a duplicate is.
func registerAll(reg *prometheus.Registry, cs []prometheus.Collector) error {
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("server: register metrics: %w", err)
		}
	}
	return nil
}
