package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"activelab/server"
	"activelab/store"
)

func init() {
	register("worker", command{
		Summary: "work background jobs only (training, retraining, selections, imports), with /healthz, /readyz and /metrics",
		Run:     runWorker,
	})
}

// runWorker opens and migrates the database, starts the service's River
// workers (no API), serves /healthz, /readyz and /metrics on its own small
// listener, seeds the demo on an empty database with --demo, and works jobs
// until ctx ends; then it stops fetching, lets running jobs finish within
// the shutdown timeout, and puts those still running back in the queue
// without spending an attempt.
func runWorker(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	conf := bindSettings(fs, "worker")
	fs.Usage = conf.Usage(fs, "activelab worker [flags]")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	opts := workerOptionsFrom(conf)
	addr, shutdownTimeout, seed, jobCfg := opts.Addr, opts.ShutdownTimeout, opts.Demo, opts.Runtime.Jobs
	level, err := server.ParseLogLevel(opts.LogLevel)
	if err != nil {
		return fmt.Errorf("%w: --log-level: %v", errUsage, err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)
	shutdown, cancelShutdown := shutdownContext(ctx, shutdownTimeout)
	defer cancelShutdown()
	tp, err := startTracing(ctx, opts.OTLPEndpoint, log)
	if err != nil {
		return err
	}
	defer stopTracing(tp, shutdown, log) // deferred first: runs last

	st, err := openStore(ctx, opts.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "dialect", st.Dialect(), "role", "worker")
	traceStore(tp, st, &opts.Runtime.Jobs)

	rt, err := server.NewRuntime(st, opts.Runtime, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		_ = rt.Stop(context.Background())
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		server.NewDBStatsCollector(st.DBStats))
	reg.MustRegister(rt.Collectors()...)
	hs := &http.Server{Handler: workerHandler(st, rt.Jobs.Running, reg), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("worker health listener stopped", "error", err.Error())
		}
	}()
	if err := rt.Start(ctx); err != nil {
		_ = hs.Close()
		_ = rt.Stop(context.Background())
		return err
	}
	log.Info("worker working jobs", "addr", ln.Addr().String(), "queues", jobCfg.Queues,
		"job_timeout", jobCfg.JobTimeout.String(), "rescue_after", jobCfg.RescueAfter.String())
	if seed {
		go seedDemo(ctx, rt, st, log)
	}

	<-ctx.Done()
	log.Info("worker stopping: running jobs may finish", "shutdown_timeout", shutdownTimeout.String())
	stopErr := rt.Stop(shutdown)
	hctx, hcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer hcancel()
	_ = hs.Shutdown(hctx)
	if stopErr != nil {
		return stopErr
	}
	log.Info("worker stopped")
	return nil
}

// workerHandler serves a worker's /healthz (the process is up), /readyz
// (the database answers, its migrations are current, and jobs are being
// worked: 503 otherwise, and while stopping) and /metrics.
func workerHandler(st *store.Store, working func() bool, reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			writeStatus(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "unreachable"})
			return
		}
		ms, err := st.MigrationStatus(ctx)
		if err != nil || !ms.Current() {
			writeStatus(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "ok", "migrations": "not current"})
			return
		}
		if !working() {
			writeStatus(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "ok", "migrations": "current", "jobs": "stopped"})
			return
		}
		writeStatus(w, http.StatusOK, map[string]any{"status": "ok", "database": "ok", "migrations": "current", "jobs": "working", "dialect": st.Dialect()})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return mux
}

func writeStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
