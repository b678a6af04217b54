package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"activelab/jobs"
	"activelab/store"
	"activelab/tracing"
)

// startTracing builds the process's tracing from --otlp-endpoint and the
// OTEL_* environment: nil (off, nothing installed) without an endpoint.
// A malformed endpoint is a usage error.
func startTracing(ctx context.Context, endpoint string, log *slog.Logger) (*tracing.Provider, error) {
	tp, err := tracing.Setup(ctx, tracing.Config{Endpoint: endpoint, Log: log})
	var ce *tracing.ConfigError
	switch {
	case errors.As(err, &ce):
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	case err != nil:
		return nil, err
	}
	if tp.Enabled() {
		log.Info("tracing: exporting spans over OTLP/HTTP", "endpoint", tp.Endpoint())
	}
	return tp, nil
}

// traceStore installs tp's span per query on st (nothing when off), and
// its job middleware in jc.
func traceStore(tp *tracing.Provider, st *store.Store, jc *jobs.Config) {
	system := "sqlite"
	if st.Dialect() == store.DialectPostgres {
		system = "postgresql"
	}
	if h := tp.QueryHook(system); h != nil {
		st.AddQueryHook(h)
	}
	if mw := tp.JobMiddleware(); mw != nil {
		jc.Middleware = append(jc.Middleware, mw)
	}
}

// stopTracing exports the spans not yet exported, within timeout (after
// the HTTP server and the workers stopped, so their last spans go too).
func stopTracing(tp *tracing.Provider, timeout time.Duration, log *slog.Logger) {
	if !tp.Enabled() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := tp.Shutdown(ctx); err != nil {
		log.Warn("tracing: flush at shutdown", "error", err.Error())
	}
}
