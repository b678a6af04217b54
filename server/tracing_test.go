package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"activelab/ident"
	"activelab/store"
	"activelab/tracing"
)

// setupTraced is setupAL with tracing on, every span recorded in the
// returned exporter: the HTTP and GraphQL spans (Options.Tracing), the
// store's query spans and the jobs' (installed before the runtime starts,
// as cmd/activelab does).
func setupTraced(t *testing.T, open func(testing.TB) *store.Store) (*alEnv, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp, err := tracing.Setup(context.Background(), tracing.Config{Exporter: exp, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	var rt *Runtime
	e := setup(t, open, func(_ *Config, o *Options) {
		o.Store.AddQueryHook(tp.QueryHook(o.Store.Dialect()))
		rt = newTestRuntime(t, o.Store, func(rc *RuntimeConfig) {
			rc.Jobs.Middleware = append(rc.Jobs.Middleware, tp.JobMiddleware())
		})
		o.Service, o.Broker, o.Metrics, o.Jobs, o.Tracing = rt.Service, rt.Broker, rt.Collectors(), rt.Jobs, tp
	})
	a := &alEnv{env: e, rt: rt, queries: &queryCounter{}}
	a.admin, a.sci = e.user(store.RoleAdmin), e.user(store.RoleScientist)
	a.adminT = e.token(a.admin)
	return a, exp
}

// TestTracingRequestToJob: a GraphQL mutation sent with a traceparent is
// one trace: the HTTP span continues the caller's, the operation's span is
// its child, the database queries the operation runs are under the
// operation, and the training job it enqueued runs in a span under it
// too, with its own queries below. Each span has its attributes.
func TestTracingRequestToJob(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a, exp := setupTraced(t, open)
		a.importESOL(t)
		exp.Reset()

		const (
			traceID = "0af7651916cd43dd8448eb211c80319c"
			caller  = "b7ad6b7169203331"
		)
		hdr := bearer(a.adminT)
		hdr["traceparent"] = "00-" + traceID + "-" + caller + "-01"
		var d struct {
			CreateModel struct{ Model struct{ ID string } }
		}
		res := a.post(`mutation CreateModel($in: CreateModelInput!) { createModel(input: $in) { model { id status } } }`,
			map[string]any{"in": map[string]any{"name": "ESOL traced", "endpoint": "logS", "task": "REGRESSION", "members": alMembers,
				"split": map[string]any{"kind": "random", "fraction": 0.2, "seed": 7}, "seed": 7}}, hdr)
		wantData(t, res, &d)
		modelID, _ := ident.Parse(d.CreateModel.Model.ID)

		var job tracetest.SpanStub
		a.waitFor(t, "the training job's span", func() bool {
			for _, s := range exp.GetSpans() {
				if s.Name == "job train_model" {
					job = s
					return true
				}
			}
			return false
		})
		m, err := a.rt.Service.Model(context.Background(), modelID)
		if err != nil || m.Status != store.ModelActive {
			t.Fatalf("model after its job: %v %v", m.Status, err)
		}
		spans := exp.GetSpans()
		byID := map[trace.SpanID]tracetest.SpanStub{}
		for _, s := range spans {
			byID[s.SpanContext.SpanID()] = s
		}
		// under reports whether s descends from ancestor.
		under := func(s tracetest.SpanStub, ancestor trace.SpanID) bool {
			for p := s.Parent.SpanID(); p.IsValid(); {
				if p == ancestor {
					return true
				}
				ps, ok := byID[p]
				if !ok {
					return false
				}
				p = ps.Parent.SpanID()
			}
			return false
		}

		httpSpan := spanNamed(t, spans, "POST /graphql")
		if httpSpan.SpanContext.TraceID().String() != traceID || httpSpan.Parent.SpanID().String() != caller || !httpSpan.Parent.IsRemote() {
			t.Errorf("HTTP span trace %s parent %s: want the caller's %s / %s", httpSpan.SpanContext.TraceID(), httpSpan.Parent.SpanID(), traceID, caller)
		}
		if a := attrs(httpSpan); a["http.route"] != "/graphql" || a["http.request.method"] != "POST" || a["http.response.status_code"] != "200" || httpSpan.SpanKind != trace.SpanKindServer {
			t.Errorf("HTTP span attributes %v kind %v", a, httpSpan.SpanKind)
		}
		if got, want := res.header.Get("traceparent"), "00-"+traceID+"-"+httpSpan.SpanContext.SpanID().String()+"-01"; got != want {
			t.Errorf("response traceparent %q, want %q", got, want)
		}
		if logs := a.log.String(); !strings.Contains(logs, `"trace_id":"`+traceID+`"`) {
			t.Errorf("no access-log line with the request's trace_id:\n%s", logs)
		}

		op := spanNamed(t, spans, "mutation CreateModel")
		if op.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
			t.Errorf("operation span's parent %s, want the HTTP span %s", op.Parent.SpanID(), httpSpan.SpanContext.SpanID())
		}
		if a := attrs(op); a["graphql.operation.name"] != "CreateModel" || a["graphql.operation.type"] != "mutation" {
			t.Errorf("operation span attributes %v", a)
		}

		var opQueries, jobQueries int
		insertModel, begin := false, false
		for _, s := range spans {
			a := attrs(s)
			if a["db.operation.name"] == "" {
				continue
			}
			if s.SpanContext.TraceID().String() != traceID {
				t.Errorf("query span %q in trace %s, want %s", s.Name, s.SpanContext.TraceID(), traceID)
			}
			if a["db.system.name"] == "" || s.SpanKind != trace.SpanKindClient {
				t.Errorf("query span %q: attributes %v kind %v", s.Name, a, s.SpanKind)
			}
			if p, ok := byID[s.Parent.SpanID()]; ok && attrs(p)["db.operation.name"] != "" {
				t.Errorf("query span %q is the child of query span %q: want it under the operation or job that ran it", s.Name, p.Name)
			}
			begin = begin || s.Name == "BEGIN"
			switch {
			case under(s, job.SpanContext.SpanID()):
				jobQueries++
			case under(s, op.SpanContext.SpanID()):
				opQueries++
				if a["db.operation.name"] == "INSERT" && a["db.collection.name"] == "ml_models" {
					insertModel = true
				}
			}
		}
		if !begin {
			t.Error("no BEGIN span: the operation's transaction is not traced")
		}
		if opQueries == 0 || !insertModel {
			t.Errorf("%d query spans under the operation, INSERT ml_models among them: %v; want some, and it", opQueries, insertModel)
		}
		if jobQueries == 0 {
			t.Error("no query span under the job's span")
		}

		if job.SpanContext.TraceID().String() != traceID || !under(job, op.SpanContext.SpanID()) {
			t.Errorf("job span in trace %s under %s: want the request's trace, under its operation", job.SpanContext.TraceID(), job.Parent.SpanID())
		}
		if a := attrs(job); a["river.job.kind"] != "train_model" || a["river.job.attempt"] != "1" || a["messaging.message.id"] == "" || a["river.job.queue"] != "training" || job.SpanKind != trace.SpanKindConsumer {
			t.Errorf("job span attributes %v kind %v", a, job.SpanKind)
		}
	})
}

