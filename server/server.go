package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/events"
	"activelab/frontend"
	"activelab/graph"
	"activelab/server/wsgraphql"
	"activelab/store"
	"activelab/tracing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
)

// Server is ActiveLab's HTTP server: /graphql, /healthz, /readyz, /metrics
// and the web app.
type Server struct {
	cfg     Config
	store   *store.Store
	auth    *auth.Service
	log     *slog.Logger
	origins originPolicy
	metrics *metrics
	ops     *opsGauges // the database gauges of /metrics
	handler http.Handler
	guard   *queryGuard
	// inFlight sheds HTTP requests past Config.MaxInFlight; sockets caps
	// websockets; connLimit caps connections per address (Serve gives it
	// the listener).
	inFlight  *inFlight
	sockets   *socketCaps
	connLimit *connLimitListener

	// tracing makes the HTTP and GraphQL spans (nil: off).
	tracing *tracing.Provider

	// ws serves the websockets; Serve closes them when shutdown starts
	// (http.Server.Shutdown does not track hijacked connections).
	ws *wsgraphql.Transport
	// fanout shares a subscription event's result among its subscribers.
	fanout *graph.Fanout
}

// Options are the dependencies of a Server.
type Options struct {
	// Store is the migrated database (required).
	Store *store.Store
	// Logger receives JSON logs (slog.Default() when nil).
	Logger *slog.Logger
	// Now is the clock for sessions and tokens (time.Now when nil).
	Now func() time.Time
	// Frontend is the built web app (frontend.FS() when nil).
	Frontend fs.FS
	// Service and Broker serve the active-learning API and its
	// subscriptions (see Runtime). Without them only accounts work.
	Service *activelearning.Service
	Broker  *events.Broker
	// Metrics are further collectors /metrics exports (Runtime.Collectors).
	Metrics []prometheus.Collector
	// Jobs serves the admins' jobs query and cancelJob (Runtime.Jobs);
	// without it they answer that there are no jobs here.
	Jobs graph.JobAdmin
	// Tracing makes a span per HTTP request and per GraphQL operation
	// (nil or disabled: none, and nothing is installed). The store's
	// query spans and the jobs' are installed where those are built
	// (tracing.Provider.QueryHook, JobMiddleware).
	Tracing *tracing.Provider
}

// New builds a Server from a valid cfg and its dependencies.
func New(cfg Config, opts Options) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Store == nil {
		return nil, errors.New("server: no store")
	}
	origins, err := newOriginPolicy(cfg.AllowedOrigins, cfg.TrustProxy)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{
		cfg:    cfg,
		fanout: graph.NewFanout(),
		store:  opts.Store,
		auth: auth.NewService(opts.Store, auth.Options{SessionTTL: cfg.SessionTTL, Now: opts.Now,
			MaxConcurrentHashes: cfg.MaxPasswordHashes, TokenCacheTTL: cfg.TokenCacheTTL}),
		log:     log,
		origins: origins,
		tracing: opts.Tracing,
		metrics: newMetrics(opts.Store.DBStats),

		inFlight:  newInFlight(cfg.MaxInFlight, cfg.QueueTimeout),
		connLimit: newConnLimitListener(nil, cfg.MaxConnsPerAddr),
		sockets: &socketCaps{maxSockets: cfg.MaxSocketsPerUser, maxSubs: cfg.MaxSubscriptionsPerSocket,
			opTimeout: cfg.RequestTimeout, sockets: map[store.ID]int{}},
	}
	front := opts.Frontend
	if front == nil {
		front = frontend.FS()
	}

	gql := s.graphqlHandler(&graph.Resolver{Auth: s.auth, Svc: opts.Service, Broker: opts.Broker, Jobs: opts.Jobs, Log: log,
		Streams: s.metrics.streams})
	mux := http.NewServeMux()
	mux.Handle("/graphql", s.metrics.route("graphql", s.inFlight.limit(s.graphqlGuard(gql))))
	mux.Handle("GET /graphql/schema.graphql", s.metrics.route("schema", s.schema()))
	if opts.Service != nil {
		mux.Handle("GET /export/measurements.csv", s.metrics.route("export", s.inFlight.limit(s.exportMeasurements(opts.Service))))
		mux.Handle("GET /export/pool.csv", s.metrics.route("export", s.inFlight.limit(s.exportPool(opts.Service, activelearning.PoolCSV))))
		mux.Handle("GET /export/pool.sdf", s.metrics.route("export", s.inFlight.limit(s.exportPool(opts.Service, activelearning.PoolSDF))))
		mux.Handle("POST /predict", s.metrics.route("predict", s.inFlight.limit(s.predict(opts.Service))))
	}
	mux.Handle("GET /healthz", s.metrics.route("healthz", http.HandlerFunc(s.healthz)))
	mux.Handle("GET /readyz", s.metrics.route("readyz", http.HandlerFunc(s.readyz)))
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", s.metrics.route("metrics", s.metricsGuard(s.metrics.handler())))
	} else { // served on its own address by Serve
		mux.Handle("GET /metrics", http.NotFoundHandler())
	}
	mux.Handle("/", s.metrics.route("spa", spaHandler(front)))
	// The tracing middleware wraps the mux itself: it reads the pattern the
	// mux matched (the span's route) from the request it passed on.
	// Probes and scrapes make no spans (they would be most of the traces).
	s.handler = requestLog(log, s.tracing.Enabled(), securityHeaders(s.tracing.HTTP(mux, "/healthz", "/readyz", "/metrics")))
	s.registerEdgeMetrics()
	s.metrics.registerFanout(s.fanout)
	s.ops = newOpsGauges(opts.Store.OpsCounts, log)
	s.metrics.reg.MustRegister(s.ops)
	if err := registerAll(s.metrics.reg, opts.Metrics); err != nil {
		return nil, err
	}
	return s, nil
}

