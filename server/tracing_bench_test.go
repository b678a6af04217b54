package server

import (
	"context"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"activelab/store"
	"activelab/store/storetest"
	"activelab/tracing"
)

// BenchmarkTracingMeOverHTTP is BenchmarkMeOverHTTP (one authenticated
// `{ me { id email role } }` over a real socket on SQLite, the token read
// each time) with tracing off (nothing installed: the same code path as
// without package tracing), and on with every span recorded ("sampled",
// spans handed to a no-op exporter as they end) or none ("unsampled",
// OTEL_TRACES_SAMPLER=traceidratio with ratio 0: only the sampling
// decision and the propagation run).
//
//	go test -run '^$' -bench 'BenchmarkTracingMeOverHTTP|BenchmarkMeOverHTTP' -benchmem -count 6 ./server/
func BenchmarkTracingMeOverHTTP(b *testing.B) {
	b.Run("tracing=off", func(b *testing.B) { benchmarkMeOverHTTP(b, nil) })
	on := func(b *testing.B) *tracing.Provider {
		tp, err := tracing.Setup(context.Background(), tracing.Config{Exporter: tracetest.NewNoopExporter(), Getenv: func(string) string { return "" }})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		return tp
	}
	b.Run("tracing=sampled", func(b *testing.B) { benchmarkMeOverHTTP(b, on(b)) })
	b.Run("tracing=unsampled", func(b *testing.B) {
		b.Setenv("OTEL_TRACES_SAMPLER", "traceidratio")
		b.Setenv("OTEL_TRACES_SAMPLER_ARG", "0")
		benchmarkMeOverHTTP(b, on(b))
	})
}

func benchmarkMeOverHTTP(b *testing.B, tp *tracing.Provider) {
	st := storetest.OpenSQLite(b)
	if h := tp.QueryHook("sqlite"); h != nil {
		st.AddQueryHook(h)
	}
	cfg := Defaults()
	cfg.TokenCacheTTL = 0 // read the token every time: a query span per request
	srv, err := New(cfg, Options{Store: st, Logger: discardLogger(), Frontend: testFrontend, Tracing: tp})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	u := storetest.User(context.Background(), b, st, &store.User{Role: store.RoleViewer})
	_, tok, err := srv.Auth().CreateAPIToken(context.Background(), u, "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"query":"query Me { me { id email role } }"}`)
	benchmarkPost(b, ts, tok, body)
}
