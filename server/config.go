package server

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"activelab/auth"
)

// Config is the HTTP server's part of `activelab serve`'s settings. Its
// flags, ACTIVELAB_* variables, defaults, checks and help text are rows of
// package settings' table, from which cmd/activelab builds it (the flag
// wins over the variable, the variable over the default). Defaults() gives
// a library caller the same defaults (a test in cmd/activelab keeps them
// equal); Validate checks a Config however it was built.
type Config struct {
	// Addr is the TCP listen address (flag --addr, env ACTIVELAB_ADDR).
	// Default ":8080".
	Addr string

	// DatabaseURL picks the database (flag --database-url, env
	// ACTIVELAB_DATABASE_URL): "sqlite:PATH" for the embedded SQLite file or
	// "postgres://user:pass@host:port/db?sslmode=disable" for PostgreSQL.
	// Default "sqlite:./data/activelab.db". It is migrated on start.
	DatabaseURL string

	// AllowedOrigins are the extra browser origins (scheme://host[:port])
	// allowed to send cookie-authenticated requests and to open websockets
	// (flag --allowed-origins, env ACTIVELAB_ALLOWED_ORIGINS, comma-separated).
	// The server's own origin (the request's Host) is always allowed. Example:
	// "http://localhost:5173" for the Vite dev server. Default none.
	AllowedOrigins []string

	// LogLevel is the minimum level of the JSON logs on stderr: debug, info,
	// warn or error (flag --log-level, env ACTIVELAB_LOG_LEVEL). Default info.
	LogLevel string

	// MaxBodyBytes caps the body of a non-upload request; a larger body gets
	// 413 (flag --max-body-bytes, env ACTIVELAB_MAX_BODY_BYTES).
	// Default 1 MiB (1048576).
	MaxBodyBytes int64

	// MaxUploadBytes caps a multipart upload request (flag
	// --max-upload-bytes, env ACTIVELAB_MAX_UPLOAD_BYTES). Default 64 MiB.
	MaxUploadBytes int64

	// ShutdownTimeout is how long a graceful shutdown waits for in-flight
	// requests before closing them (flag --shutdown-timeout, env
	// ACTIVELAB_SHUTDOWN_TIMEOUT, a Go duration). Default 15s.
	ShutdownTimeout time.Duration

	// ComplexityLimit is the largest GraphQL query complexity accepted (each
	// field counts 1 unless the schema says otherwise; flag
	// --complexity-limit, env ACTIVELAB_COMPLEXITY_LIMIT). Default 500.
	ComplexityLimit int

	// DepthLimit is the deepest field nesting accepted in an operation
	// (introspection fields excluded; flag --depth-limit, env
	// ACTIVELAB_DEPTH_LIMIT). Default 12.
	DepthLimit int

	// SessionTTL is the lifetime of a login session cookie (flag
	// --session-ttl, env ACTIVELAB_SESSION_TTL). Default 336h (14 days).
	SessionTTL time.Duration

	// WebsocketPingInterval is how often the server sends keep-alive
	// messages on websockets (graphql-transport-ws "ping", legacy graphql-ws
	// "ka"; flag --ws-ping-interval, env ACTIVELAB_WS_PING_INTERVAL).
	// Default 25s.
	WebsocketPingInterval time.Duration

	// WebsocketInitTimeout is how long a new websocket may take to send
	// connection_init (flag --ws-init-timeout, env ACTIVELAB_WS_INIT_TIMEOUT).
	// Default 10s.
	WebsocketInitTimeout time.Duration

	// WebsocketRecheckInterval is how often an open websocket's
	// credentials are checked again, so a disabled user, an ended session
	// or a revoked token stops receiving events (flag
	// --ws-recheck-interval, env ACTIVELAB_WS_RECHECK_INTERVAL). Default 30s.
	WebsocketRecheckInterval time.Duration

	// TokenCacheTTL is how long an API token and its user, once read,
	// authenticate requests without reading them again (flag
	// --token-cache-ttl, env ACTIVELAB_TOKEN_CACHE_TTL; 0: read on every
	// request). A token revoked or a user disabled or demoted through
	// this process applies at once; through another replica or the CLI,
	// within TokenCacheTTL. Default 2s (auth.DefaultTokenCacheTTL).
	TokenCacheTTL time.Duration

	// TrustProxy makes the server believe X-Forwarded-Proto (for the Secure
	// cookie flag and the origin check) and X-Forwarded-Host; set it only
	// behind a reverse proxy that sets them (flag --trust-proxy, env
	// ACTIVELAB_TRUST_PROXY). Default false.
	TrustProxy bool

	// MaxTokens is the most lexical tokens a GraphQL document may have,
	// checked before it is parsed (flag --max-tokens, env
	// ACTIVELAB_MAX_TOKENS). Callers without credentials get at most 500.
	// Default 10000.
	MaxTokens int

	// MaxFields is the most field selections a GraphQL document may have,
	// counted before validation, whose cost grows with the square of
	// repeated fields (flag --max-fields, env ACTIVELAB_MAX_FIELDS).
	// Default 500, the default complexity limit: a document with more
	// fields would be refused after validation anyway.
	MaxFields int

	// MaxAliases is the most aliases a GraphQL document may have (flag
	// --max-aliases, env ACTIVELAB_MAX_ALIASES). Default 100.
	MaxAliases int

	// RequestTimeout bounds one HTTP GraphQL request: its context ends,
	// cancelling database calls (flag --request-timeout, env
	// ACTIVELAB_REQUEST_TIMEOUT). Websockets are not bounded. Default 30s.
	RequestTimeout time.Duration

	// MaxPasswordHashes is how many password hashes (argon2id, 19 MiB
	// each) may run at once; logins beyond it wait their turn (flag
	// --max-password-hashes, env ACTIVELAB_MAX_PASSWORD_HASHES). Default 4
	// (76 MiB).
	MaxPasswordHashes int

	// MetricsAddr, when set, serves /metrics on this separate listen
	// address only (for example "127.0.0.1:9090"), and not on Addr (flag
	// --metrics-addr, env ACTIVELAB_METRICS_ADDR). Default "".
	MetricsAddr string

	// MetricsToken, when set, is the bearer token /metrics requires
	// ("Authorization: Bearer TOKEN"; flag --metrics-token, env
	// ACTIVELAB_METRICS_TOKEN). Without a token and without MetricsAddr,
	// /metrics on Addr answers loopback clients only. Default "".
	MetricsToken string

	// ReadTimeout bounds reading one request, body included, so a client
	// sending a byte now and then cannot hold a connection (flag
	// --read-timeout, env ACTIVELAB_READ_TIMEOUT). Default 30s.
	ReadTimeout time.Duration

	// IdleTimeout closes a keep-alive connection idle this long (flag
	// --idle-timeout, env ACTIVELAB_IDLE_TIMEOUT). Default 60s.
	IdleTimeout time.Duration

	// MaxConnsPerAddr caps the open connections of one client address
	// (IPv6: one /64); more are closed at once (flag --max-conns-per-addr,
	// env ACTIVELAB_MAX_CONNS_PER_ADDR; 0 turns the cap off, which a
	// server behind a reverse proxy needs). Default 256.
	MaxConnsPerAddr int

	// MaxSubscriptionsPerSocket caps the subscriptions running at once on
	// one websocket (flag --max-subscriptions-per-socket, env
	// ACTIVELAB_MAX_SUBSCRIPTIONS_PER_SOCKET). Default 50.
	MaxSubscriptionsPerSocket int

	// MaxSocketsPerUser caps the websockets one user holds open at once
	// (flag --max-sockets-per-user, env ACTIVELAB_MAX_SOCKETS_PER_USER).
	// Default 32.
	MaxSocketsPerUser int

	// MaxInFlight caps the HTTP GraphQL requests served at once; others
	// wait up to QueueTimeout, then get 503 with Retry-After (flag
	// --max-in-flight, env ACTIVELAB_MAX_IN_FLIGHT). Default 64.
	MaxInFlight int

	// QueueTimeout is how long a request waits for one of MaxInFlight
	// slots before 503 (flag --queue-timeout, env ACTIVELAB_QUEUE_TIMEOUT).
	// Default 1s.
	QueueTimeout time.Duration
}

