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

// shutdownContext returns the context of a process's shutdown: it ends
// timeout after ctx does, so that one --shutdown-timeout bounds all of it
// (the API's requests and the workers' jobs drain at the same time, then
// the last spans are flushed), not each part in turn. cancel releases it.
func shutdownContext(ctx context.Context, timeout time.Duration) (shutdown context.Context, cancel context.CancelFunc) {
	shutdown, cancelShutdown := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(timeout, cancelShutdown) })
	return shutdown, func() {
		stop()
		cancelShutdown()
	}
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

// stopTracing exports the spans not yet exported, by the shutdown's
// deadline (after the HTTP server and the workers stopped, so their last
// spans go too), or within a second when that has passed already.
func stopTracing(tp *tracing.Provider, shutdown context.Context, log *slog.Logger) {
	if !tp.Enabled() {
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(shutdown))
	if shutdown.Err() != nil {
		ctx, cancel = context.WithTimeout(context.Background(), time.Second)
	}
	defer cancel()
	if err := tp.Shutdown(ctx); err != nil {
		log.Warn("tracing: flush at shutdown", "error", err.Error())
	}
}
