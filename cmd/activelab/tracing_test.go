package main

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// TestServeTraced starts `activelab serve --otlp-endpoint` against an
// httptest OTLP/HTTP collector, sends a request carrying a traceparent,
// and stops the server: the shutdown flushes the request's span to the
// collector's /v1/traces, in the caller's trace.
func TestServeTraced(t *testing.T) {
	var mu sync.Mutex
	var names, traces []string
	var paths []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req coltracepb.ExportTraceServiceRequest
		err := proto.Unmarshal(b, &req)
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, r.URL.Path)
		if err != nil {
			t.Errorf("export body: %v", err)
		}
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					names = append(names, s.Name)
					traces = append(traces, hex.EncodeToString(s.TraceId))
				}
			}
		}
	}))
	defer collector.Close()
	global := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(global) })

	addr := freeAddr(t)
	t.Setenv("ACTIVELAB_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "activelab.db"))
	t.Setenv("ACTIVELAB_DEMO", "false")
	t.Setenv("ACTIVELAB_LOG_LEVEL", "warn")
	t.Setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
	t.Setenv("OTEL_TRACES_SAMPLER_ARG", "0") // only what a sampled caller asks for
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"--addr", addr, "--shutdown-timeout", "5s", "--otlp-endpoint", collector.URL})
	}()
	waitReady(t, addr, done)

	const traceID = "0af7651916cd43dd8448eb211c80319c"
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/graphql/schema.graphql", nil)
	req.Header.Set("traceparent", "00-"+traceID+"-b7ad6b7169203331-01")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("serve returned %v after cancel", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) == 0 || paths[0] != "/v1/traces" {
		t.Fatalf("collector got requests at %q, want /v1/traces", paths)
	}
	i := slices.Index(names, "GET /graphql/schema.graphql")
	if i < 0 || traces[i] != traceID {
		t.Errorf("exported spans %q in traces %q: want GET /graphql/schema.graphql in %s", names, traces, traceID)
	}
	for j, tr := range traces {
		if tr != traceID {
			t.Errorf("span %q of an unsampled trace %s was exported (sampler ratio 0)", names[j], tr)
		}
	}
}

// TestShutdownContext: the shutdown's context lives while the process
// runs and ends its timeout after the process's context does, so one
// --shutdown-timeout bounds the whole shutdown.
func TestShutdownContext(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	shutdown, cancel := shutdownContext(ctx, 200*time.Millisecond)
	defer cancel()
	time.Sleep(300 * time.Millisecond)
	if shutdown.Err() != nil {
		t.Fatal("the shutdown context ended while the process ran")
	}
	stop()
	start := time.Now()
	<-shutdown.Done()
	if d := time.Since(start); d < 150*time.Millisecond || d > 5*time.Second {
		t.Fatalf("the shutdown context ended %v after the process's, want its 200ms timeout", d)
	}

	// cancel releases it at once.
	ctx2, stop2 := context.WithCancel(context.Background())
	defer stop2()
	shutdown2, cancel2 := shutdownContext(ctx2, time.Hour)
	cancel2()
	if shutdown2.Err() == nil {
		t.Fatal("cancel did not end the shutdown context")
	}
}