// Defaults returns the default configuration.
func Defaults() Config {
	return Config{
		Addr:                     ":8080",
		DatabaseURL:              "sqlite:./data/activelab.db",
		LogLevel:                 "info",
		MaxBodyBytes:             1 << 20,
		MaxUploadBytes:           64 << 20,
		ShutdownTimeout:          15 * time.Second,
		ComplexityLimit:          500,
		DepthLimit:               12,
		SessionTTL:               14 * 24 * time.Hour,
		WebsocketPingInterval:    25 * time.Second,
		WebsocketInitTimeout:     10 * time.Second,
		WebsocketRecheckInterval: 30 * time.Second,
		TokenCacheTTL:            auth.DefaultTokenCacheTTL,

		MaxTokens:                 10000,
		MaxFields:                 500,
		MaxAliases:                100,
		RequestTimeout:            30 * time.Second,
		MaxPasswordHashes:         4,
		ReadTimeout:               30 * time.Second,
		IdleTimeout:               60 * time.Second,
		MaxConnsPerAddr:           256,
		MaxSubscriptionsPerSocket: 50,
		MaxSocketsPerUser:         32,
		MaxInFlight:               64,
		QueueTimeout:              time.Second,
	}
}

// Validate reports the first bad setting, naming its flag.
func (c Config) Validate() error {
	if c.Addr == "" {
		return fmt.Errorf("--addr: empty")
	}
	if _, err := ParseLogLevel(c.LogLevel); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	for _, o := range c.AllowedOrigins {
		if _, err := normalizeOrigin(o); err != nil {
			return fmt.Errorf("--allowed-origins: %w", err)
		}
	}
	positive := []struct {
		flag string
		v    int64
	}{
		{"--max-body-bytes", c.MaxBodyBytes},
		{"--max-upload-bytes", c.MaxUploadBytes},
		{"--complexity-limit", int64(c.ComplexityLimit)},
		{"--depth-limit", int64(c.DepthLimit)},
		{"--shutdown-timeout", int64(c.ShutdownTimeout)},
		{"--session-ttl", int64(c.SessionTTL)},
		{"--ws-ping-interval", int64(c.WebsocketPingInterval)},
		{"--ws-init-timeout", int64(c.WebsocketInitTimeout)},
		{"--ws-recheck-interval", int64(c.WebsocketRecheckInterval)},
		{"--max-tokens", int64(c.MaxTokens)},
		{"--max-fields", int64(c.MaxFields)},
		{"--max-aliases", int64(c.MaxAliases)},
		{"--request-timeout", int64(c.RequestTimeout)},
		{"--max-password-hashes", int64(c.MaxPasswordHashes)},
		{"--read-timeout", int64(c.ReadTimeout)},
		{"--idle-timeout", int64(c.IdleTimeout)},
		{"--max-subscriptions-per-socket", int64(c.MaxSubscriptionsPerSocket)},
		{"--max-sockets-per-user", int64(c.MaxSocketsPerUser)},
		{"--max-in-flight", int64(c.MaxInFlight)},
		{"--queue-timeout", int64(c.QueueTimeout)},
	}
	if c.TokenCacheTTL < 0 {
		return fmt.Errorf("--token-cache-ttl: must be 0 (off) or positive, got %s", c.TokenCacheTTL)
	}
	if c.MaxConnsPerAddr < 0 {
		return fmt.Errorf("--max-conns-per-addr: must be 0 (off) or positive, got %d", c.MaxConnsPerAddr)
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr {
		return fmt.Errorf("--metrics-addr: must differ from --addr (%s)", c.Addr)
	}
	for _, p := range positive {
		if p.v <= 0 {
			return fmt.Errorf("%s: must be positive, got %d", p.flag, p.v)
		}
	}
	return nil
}

// ParseLogLevel parses debug, info, warn or error (any case).
func ParseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("unknown level %q (want debug, info, warn or error)", s)
	}
	return l, nil
}

// normalizeOrigin turns "HTTP://Example.com:80/" into "http://example.com"
// form (scheme://host[:port], lower case, default port dropped).
func normalizeOrigin(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", fmt.Errorf("origin %q: want scheme://host[:port]", s)
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if (scheme == "http" && strings.HasSuffix(host, ":80")) || (scheme == "https" && strings.HasSuffix(host, ":443")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return scheme + "://" + host, nil
}
