package settings

import (
	"slices"
	"time"
)

// Groups of the README's configuration section, in order.
const (
	GroupServer  = "Server"
	GroupLimits  = "Request limits"
	GroupJobs    = "Background jobs"
	GroupService = "Active learning"
)

// Groups lists the groups in the order the README shows them.
func Groups() []string { return []string{GroupServer, GroupLimits, GroupJobs, GroupService} }

// The commands that share settings.
const (
	cmdServe   = "serve"
	cmdWorker  = "worker"
	cmdMigrate = "migrate"
	cmdUser    = "user create"
	cmdToken   = "token create"
	cmdImport  = "import"
	cmdExport  = "export"
	cmdTrain   = "train"
	cmdPredict = "predict"
)

var (
	serveOnly    = []string{cmdServe}
	workerOnly   = []string{cmdWorker}
	serveWorker  = []string{cmdServe, cmdWorker}
	withDatabase = []string{cmdServe, cmdWorker, cmdMigrate, cmdUser, cmdToken, cmdImport, cmdExport, cmdTrain, cmdPredict}
)

// jobKinds and jobQueues are package jobs' kinds and queues (a test in
// cmd/activelab checks they agree; this package imports nothing of the
// project).
var (
	jobKinds  = []string{"train_model", "retrain_model", "select_samples", "score_shard", "import_compounds"}
	jobQueues = []string{"default", "training"}
)

const (
	second = float64(time.Second)
	milli  = float64(time.Millisecond)
)