// TestTracingWebsocket: with tracing on, websockets still upgrade (the
// tracing writer keeps http.Hijacker); an operation over a socket is a
// span under the socket's HTTP span, which ends, as 101, when the socket
// closes.
func TestTracingWebsocket(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a, exp := setupTraced(t, open)
		hdr := http.Header{}
		hdr.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
		c, _, err := a.dial(t, "graphql-transport-ws", hdr)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": a.adminT}})
		if m := next(t, c); m.Type != "connection_ack" {
			t.Fatalf("got %+v, want connection_ack", m)
		}
		send(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "query Me { me { id } }"}})
		if m := next(t, c); m.Type != "next" || !strings.Contains(string(m.Payload), a.admin.ID.String()) {
			t.Fatalf("got %s %s, want next with the admin's id", m.Type, m.Payload)
		}
		c.Close()
		var socket tracetest.SpanStub
		a.waitFor(t, "the socket's span", func() bool {
			for _, s := range exp.GetSpans() {
				if s.Name == "GET /graphql" {
					socket = s
					return true
				}
			}
			return false
		})
		if got := attrs(socket)["http.response.status_code"]; got != "101" {
			t.Errorf("socket span status code %s, want 101", got)
		}
		op := spanNamed(t, exp.GetSpans(), "query Me")
		if op.Parent.SpanID() != socket.SpanContext.SpanID() || op.SpanContext.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" {
			t.Errorf("operation span under %s in trace %s, want under the socket's span %s in the caller's trace", op.Parent.SpanID(), op.SpanContext.TraceID(), socket.SpanContext.SpanID())
		}
	})
}

// TestTracingOff: a server without tracing answers without a traceparent,
// and its request path has no tracing middleware.
func TestTracingOff(t *testing.T) {
	e := setup(t, openSQLite)
	u := e.user(store.RoleViewer)
	res := e.post(`{ me { id } }`, nil, map[string]string{"Authorization": "Bearer " + e.token(u),
		"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
	wantData(t, res, nil)
	if tp := res.header.Get("traceparent"); tp != "" {
		t.Errorf("tracing off, response traceparent %q", tp)
	}
	if logs := e.log.String(); !strings.Contains(logs, `"http request"`) || strings.Contains(logs, "trace_id") {
		t.Errorf("tracing off: want access-log lines without a trace_id:\n%s", logs)
	}
}

// spanNamed returns the one span named name.
func spanNamed(t *testing.T, spans tracetest.SpanStubs, name string) tracetest.SpanStub {
	t.Helper()
	var found []tracetest.SpanStub
	var names []string
	for _, s := range spans {
		names = append(names, s.Name)
		if s.Name == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d spans named %q among %q, want 1", len(found), name, names)
	}
	return found[0]
}

// attrs returns a span's attributes as text.
func attrs(s tracetest.SpanStub) map[string]string {
	m := map[string]string{}
	for _, kv := range s.Attributes {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}
