package tracing_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace/noop"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"activelab/store/storetest"
	"activelab/tracing"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is a fixed environment for Config.Getenv.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// inMemory is tracing on, every span recorded in the returned exporter.
func inMemory(t testing.TB) (*tracing.Provider, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	p, err := tracing.Setup(context.Background(), tracing.Config{Exporter: exp, Getenv: env()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p, exp
}

// TestOff: without an endpoint, or with the SDK disabled, Setup builds
// nothing: no provider, no exporter, no goroutine, no global; every hook
// is absent and the handler is returned as it is.
func TestOff(t *testing.T) {
	cases := []struct {
		name     string
		endpoint string
		env      func(string) string
	}{
		{"nothing set", "", env()},
		{"empty variables", "", env("OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")},
		{"only a service name", "", env("OTEL_SERVICE_NAME", "lab")},
		{"SDK disabled", "http://localhost:4318", env("OTEL_SDK_DISABLED", "true")},
		{"exporter none", "", env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318", "OTEL_TRACES_EXPORTER", "none")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			global := otel.GetTracerProvider()
			before := runtime.NumGoroutine()
			p, err := tracing.Setup(context.Background(), tracing.Config{Endpoint: tc.endpoint, Getenv: tc.env})
			if err != nil {
				t.Fatal(err)
			}
			if p != nil || p.Enabled() || p.Endpoint() != "" {
				t.Fatalf("Setup = %v (enabled %v), want nil", p, p.Enabled())
			}
			if after := runtime.NumGoroutine(); after > before {
				t.Errorf("goroutines %d -> %d: tracing off started some", before, after)
			}
			if otel.GetTracerProvider() != global {
				t.Error("tracing off replaced the global tracer provider")
			}
			if _, ok := p.TracerProvider().(noop.TracerProvider); !ok {
				t.Errorf("TracerProvider() = %T, want the no-op provider", p.TracerProvider())
			}
			mux := http.NewServeMux()
			if h := p.HTTP(mux); h != http.Handler(mux) {
				t.Errorf("HTTP wrapped the handler (%T)", h)
			}
			if p.GraphQL() != nil || p.QueryHook("sqlite") != nil || p.JobMiddleware() != nil {
				t.Error("a hook is installed while tracing is off")
			}
			if err := p.Shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestWanted: the endpoint flag or either OTLP endpoint variable turns
// tracing on, unless the SDK is disabled.
func TestWanted(t *testing.T) {
	cases := []struct {
		name     string
		endpoint string
		env      func(string) string
		want     bool
	}{
		{"flag", "http://c:4318", env(), true},
		{"endpoint variable", "", env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), true},
		{"traces endpoint variable", "", env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"), true},
		{"nothing", "", env(), false},
		{"disabled beats flag", "http://c:4318", env("OTEL_SDK_DISABLED", "TRUE"), false},
		{"disabled false", "http://c:4318", env("OTEL_SDK_DISABLED", "false"), true},
		{"exporter none beats variable", "", env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_TRACES_EXPORTER", "None"), false},
		{"exporter otlp", "", env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_TRACES_EXPORTER", "otlp"), true},
	}
	for _, tc := range cases {
		if got := tracing.Wanted(tc.endpoint, tc.env); got != tc.want {
			t.Errorf("%s: Wanted = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestTracesURL: a base URL gets /v1/traces as OTEL_EXPORTER_OTLP_ENDPOINT
// does; anything but an http(s) URL with a host is a *ConfigError.
func TestTracesURL(t *testing.T) {
	ok := []struct{ in, want string }{
		{"http://localhost:4318", "http://localhost:4318/v1/traces"},
		{"http://localhost:4318/", "http://localhost:4318/v1/traces"},
		{"https://otel.example.com/otlp", "https://otel.example.com/otlp/v1/traces"},
		{" http://10.0.0.1:4318 ", "http://10.0.0.1:4318/v1/traces"},
	}
	for _, tc := range ok {
		got, err := tracing.TracesURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("TracesURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"localhost:4318", "grpc://c:4317", "http://", "http://c:4318/?x=1", "::"} {
		_, err := tracing.TracesURL(in)
		var ce *tracing.ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("TracesURL(%q) error = %v, want *ConfigError", in, err)
		}
		if _, err := tracing.Setup(context.Background(), tracing.Config{Endpoint: in, Getenv: env()}); !errors.As(err, &ce) {
			t.Errorf("Setup(%q) error = %v, want *ConfigError", in, err)
		}
	}
}

// collector is an httptest OTLP/HTTP receiver recording each request.
type collector struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []received
	got  chan struct{}
}

type received struct {
	method, path, contentType string
	body                      []byte
}

func newCollector(t *testing.T) *collector {
	c := &collector{got: make(chan struct{}, 100)}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, received{r.Method, r.URL.Path, r.Header.Get("Content-Type"), b})
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
		c.got <- struct{}{}
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *collector) requests() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.reqs...)
}

// spansIn decodes an export request and returns its span names and its
// resource's attributes.
func spansIn(t *testing.T, body []byte) (names []string, resource map[string]string) {
	t.Helper()
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		t.Fatalf("export body is not an ExportTraceServiceRequest: %v", err)
	}
	resource = map[string]string{}
	for _, rs := range req.ResourceSpans {
		for _, kv := range rs.GetResource().GetAttributes() {
			resource[kv.Key] = kv.GetValue().GetStringValue()
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				names = append(names, s.Name)
			}
		}
	}
	return names, resource
}

// TestOTLPExport points the real OTLP/HTTP exporter at an httptest
// collector: spans ended before Shutdown reach it, as protobuf, at
// /v1/traces, with the service's resource, and Shutdown waits for them.
func TestOTLPExport(t *testing.T) {
	cases := []struct {
		name    string
		flag    string // --otlp-endpoint
		envVar  string // or this variable, set to the collector's URL (+ suffix)
		suffix  string
		service string // OTEL_SERVICE_NAME
	}{
		{name: "flag", flag: "base"},
		{name: "OTEL_EXPORTER_OTLP_ENDPOINT", envVar: "OTEL_EXPORTER_OTLP_ENDPOINT", service: "lab-api"},
		{name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", envVar: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", suffix: "/v1/traces"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCollector(t)
			t.Setenv("OTEL_TRACES_SAMPLER", "always_on")
			t.Setenv("OTEL_SERVICE_NAME", tc.service)
			cfg := tracing.Config{Version: "v9.9.9"}
			if tc.flag != "" {
				cfg.Endpoint = c.URL
			}
			if tc.envVar != "" {
				t.Setenv(tc.envVar, c.URL+tc.suffix)
			}
			global := otel.GetTracerProvider()
			t.Cleanup(func() { otel.SetTracerProvider(global) })
			p, err := tracing.Setup(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Enabled() {
				t.Fatal("tracing off with an endpoint")
			}
			_, span := p.TracerProvider().Tracer("test").Start(context.Background(), "export me")
			span.End()
			if len(c.requests()) != 0 {
				t.Fatal("a span was exported before the batch was due: the batcher is not in use")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := p.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			reqs := c.requests()
			if len(reqs) != 1 {
				t.Fatalf("collector got %d requests by the end of Shutdown, want 1", len(reqs))
			}
			r := reqs[0]
			if r.method != http.MethodPost || r.path != "/v1/traces" || r.contentType != "application/x-protobuf" || len(r.body) == 0 {
				t.Fatalf("export request: %s %s %q, %d bytes; want POST /v1/traces application/x-protobuf, non-empty", r.method, r.path, r.contentType, len(r.body))
			}
			names, res := spansIn(t, r.body)
			if len(names) != 1 || names[0] != "export me" {
				t.Errorf("exported spans %q, want [export me]", names)
			}
			wantService := tc.service
			if wantService == "" {
				wantService = tracing.DefaultServiceName
			}
			if res["service.name"] != wantService || res["service.version"] != "v9.9.9" {
				t.Errorf("resource service.name %q, service.version %q; want %q, v9.9.9", res["service.name"], res["service.version"], wantService)
			}
			if res["host.name"] == "" || res["telemetry.sdk.language"] != "go" {
				t.Errorf("resource lacks host.name or the SDK's attributes: %v", res)
			}
		})
	}
}

// TestShutdownGivesUp: a collector that never answers does not hold
// Shutdown past its context.
func TestShutdownGivesUp(t *testing.T) {
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(release)
	global := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(global) })
	p, err := tracing.Setup(context.Background(), tracing.Config{Endpoint: hung.URL, Getenv: env()})
	if err != nil {
		t.Fatal(err)
	}
	_, span := p.TracerProvider().Tracer("test").Start(context.Background(), "stuck")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = p.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown against a hung collector = %v, want the context's deadline", err)
	}
}

// spanNamed returns the one ended span named name.
func spanNamed(t *testing.T, spans tracetest.SpanStubs, name string) tracetest.SpanStub {
	t.Helper()
	var found []tracetest.SpanStub
	for _, s := range spans {
		if s.Name == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		var names []string
		for _, s := range spans {
			names = append(names, s.Name)
		}
		t.Fatalf("%d spans named %q among [%s], want 1", len(found), name, strings.Join(names, ", "))
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
