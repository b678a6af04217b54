package server

import (
	"context"
	"database/sql"
	"net/http"
	"sync"
	"time"

	"activelab/httpstatus"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"
)

// maxOperationNames caps the distinct operation-name label values: names
// come from clients, so without a cap a client could grow the series
// without bound. Names beyond the cap are counted as "other".
const maxOperationNames = 256

// metrics holds the server's Prometheus collectors in their own registry, so
// several servers (tests) do not collide.
type metrics struct {
	reg          *prometheus.Registry
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	operations   *prometheus.CounterVec
	opDuration   *prometheus.HistogramVec
	responses    *prometheus.CounterVec
	errors       *prometheus.CounterVec
	streams      *streamMetrics

	mu    sync.Mutex
	names map[string]bool
}

func newMetrics(dbStats func() sql.DBStats) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "activelab_http_requests_total",
			Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "activelab_http_request_duration_seconds",
			Help:    "HTTP request latency by route (websockets excluded).",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "activelab_graphql_operations_total",
			Help: "GraphQL operations started, by operation name and type (query, mutation, subscription).",
		}, []string{"operation", "type"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "activelab_graphql_operation_duration_seconds",
			Help:    "GraphQL query and mutation latency by operation name.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation", "type"}),
		responses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "activelab_graphql_responses_total",
			Help: "GraphQL query and mutation responses by operation name, type and outcome (ok, or the first error's extensions.code).",
		}, []string{"operation", "type", "outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "activelab_graphql_errors_total",
			Help: "GraphQL errors returned, by extensions.code.",
		}, []string{"code"}),
		streams: newStreamMetrics(),
		names:   map[string]bool{},
	}
	m.reg.MustRegister(m.streams.collectors()...)
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.operations, m.opDuration, m.responses, m.errors,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if dbStats != nil {
		m.reg.MustRegister(&dbStatsCollector{stats: dbStats})
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// route wraps h to count its requests under the route label.
func (m *metrics) route(name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := httpstatus.NewRecorder(w)
		h.ServeHTTP(rec, r)
		if !rec.Hijacked() { // a websocket's lifetime is not a request's duration
			m.httpDuration.WithLabelValues(name).Observe(time.Since(start).Seconds())
		}
		m.httpRequests.WithLabelValues(name, httpCode(rec.Status())).Inc()
	})
}

func httpCode(c int) string {
	const digits = "0123456789"
	if c < 100 || c > 999 {
		return "other"
	}
	return string([]byte{digits[c/100], digits[c/10%10], digits[c%10]})
}

// operationLabel returns the operation's name for labels, "anonymous" when
// it has none and "other" past the cap.
func (m *metrics) operationLabel(oc *graphql.OperationContext) (name, typ string) {
	if oc == nil || oc.Operation == nil {
		return "invalid", "unknown"
	}
	name = oc.Operation.Name
	if name == "" {
		name = "anonymous"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.names[name] {
		if len(m.names) >= maxOperationNames {
			name = "other"
		} else {
			m.names[name] = true
		}
	}
	return name, string(oc.Operation.Operation)
}

// extension is the gqlgen extension that counts operations, their latency
// and errors by code.
func (m *metrics) extension() graphql.HandlerExtension { return metricsExtension{m} }

type metricsExtension struct{ m *metrics }

var (
	_ graphql.OperationInterceptor = metricsExtension{}
	_ graphql.ResponseInterceptor  = metricsExtension{}
)

func (metricsExtension) ExtensionName() string                   { return "ActiveLabMetrics" }
func (metricsExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e metricsExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	name, typ := e.m.operationLabel(graphql.GetOperationContext(ctx))
	e.m.operations.WithLabelValues(name, typ).Inc()
	return next(ctx)
}

func (e metricsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	outcome := "ok"
	for i, err := range resp.Errors {
		code, _ := err.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		e.m.errors.WithLabelValues(code).Inc()
		if i == 0 {
			outcome = code
		}
	}
	var oc *graphql.OperationContext
	if graphql.HasOperationContext(ctx) {
		oc = graphql.GetOperationContext(ctx)
	}
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		name, typ := e.m.operationLabel(oc)
		e.m.responses.WithLabelValues(name, typ, outcome).Inc()
		if oc != nil && oc.Operation != nil && !oc.Stats.OperationStart.IsZero() {
			e.m.opDuration.WithLabelValues(name, typ).Observe(time.Since(oc.Stats.OperationStart).Seconds())
		}
	}
	return resp
}

