package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
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

// envName is the environment variable of a flag: --max-body-bytes is
// ACTIVELAB_MAX_BODY_BYTES.
func envName(flagName string) string {
	return "ACTIVELAB_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets each flag not given on the command line from its
// ACTIVELAB_* variable, when that is set: every flag when only is empty,
// else just the named ones. A bad value names the variable.
func applyEnv(fs *flag.FlagSet, getenv func(string) string, only ...string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] || (len(only) > 0 && !slices.Contains(only, f.Name)) {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%w: %s=%q: %v", errUsage, envName(f.Name), v, e)
			}
		}
	})
	return err
}

// usageOut receives a command's usage on -h (a variable for tests).
var usageOut io.Writer = os.Stderr

// parseFlags parses args and then the environment (every flag, or only the
// named ones); -h prints the usage once and is flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, envFlags ...string) error {
	fs.SetOutput(io.Discard) // the flag package prints the usage itself on -h: not there
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usageOut)
			fs.Usage()
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return applyEnv(fs, os.Getenv, envFlags...)
}

// usageWithEnv prints each flag, with its environment variable when it has
// one (every flag when envFlags is empty, else the named ones).
func usageWithEnv(fs *flag.FlagSet, synopsis string, envFlags ...string) func() {
	return func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: %s\n\nFlags:\n", synopsis)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			env := ""
			if len(envFlags) == 0 || slices.Contains(envFlags, f.Name) {
				env = ", " + envName(f.Name)
			}
			fmt.Fprintf(out, "  --%s%s\n      %s%s\n", f.Name, env, f.Usage, def)
		})
	}
}

// serveFlags binds the flags of `activelab serve` to cfg.
func serveFlags(fs *flag.FlagSet, cfg *server.Config) {
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "database: sqlite:PATH or postgres://USER:PASS@HOST:PORT/DB")
	fs.Func("allowed-origins", "extra browser origins (comma-separated scheme://host[:port]) allowed to use cookies and websockets", func(s string) error {
		cfg.AllowedOrigins = nil
		for _, o := range strings.Split(s, ",") {
			if o = strings.TrimSpace(o); o != "" {
				cfg.AllowedOrigins = append(cfg.AllowedOrigins, o)
			}
		}
		return nil
	})
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn or error")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", cfg.MaxBodyBytes, "largest request body in bytes (413 beyond)")
	fs.Int64Var(&cfg.MaxUploadBytes, "max-upload-bytes", cfg.MaxUploadBytes, "largest multipart upload request in bytes")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "how long shutdown waits for in-flight requests")
	fs.IntVar(&cfg.ComplexityLimit, "complexity-limit", cfg.ComplexityLimit, "largest GraphQL query complexity")
	fs.IntVar(&cfg.DepthLimit, "depth-limit", cfg.DepthLimit, "deepest GraphQL field nesting")
	fs.DurationVar(&cfg.SessionTTL, "session-ttl", cfg.SessionTTL, "lifetime of a login session")
	fs.DurationVar(&cfg.WebsocketPingInterval, "ws-ping-interval", cfg.WebsocketPingInterval, "websocket keep-alive interval")
	fs.DurationVar(&cfg.WebsocketInitTimeout, "ws-init-timeout", cfg.WebsocketInitTimeout, "time a websocket has to send connection_init")
	fs.DurationVar(&cfg.WebsocketRecheckInterval, "ws-recheck-interval", cfg.WebsocketRecheckInterval, "how often an open websocket's credentials are checked again")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", cfg.TrustProxy, "trust X-Forwarded-Proto/Host from a reverse proxy")
	// Limits of the hardened edge (README, Security).
	fs.IntVar(&cfg.MaxTokens, "max-tokens", cfg.MaxTokens, "most tokens in a GraphQL document (500 without credentials)")
	fs.IntVar(&cfg.MaxFields, "max-fields", cfg.MaxFields, "most field selections in a GraphQL document")
	fs.IntVar(&cfg.MaxAliases, "max-aliases", cfg.MaxAliases, "most aliases in a GraphQL document")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", cfg.RequestTimeout, "longest one HTTP GraphQL request may run")
	fs.IntVar(&cfg.MaxPasswordHashes, "max-password-hashes", cfg.MaxPasswordHashes, "password hashes run at once (19 MiB each)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve /metrics on this address only")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", cfg.MetricsToken, "bearer token /metrics requires")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", cfg.ReadTimeout, "longest time to read one request, body included")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "how long an idle keep-alive connection stays open")
	fs.IntVar(&cfg.MaxConnsPerAddr, "max-conns-per-addr", cfg.MaxConnsPerAddr, "open connections per client address (0: no cap, behind a proxy)")
	fs.IntVar(&cfg.MaxSubscriptionsPerSocket, "max-subscriptions-per-socket", cfg.MaxSubscriptionsPerSocket, "subscriptions at once on one websocket")
	fs.IntVar(&cfg.MaxSocketsPerUser, "max-sockets-per-user", cfg.MaxSocketsPerUser, "websockets one user may hold open")
	fs.IntVar(&cfg.MaxInFlight, "max-in-flight", cfg.MaxInFlight, "HTTP GraphQL requests served at once (503 beyond, after --queue-timeout)")
	fs.DurationVar(&cfg.QueueTimeout, "queue-timeout", cfg.QueueTimeout, "how long a request waits for a slot before 503")
}

// runServe opens and migrates the database, starts the event broker, the
// active-learning service and its River workers (with --jobs=false an
// insert-only River client: this process serves the API and enqueues, the
// workers run elsewhere), listens, seeds the demo on an empty database (in
// the background, with --demo), and serves until ctx ends (SIGINT/SIGTERM),
// then shuts down gracefully: HTTP first, then the workers (running jobs
// get the shutdown timeout to finish, then are cancelled and queued again
// without spending an attempt), then the broker.
func runServe(ctx context.Context, args []string) error {
	cfg := server.Defaults()
	demo := true
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	serveFlags(fs, &cfg)
	fs.BoolVar(&demo, "demo", demo, "seed the demo (ESOL, an admin, a trained model, a first cycle) into an empty database")
	runJobs := true
	fs.BoolVar(&runJobs, "jobs", runJobs, "work background jobs in this process (false: serve the API only and leave jobs to `activelab worker`)")
	jf := bindJobFlags(fs)
	fs.Usage = usageWithEnv(fs, "activelab serve [flags]")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	jobCfg, err := jf.config()
	if err != nil {
		return err
	}
	jobCfg.InsertOnly = !runJobs
	level, _ := server.ParseLogLevel(cfg.LogLevel)
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)

	st, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "dialect", st.Dialect())

	rt, err := server.NewRuntime(st, server.RuntimeConfig{Jobs: jobCfg}, log)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := rt.Stop(sctx); err != nil {
			log.Warn("stop workers", "error", err.Error())
		}
	}()
	if err := rt.Start(ctx); err != nil {
		return err
	}

	srv, err := server.New(cfg, server.Options{Store: st, Logger: log, Service: rt.Service, Broker: rt.Broker, Metrics: rt.Collectors(), Jobs: rt.Jobs})
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
