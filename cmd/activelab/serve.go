package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"activelab/activelearning/demo"
	"activelab/server"
	"activelab/store"
)

func init() {
	register("serve", command{
		Summary: "serve the GraphQL API, websockets, health, metrics and the web app (the default command)",
		Run:     runServe,
	})
}

// runServe opens and migrates the database, starts the event broker, the
// active-learning service and its River workers (with --jobs=false an
// insert-only River client: this process serves the API and enqueues, the
// workers run elsewhere), listens, seeds the demo on an empty database (in
// the background, with --demo), and serves until ctx ends (SIGINT/SIGTERM),
// then shuts down gracefully within the one shutdown timeout: the HTTP
// server drains its requests while the workers fetch no more jobs and let
// running ones finish (then cancel them and queue them again without
// spending an attempt); then the broker stops.
func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	conf := bindSettings(fs, "serve")
	fs.Usage = conf.Usage(fs, "activelab serve [flags]")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	opts := serveOptionsFrom(conf)
	cfg := opts.Server
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	demo, runJobs := opts.Demo, !opts.Runtime.Jobs.InsertOnly
	level, _ := server.ParseLogLevel(cfg.LogLevel)
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)
	// ctx ends the process; shutdown ends cfg.ShutdownTimeout later, the
	// one deadline of everything that stops then.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	shutdown, cancelShutdown := shutdownContext(ctx, cfg.ShutdownTimeout)
	defer cancelShutdown()
	tp, err := startTracing(ctx, opts.OTLPEndpoint, log)
	if err != nil {
		return err
	}
	defer stopTracing(tp, shutdown, log) // deferred first: runs last

	st, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "dialect", st.Dialect())
	traceStore(tp, st, &opts.Runtime.Jobs)

	rt, err := server.NewRuntime(st, opts.Runtime, log)
	if err != nil {
		return err
	}
	// The workers stop fetching as soon as ctx ends and finish their
	// running jobs while the API drains its requests (Serve), both by
	// the shutdown's deadline; the broker stops after both.
	jobsStopped := make(chan struct{})
	go func() {
		defer close(jobsStopped)
		<-ctx.Done()
		if err := rt.StopJobs(shutdown); err != nil {
			log.Warn("stop workers", "error", err.Error())
		}
	}()
	defer func() {
		stop() // when Serve failed rather than ctx ending
		<-jobsStopped
		_ = rt.Stop(shutdown) // the broker; the jobs' error was logged
	}()
	if err := rt.Start(ctx); err != nil {
		return err
	}

	srv, err := server.New(cfg, server.Options{Store: st, Logger: log, Service: rt.Service, Broker: rt.Broker, Metrics: rt.Collectors(), Jobs: rt.Jobs, Tracing: tp})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	switch {
	case demo && runJobs:
		go seedDemo(ctx, rt, st, log)
	case demo:
		log.Info("demo: not seeded by an API-only process (--jobs=false): a process working jobs (serve or worker) seeds it")
	}
	return srv.Serve(ctx, ln)
}

// seedDemo fills an empty database with the demo (a no-op otherwise),
// logging what it does; it runs while the server already answers.
func seedDemo(ctx context.Context, rt *server.Runtime, st *store.Store, log *slog.Logger) {
	log.Info("demo: seeding if the database is empty (this may take a minute)")
	res, err := demo.Seed(ctx, rt.Service, st, demo.Config{Log: log})
	switch {
	case err != nil && ctx.Err() != nil:
		log.Info("demo: interrupted; the next start finishes it")
	case err != nil:
		log.Error("demo: seeding failed", "error", err.Error())
	case res.SeededElsewhere:
		log.Info("demo: another process is seeding the database")
	case !res.Seeded:
		log.Info("demo: database not empty, nothing to seed")
	default:
		log.Info("demo: ready", "model_id", res.ModelID, "cycle_id", res.CycleID, "admin", res.Admin.Email)
	}
}

// openStore opens the database at url and applies pending migrations (a
// no-op when current, so it is safe next to a running server). Processes
// starting together on an empty PostgreSQL database race to create the
// schema and the loser's CREATE fails; it tries again, twice, after the
// winner has had a moment to finish (then the migrations are current).
func openStore(ctx context.Context, url string) (*store.Store, error) {
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := store.Open(octx, url)
	for attempt := 1; store.IsBusy(err) && octx.Err() == nil; attempt++ {
		// Processes starting together on a new SQLite file race to switch
		// it to WAL, which waits for no busy_timeout: the losers try again.
		select {
		case <-octx.Done():
		case <-time.After(min(time.Duration(attempt)*100*time.Millisecond, time.Second)):
		}
		st, err = store.Open(octx, url)
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	for attempt := 1; ; attempt++ {
		status, err := st.MigrationStatus(octx)
		if err == nil && status.Current() {
			return st, nil
		}
		err = st.Migrate(ctx)
		if err == nil {
			return st, nil
		}
		// Processes starting together race to migrate; the losers (SQLite:
		// SQLITE_BUSY past busy_timeout on a loaded machine) try again until
		// the migration is current, for up to 30 s in all.
		if octx.Err() != nil || ctx.Err() != nil {
			st.Close()
			return nil, fmt.Errorf("migrate database (attempt %d): %w", attempt, err)
		}
		select {
		case <-octx.Done():
		case <-time.After(min(time.Duration(attempt)*250*time.Millisecond, 2*time.Second)):
		}
	}
}