// dbStatsCollector exports database/sql pool statistics.
type dbStatsCollector struct {
	stats func() sql.DBStats
}

// NewDBStatsCollector exports the pool statistics stats reports
// (store.Store.DBStats) as the activelab_db_* series, for processes that
// serve /metrics without the API (activelab worker).
func NewDBStatsCollector(stats func() sql.DBStats) prometheus.Collector {
	return &dbStatsCollector{stats: stats}
}

var (
	dbOpenDesc     = prometheus.NewDesc("activelab_db_open_connections", "Open database connections (in use + idle).", nil, nil)
	dbInUseDesc    = prometheus.NewDesc("activelab_db_in_use_connections", "Database connections in use.", nil, nil)
	dbIdleDesc     = prometheus.NewDesc("activelab_db_idle_connections", "Idle database connections.", nil, nil)
	dbMaxOpenDesc  = prometheus.NewDesc("activelab_db_max_open_connections", "Maximum open database connections (0: unlimited).", nil, nil)
	dbWaitCount    = prometheus.NewDesc("activelab_db_wait_count_total", "Times a caller waited for a database connection.", nil, nil)
	dbWaitDuration = prometheus.NewDesc("activelab_db_wait_duration_seconds_total", "Total time spent waiting for a database connection.", nil, nil)
)

func (c *dbStatsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dbOpenDesc, dbInUseDesc, dbIdleDesc, dbMaxOpenDesc, dbWaitCount, dbWaitDuration} {
		ch <- d
	}
}

func (c *dbStatsCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(dbOpenDesc, prometheus.GaugeValue, float64(s.OpenConnections))
	ch <- prometheus.MustNewConstMetric(dbInUseDesc, prometheus.GaugeValue, float64(s.InUse))
	ch <- prometheus.MustNewConstMetric(dbIdleDesc, prometheus.GaugeValue, float64(s.Idle))
	ch <- prometheus.MustNewConstMetric(dbMaxOpenDesc, prometheus.GaugeValue, float64(s.MaxOpenConnections))
	ch <- prometheus.MustNewConstMetric(dbWaitCount, prometheus.CounterValue, float64(s.WaitCount))
	ch <- prometheus.MustNewConstMetric(dbWaitDuration, prometheus.CounterValue, s.WaitDuration.Seconds())
}

// registerEdgeMetrics exports the edge's refusal counters and the password
// hash slots:
//
//	activelab_edge_refused_total{reason}: conn_limit (connections closed at
//	  accept), overloaded (503), before_validation (documents refused by
//	  queryGuard), sockets_per_user, subscriptions_per_socket
//	activelab_password_hashes_running, activelab_password_hashes_peak
func (s *Server) registerEdgeMetrics() {
	refused := func(reason string, n func() int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "activelab_edge_refused_total",
			Help:        "Requests and connections refused at the edge, by reason.",
			ConstLabels: prometheus.Labels{"reason": reason},
		}, func() float64 { return float64(n()) })
	}
	s.metrics.reg.MustRegister(
		refused("conn_limit", s.connLimit.refused.Load),
		refused("overloaded", s.inFlight.shed.Load),
		refused("before_validation", s.guard.refused.Load),
		refused("sockets_per_user", s.sockets.socketsRefused.Load),
		refused("subscriptions_per_socket", s.sockets.subsRefused.Load),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "activelab_password_hashes_running",
			Help: "Password hashes and checks running now (at most --max-password-hashes).",
		}, func() float64 { r, _ := s.auth.HashStats(); return float64(r) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "activelab_password_hashes_peak",
			Help: "The most password hashes and checks that ran at once since the start.",
		}, func() float64 { _, p := s.auth.HashStats(); return float64(p) }),
	)
}