// Auth returns the account service the server uses.
func (s *Server) Auth() *auth.Service { return s.auth }

// Handler returns the root HTTP handler (for httptest and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// graphqlHandler builds the gqlgen handler: transports, limits, error
// presenter, authentication gate and metrics.
func (s *Server) graphqlHandler(r *graph.Resolver) http.Handler {
	h := handler.New(graph.Schema(r))
	s.ws = wsgraphql.New(wsgraphql.Config{
		CheckOrigin: func(r *http.Request) bool {
			ok, _ := s.origins.check(r)
			return ok
		},
		Init:         s.websocketInit,
		InitTimeout:  s.cfg.WebsocketInitTimeout,
		PingInterval: s.cfg.WebsocketPingInterval, // "ping" (graphql-transport-ws), "ka" (legacy graphql-ws)
		ReadLimit:    s.cfg.MaxBodyBytes,          // one message, as one HTTP body
		WriteTimeout: 10 * time.Second,
		OnError: func(ctx context.Context, err error) {
			Logger(ctx, s.log).Debug("websocket", "error", err.Error())
		},
	})
	h.AddTransport(s.ws)
	h.AddTransport(transport.Options{})
	h.AddTransport(transport.GET{})
	h.AddTransport(postJSON{})
	// curl -d without a Content-Type sends a JSON body as a form.
	h.AddTransport(transport.UrlEncodedForm{})
	h.AddTransport(transport.MultipartForm{MaxUploadSize: s.cfg.MaxUploadBytes, MaxMemory: 8 << 20})

	if ext := s.tracing.GraphQL(); ext != nil {
		h.Use(ext) // first: the operation's span encloses the others' work
	}
	// Before the loaders (outer): a subscriber handed a shared result
	// makes no loaders. Response interceptors added after it (inner) run
	// only for the subscriber that executes an event, not for those it
	// hands the result to: per-delivery work belongs before it.
	h.Use(s.fanout)
	if r.Svc != nil {
		h.AroundResponses(graph.LoaderMiddleware(r.Svc))
	}
	h.AroundOperations(s.sockets.operations)
	h.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	h.SetParserTokenLimit(s.cfg.MaxTokens)
	h.SetErrorPresenter(errorPresenter(s.log))
	h.SetRecoverFunc(recoverFunc(s.log))
	h.Use(extension.Introspection{})
	h.Use(&graph.RequireAuthentication{})
	h.Use(&argumentGuard{})
	h.Use(depthLimit{max: s.cfg.DepthLimit})
	h.Use(extension.FixedComplexityLimit(s.cfg.ComplexityLimit))
	h.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	// After APQ, which fills in a persisted query: limits before parsing.
	s.guard = &queryGuard{maxTokens: s.cfg.MaxTokens, maxFields: s.cfg.MaxFields, maxAliases: s.cfg.MaxAliases}
	h.Use(s.guard)
	h.Use(s.metrics.extension())
	return h
}

// websocketInit authenticates a websocket from its connection_init payload
// ({"Authorization": "Bearer al_…"} or {"token": "al_…"}), else from the
// cookie or header of the upgrade request. Without credentials the
// connection is closed with 4401, with bad ones 4403 (graphql-ws codes).
func (s *Server) websocketInit(ctx context.Context, payload transport.InitPayload) (context.Context, error) {
	secret := payload.GetString("token")
	if h := payload.Authorization(); h != "" {
		var malformed bool
		secret, _, malformed = bearerSecret(h)
		if malformed {
			err := fmt.Errorf("%w: the Authorization payload must be \"Bearer TOKEN\"", auth.ErrUnauthenticated)
			return ctx, refuse(4403, err)
		}
	}
	if secret != "" {
		p, err := s.auth.AuthenticateToken(ctx, secret)
		if err != nil {
			if !errors.Is(err, auth.ErrUnauthenticated) {
				Logger(ctx, s.log).Error("websocket authenticate", "error", err.Error())
				err = errors.New("internal error")
				return ctx, refuse(4500, err)
			}
			return ctx, refuse(4403, err)
		}
		return s.acceptSocket(auth.WithPrincipal(ctx, p), p)
	}
	if p := auth.PrincipalFrom(ctx); p != nil && p.User != nil {
		return s.acceptSocket(ctx, p)
	}
	return ctx, refuse(4401, auth.Unauthenticated(ctx))
}