// table is every setting. Keep each group together; the README lists them
// in this order.
var table = []Setting{
	// Server.
	{Name: "Addr", Flag: "addr", Env: "ACTIVELAB_ADDR", Type: String, Default: ":8080", Required: true,
		Help: "listen address of the API, websockets, health, metrics and the web app", Group: GroupServer, Commands: serveOnly},
	{Name: "WorkerAddr", Flag: "addr", Env: "ACTIVELAB_ADDR", Type: String, Default: ":8081", Required: true,
		Help: "listen address of a worker's /healthz, /readyz and /metrics", Group: GroupServer, Commands: workerOnly},
	{Name: "DatabaseURL", Flag: "database-url", Env: "ACTIVELAB_DATABASE_URL", Type: String, Default: "sqlite:./data/activelab.db",
		Help:  "`sqlite:PATH` (embedded, pure Go; WAL, busy timeout, foreign keys; the directory is created) or `postgres://USER:PASS@HOST:PORT/DB`; serve and worker migrate it on start",
		Group: GroupServer, Commands: withDatabase},
	{Name: "LogLevel", Flag: "log-level", Env: "ACTIVELAB_LOG_LEVEL", Type: String, Default: "info", Enum: []string{"debug", "info", "warn", "error"},
		Help: "minimum level of the JSON logs on stderr (each request's lines carry its request id)", Group: GroupServer, Commands: serveWorker},
	{Name: "Demo", Flag: "demo", Env: "ACTIVELAB_DEMO", Type: Bool, Default: "true",
		Help: "seed the demo (ESOL, an admin, a trained model, a first cycle) into an empty database; a process with --jobs=false leaves it to one working jobs", Group: GroupServer, Commands: serveOnly},
	{Name: "WorkerDemo", Flag: "demo", Env: "ACTIVELAB_DEMO", Type: Bool, Default: "false",
		Help: "seed the demo into an empty database from a worker", Group: GroupServer, Commands: workerOnly},
	{Name: "Jobs", Flag: "jobs", Env: "ACTIVELAB_JOBS", Type: Bool, Default: "true",
		Help: "work background jobs in this process (false: serve the API only and leave jobs to `activelab worker`)", Group: GroupServer, Commands: serveOnly},
	{Name: "ShutdownTimeout", Flag: "shutdown-timeout", Env: "ACTIVELAB_SHUTDOWN_TIMEOUT", Type: Duration, Default: "15s", Positive: true,
		Help: "how long a graceful shutdown waits for in-flight requests and running jobs, both at once (jobs still running are queued again without spending an attempt)", Group: GroupServer, Commands: serveOnly},
	{Name: "WorkerShutdownTimeout", Flag: "shutdown-timeout", Env: "ACTIVELAB_SHUTDOWN_TIMEOUT", Type: Duration, Default: "30s", Positive: true,
		Help: "how long a worker's running jobs may finish after SIGTERM before they are put back in the queue", Group: GroupServer, Commands: workerOnly},
	{Name: "AllowedOrigins", Flag: "allowed-origins", Env: "ACTIVELAB_ALLOWED_ORIGINS", Type: List,
		Help: "comma-separated extra browser origins (`scheme://host[:port]`, e.g. `http://localhost:5173`) allowed to use the session cookie, websockets and CORS; the server's own host is always allowed", Group: GroupServer, Commands: serveOnly},
	{Name: "TrustProxy", Flag: "trust-proxy", Env: "ACTIVELAB_TRUST_PROXY", Type: Bool, Default: "false",
		Help: "trust X-Forwarded-Proto/Host (Secure cookie, origin check) and X-Forwarded-For (login throttling) from a reverse proxy", Group: GroupServer, Commands: serveOnly},
	{Name: "SessionTTL", Flag: "session-ttl", Env: "ACTIVELAB_SESSION_TTL", Type: Duration, Default: "336h", Positive: true,
		Help: "lifetime of a login session", Group: GroupServer, Commands: serveOnly},
	{Name: "WebsocketPingInterval", Flag: "ws-ping-interval", Env: "ACTIVELAB_WS_PING_INTERVAL", Type: Duration, Default: "25s", Positive: true,
		Help: "websocket keep-alive interval", Group: GroupServer, Commands: serveOnly},
	{Name: "WebsocketInitTimeout", Flag: "ws-init-timeout", Env: "ACTIVELAB_WS_INIT_TIMEOUT", Type: Duration, Default: "10s", Positive: true,
		Help: "time a websocket has to send `connection_init`", Group: GroupServer, Commands: serveOnly},
	{Name: "WebsocketRecheckInterval", Flag: "ws-recheck-interval", Env: "ACTIVELAB_WS_RECHECK_INTERVAL", Type: Duration, Default: "30s", Positive: true,
		Help: "how often an open websocket's credentials are checked again (a disabled user, ended session or revoked token is disconnected)", Group: GroupServer, Commands: serveOnly},
	{Name: "TokenCacheTTL", Flag: "token-cache-ttl", Env: "ACTIVELAB_TOKEN_CACHE_TTL", Type: Duration, Default: "2s", Min: 0, HasMin: true,
		Help: "how long an API token, once read, authenticates requests without reading it again (0: every request); revoking it or disabling its user through this process applies at once, through another replica or the CLI within this time", Group: GroupServer, Commands: serveOnly},
	{Name: "MetricsAddr", Flag: "metrics-addr", Env: "ACTIVELAB_METRICS_ADDR", Type: String,
		Help: "serve /metrics on this address only (e.g. `127.0.0.1:9090`), not on --addr", Group: GroupServer, Commands: serveOnly},
	{Name: "MetricsToken", Flag: "metrics-token", Env: "ACTIVELAB_METRICS_TOKEN", Type: String, Secret: true,
		Help: "bearer token /metrics requires on --addr; without it and without --metrics-addr, /metrics answers loopback clients only", Group: GroupServer, Commands: serveOnly},
	{Name: "OTLPEndpoint", Flag: "otlp-endpoint", Env: "ACTIVELAB_OTLP_ENDPOINT", Type: String,
		Help:  "OpenTelemetry tracing: the OTLP/HTTP collector's base URL (e.g. `http://localhost:4318`; spans go to its /v1/traces); empty: tracing is on only when the standard `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (README, Tracing)",
		Group: GroupServer, Commands: serveWorker},
	{Name: "MaxPasswordHashes", Flag: "max-password-hashes", Env: "ACTIVELAB_MAX_PASSWORD_HASHES", Type: Int, Default: "4", Positive: true,
		Help: "password hashes (argon2id, 19 MiB each) run at once; further logins wait", Group: GroupServer, Commands: serveOnly},

	// Request limits of the hardened edge (README, Security).
	{Name: "MaxBodyBytes", Flag: "max-body-bytes", Env: "ACTIVELAB_MAX_BODY_BYTES", Type: Int, Default: "1048576", Positive: true,
		Help: "largest request body in bytes; beyond it the answer is 413", Group: GroupLimits, Commands: serveOnly},
	{Name: "MaxUploadBytes", Flag: "max-upload-bytes", Env: "ACTIVELAB_MAX_UPLOAD_BYTES", Type: Int, Default: "67108864", Positive: true,
		Help: "largest multipart upload request in bytes", Group: GroupLimits, Commands: serveOnly},
	{Name: "MaxTokens", Flag: "max-tokens", Env: "ACTIVELAB_MAX_TOKENS", Type: Int, Default: "10000", Positive: true,
		Help: "most lexical tokens in a GraphQL document, checked before parsing (500 without credentials)", Group: GroupLimits, Commands: serveOnly},
	{Name: "MaxFields", Flag: "max-fields", Env: "ACTIVELAB_MAX_FIELDS", Type: Int, Default: "500", Positive: true,
		Help: "most field selections in a GraphQL document, counted before validation", Group: GroupLimits, Commands: serveOnly},
	{Name: "MaxAliases", Flag: "max-aliases", Env: "ACTIVELAB_MAX_ALIASES", Type: Int, Default: "100", Positive: true,
		Help: "most aliases in a GraphQL document", Group: GroupLimits, Commands: serveOnly},
	{Name: "ComplexityLimit", Flag: "complexity-limit", Env: "ACTIVELAB_COMPLEXITY_LIMIT", Type: Int, Default: "500", Positive: true,
		Help: "largest GraphQL query complexity", Group: GroupLimits, Commands: serveOnly},
	{Name: "DepthLimit", Flag: "depth-limit", Env: "ACTIVELAB_DEPTH_LIMIT", Type: Int, Default: "12", Positive: true,
		Help: "deepest GraphQL field nesting, introspection excluded", Group: GroupLimits, Commands: serveOnly},
	{Name: "RequestTimeout", Flag: "request-timeout", Env: "ACTIVELAB_REQUEST_TIMEOUT", Type: Duration, Default: "30s", Positive: true,
		Help: "longest one HTTP GraphQL request, or a query or mutation over a websocket, may run (its database calls are cancelled)", Group: GroupLimits, Commands: serveOnly},
	{Name: "MaxInFlight", Flag: "max-in-flight", Env: "ACTIVELAB_MAX_IN_FLIGHT", Type: Int, Default: "64", Positive: true,
		Help: "HTTP GraphQL requests served at once; others wait up to --queue-timeout, then get 503 with Retry-After", Group: GroupLimits, Commands: serveOnly},
	{Name: "QueueTimeout", Flag: "queue-timeout", Env: "ACTIVELAB_QUEUE_TIMEOUT", Type: Duration, Default: "1s", Positive: true,
		Help: "how long a request waits for a slot before 503", Group: GroupLimits, Commands: serveOnly},
	{Name: "ReadTimeout", Flag: "read-timeout", Env: "ACTIVELAB_READ_TIMEOUT", Type: Duration, Default: "30s", Positive: true,
		Help: "longest time to read one request, body included (uploads: 10 min)", Group: GroupLimits, Commands: serveOnly},
	{Name: "IdleTimeout", Flag: "idle-timeout", Env: "ACTIVELAB_IDLE_TIMEOUT", Type: Duration, Default: "60s", Positive: true,
		Help: "how long an idle keep-alive connection stays open", Group: GroupLimits, Commands: serveOnly},
	{Name: "MaxConnsPerAddr", Flag: "max-conns-per-addr", Env: "ACTIVELAB_MAX_CONNS_PER_ADDR", Type: Int, Default: "256", Min: 0, HasMin: true,
		Help: "open connections per client address (IPv6: per /64); 0 turns the cap off, which a server behind a reverse proxy needs", Group: GroupLimits, Commands: serveOnly},
	{Name: "MaxSocketsPerUser", Flag: "max-sockets-per-user", Env: "ACTIVELAB_MAX_SOCKETS_PER_USER", Type: Int, Default: "32", Positive: true,
		Help: "websockets one user may hold open (4429 beyond)", Group: GroupLimits, Commands: serveOnly},
	{Name: "MaxSubscriptionsPerSocket", Flag: "max-subscriptions-per-socket", Env: "ACTIVELAB_MAX_SUBSCRIPTIONS_PER_SOCKET", Type: Int, Default: "50", Positive: true,
		Help: "subscriptions at once on one websocket", Group: GroupLimits, Commands: serveOnly},

	// Background jobs (River), in serve and in worker.
	{Name: "Workers", Flag: "workers", Env: "ACTIVELAB_WORKERS", Type: IntMap, Default: "default=2,training=1",
		Min: 1, Max: 1000, HasMin: true, HasMax: true, Keys: jobQueues, KeyNoun: "queue",
		Help: "jobs worked at once per queue, QUEUE=N[,...]; a queue not named keeps its default (queues: `default` for selections, shards and imports, `training` for training and retraining)", Group: GroupJobs, Commands: serveWorker},
	{Name: "JobTimeout", Flag: "job-timeout", Env: "ACTIVELAB_JOB_TIMEOUT", Type: Duration, Default: "1m", Positive: true,
		Help: "longest one attempt of a background job may run, for kinds without their own --job-timeouts; also how long a job orphaned by a dead process waits before it is retried", Group: GroupJobs, Commands: serveWorker},
	{Name: "JobTimeouts", Flag: "job-timeouts", Env: "ACTIVELAB_JOB_TIMEOUTS", Type: DurationMap, Default: "import_compounds=10m",
		Positive: true, Keys: jobKinds, KeyNoun: "job kind",
		Help: "per-kind attempt timeouts, KIND=DURATION[,...] over the default (kinds: train_model, retrain_model, select_samples, score_shard, import_compounds); an orphaned job waits at least its kind's timeout before another worker retries it", Group: GroupJobs, Commands: serveWorker},
	{Name: "JobRescueAfter", Flag: "job-rescue-after", Env: "ACTIVELAB_JOB_RESCUE_AFTER", Type: Duration, Default: "70s", Positive: true,
		Help: "how long a job may stay running before it is presumed orphaned by a dead process and retried (at least --job-timeout)", Group: GroupJobs, Commands: serveWorker},
	{Name: "JobMaxAttempts", Flag: "job-max-attempts", Env: "ACTIVELAB_JOB_MAX_ATTEMPTS", Type: Int, Default: "5", Min: 1, Max: 100, HasMin: true, HasMax: true,
		Help: "attempts of a failing job before it is given up (an attempt cut short by shutdown does not count)", Group: GroupJobs, Commands: serveWorker},
	{Name: "JobPollInterval", Flag: "job-poll-interval", Env: "ACTIVELAB_JOB_POLL_INTERVAL", Type: Duration, Default: "1s", Min: 10 * milli, Max: 60 * second, HasMin: true, HasMax: true,
		Help: "how often a process looks for jobs without a notification (on SQLite, which has no LISTEN, a job's start latency)", Group: GroupJobs, Commands: serveWorker},

	// The active-learning service (activelearning.Config).
	{Name: "LeaseDuration", Flag: "lease-duration", Env: "ACTIVELAB_LEASE_DURATION", Type: Duration, Default: "15m", Min: second, Max: 24 * 3600 * second, HasMin: true, HasMax: true,
		Help: "how long a claim holds a queue item before another labeler may take it (renewLease extends it)", Group: GroupService, Commands: serveWorker},
	{Name: "MaxBatchSize", Flag: "max-batch-size", Env: "ACTIVELAB_MAX_BATCH_SIZE", Type: Int, Default: "500", Min: 1, Max: 100000, HasMin: true, HasMax: true,
		Help: "largest batch one selection may enqueue", Group: GroupService, Commands: serveWorker},
	{Name: "QueuePageMax", Flag: "queue-page-max", Env: "ACTIVELAB_QUEUE_PAGE_MAX", Type: Int, Default: "100", Min: 1, Max: 10000, HasMin: true, HasMax: true,
		Help: "largest page `labelQueue(first:)` returns", Group: GroupService, Commands: serveWorker},
	{Name: "InlinePoolLimit", Flag: "inline-pool-limit", Env: "ACTIVELAB_INLINE_POOL_LIMIT", Type: Int, Default: "20000", Positive: true,
		Help: "pools with more compounds are scored in a `select_samples` job instead of inside the request", Group: GroupService, Commands: serveWorker},
	{Name: "ShardSize", Flag: "shard-size", Env: "ACTIVELAB_SHARD_SIZE", Type: Int, Default: "250000", Min: 1000, HasMin: true,
		Help: "a job's pool with more compounds is split into `score_shard` jobs of at most this many compounds, which the workers share", Group: GroupService, Commands: serveWorker},
	{Name: "ShardKeep", Flag: "shard-keep", Env: "ACTIVELAB_SHARD_KEEP", Type: Int, Default: "0", Min: 0, HasMin: true,
		Help: "candidates each shard keeps for the merge (0: ten batches' worth, at least 1000)", Group: GroupService, Commands: serveWorker},
	{Name: "InlineImportLimit", Flag: "inline-import-limit", Env: "ACTIVELAB_INLINE_IMPORT_LIMIT", Type: Int, Default: "5000", Positive: true,
		Help: "uploads with more rows run as an `import_compounds` job", Group: GroupService, Commands: serveWorker},
	{Name: "MaxPastedPool", Flag: "max-pasted-pool", Env: "ACTIVELAB_MAX_PASTED_POOL", Type: Int, Default: "5000", Positive: true,
		Help: "most lines a pasted SMILES list may have as a selection pool", Group: GroupService, Commands: serveWorker},
	{Name: "ImportChunk", Flag: "import-chunk", Env: "ACTIVELAB_IMPORT_CHUNK", Type: Int, Default: "500", Min: 1, Max: 100000, HasMin: true, HasMax: true,
		Help: "input rows an import writes per transaction; an interrupted import resumes after its last whole chunk", Group: GroupService, Commands: serveWorker},
	{Name: "ImportStaleAfter", Flag: "import-stale-after", Env: "ACTIVELAB_IMPORT_STALE_AFTER", Type: Duration, Default: "1m", Min: second, HasMin: true,
		Help: "how long a running import may show no heartbeat before it counts as interrupted (its process died) and may be resumed", Group: GroupService,
		Commands: []string{cmdServe, cmdWorker, cmdImport}},
	{Name: "CorrectionWindow", Flag: "correction-window", Env: "ACTIVELAB_CORRECTION_WINDOW", Type: Duration, Default: "24h", Positive: true,
		Help: "how long after labeling an item its labeler may amend or retract the label (admins may at any time)", Group: GroupService, Commands: serveWorker},
	{Name: "PlausibilityK", Flag: "plausibility-k", Env: "ACTIVELAB_PLAUSIBILITY_K", Type: Float, Default: "4", Positive: true,
		Help: "standard deviations from its prediction a label may lie before it must be confirmed", Group: GroupService, Commands: serveWorker},
}

// Table returns every setting, in the README's order. The slice is a
// copy; its settings' slices are shared and must not be changed.
func Table() []Setting { return slices.Clone(table) }

// Lookup returns the setting named name.
func Lookup(name string) (Setting, bool) {
	i := slices.IndexFunc(table, func(s Setting) bool { return s.Name == name })
	if i < 0 {
		return Setting{}, false
	}
	return table[i], true
}

// Commands lists the commands that read at least one setting, in the
// order the README names them.
func Commands() []string {
	return []string{cmdServe, cmdWorker, cmdMigrate, cmdUser, cmdToken, cmdImport, cmdExport, cmdTrain, cmdPredict}
}