// acceptSocket admits an authenticated websocket within
// Config.MaxSocketsPerUser (else closes it with 4429, too many requests)
// and watches its credentials.
func (s *Server) acceptSocket(ctx context.Context, p *auth.Principal) (context.Context, error) {
	ctx, err := s.sockets.open(ctx, p.User.ID)
	if err != nil {
		return ctx, refuse(4429, err)
	}
	return s.watchCredentials(ctx, p), nil
}

// watchCredentials returns ctx, cancelled as soon as a periodic recheck
// (Config.WebsocketRecheckInterval) finds p's credentials no longer hold:
// the session ended or expired, the token was revoked or expired, the user
// was disabled. gqlgen then closes the socket; the client's reconnect is
// refused. A recheck that fails for another reason (the database) keeps
// the socket and is logged. The rechecks stop with ctx. They run on a
// timer, not on a goroutine of their own, so an idle socket holds no
// goroutine stack for them (issue 15: memory per socket).
func (s *Server) watchCredentials(ctx context.Context, p *auth.Principal) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	w := &credentialWatch{}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t = time.AfterFunc(s.cfg.WebsocketRecheckInterval, func() {
		err := s.auth.Recheck(ctx, p)
		switch {
		case err == nil:
		case errors.Is(err, auth.ErrUnauthenticated):
			Logger(ctx, s.log).Info("websocket closed: credentials no longer hold", "user", p.User.ID, "reason", err.Error())
			cancel()
			return
		case ctx.Err() == nil:
			Logger(ctx, s.log).Warn("websocket credentials recheck", "user", p.User.ID, "error", err.Error())
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.stopped {
			w.t.Reset(s.cfg.WebsocketRecheckInterval)
		}
	})
	context.AfterFunc(ctx, w.stop)
	return ctx
}

// credentialWatch is the timer of watchCredentials' rechecks; mu orders
// its re-arming after each recheck with its stop when the socket ends.
type credentialWatch struct {
	mu      sync.Mutex
	t       *time.Timer
	stopped bool
}

func (w *credentialWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	w.t.Stop()
}

// refuse is a websocket refusal with its close code and reason.
func refuse(code int, err error) error { return &wsgraphql.CloseError{Code: code, Err: err} }

// sessionSweepInterval is how often expired sessions are deleted.
const sessionSweepInterval = time.Hour

// sweepSessions deletes expired sessions now and then every interval until
// ctx ends (expired sessions are refused anyway; this keeps the table small).
func (s *Server) sweepSessions(ctx context.Context) {
	t := time.NewTicker(sessionSweepInterval)
	defer t.Stop()
	for {
		n, err := s.store.DeleteExpiredSessions(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("delete expired sessions", "error", err.Error())
		case n > 0:
			s.log.Info("deleted expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// serveMetrics serves /metrics (and /healthz) on Config.MetricsAddr
// until the returned server is closed.
func (s *Server) serveMetrics() (*http.Server, error) {
	ln, err := net.Listen("tcp", s.cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr %s: %w", s.cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.route("metrics", s.metrics.handler()))
	mux.Handle("GET /healthz", http.HandlerFunc(s.healthz))
	msrv := &http.Server{Handler: securityHeaders(mux), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: s.cfg.ReadTimeout, IdleTimeout: s.cfg.IdleTimeout,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	go func() { _ = msrv.Serve(ln) }()
	s.log.Info("serving metrics", "addr", ln.Addr().String())
	return msrv, nil
}

// ListenAndServe listens on cfg.Addr and serves until ctx is cancelled.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully:
// it stops accepting, closes websockets, waits up to cfg.ShutdownTimeout for
// in-flight requests and returns nil (or the error that stopped it).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.ReadTimeout, // uploads get uploadReadTimeout (limitBody)
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if s.cfg.MaxConnsPerAddr > 0 {
		s.connLimit.Listener = ln
		ln = s.connLimit
	}
	srv.RegisterOnShutdown(s.ws.Close)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if s.cfg.MetricsAddr != "" {
		msrv, err := s.serveMetrics()
		if err != nil {
			_ = srv.Close()
			return err
		}
		defer func() { _ = msrv.Close() }()
	}
	sweepCtx, stopSweep := context.WithCancel(ctx)
	defer stopSweep()
	go s.sweepSessions(sweepCtx)
	s.log.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		s.ws.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	_ = s.ws.Shutdown(sctx) // closes the websockets, waits for their operations
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}
