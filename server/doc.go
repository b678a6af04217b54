// Package server is ActiveLab's HTTP server: the GraphQL endpoint and its
// transports, authentication, limits, health, metrics and the web app.
//
// # Routes
//
//   - /graphql: gqlgen with POST (JSON; a body without Content-Type, or
//     form-encoded as `curl -d` sends it, is read as JSON), GET (queries
//     only: a mutation over GET is 405), multipart uploads (GraphQL
//     multipart request spec, up to Config.MaxUploadBytes) and websockets
//     with both graphql-transport-ws and the legacy graphql-ws subprotocol
//     (a client offering neither gets graphql-ws). The websocket transport
//     is our own, package server/wsgraphql over gorilla/websocket, built
//     for many idle subscribers (one goroutine per socket plus one per
//     running operation, one keep-alive ticker for all). Keep-alives every
//     Config.WebsocketPingInterval ("ping" / "ka"). A subscription event
//     is executed once for all subscribers with the same document,
//     selection variables and role (graph.Fanout), so delivering it to
//     the others is a websocket write each. JSON POSTs go through
//     postJSON, gqlgen's POST transport but for writing a data-only
//     response without encoding its data a second time.
//   - /healthz: 200 while the process is up.
//   - /readyz: 200 when the database answers and its migrations (ours and
//     River's) are current, else 503 with the reason.
//   - /metrics: Prometheus (on Config.MetricsAddr when set, else behind
//     Config.MetricsToken when set, else to loopback clients only). activelab_http_requests_total{route,code},
//     activelab_http_request_duration_seconds{route},
//     activelab_graphql_operations_total{operation,type},
//     activelab_graphql_operation_duration_seconds{operation,type},
//     activelab_graphql_errors_total{code},
//     activelab_subscription_results_total{how} (executed, shared: graph.Fanout),
//     activelab_db_* (pool), go_*,
//     process_*. Operation names come from clients, so at most 256 distinct
//     names are kept; the rest count as "other".
//   - everything else: the embedded web app (package frontend). Files are
//     served as they are; a path without an extension is a client route and
//     gets index.html; a missing asset is 404. Without a built app a
//     placeholder page says where the API is and how to get a token.
//
// # Authentication
//
// A request authenticates with "Authorization: Bearer al_…" (an API token)
// or with the session cookie set by the login mutation. Websockets
// authenticate in connection_init ({"Authorization": "Bearer al_…"} or
// {"token": "al_…"}) or with the cookie or header of the upgrade request;
// without credentials the socket is closed with 4401, with bad ones 4403.
//
// Cross-site requests: a websocket upgrade, or a POST that does not carry a
// Bearer token (cookie-authenticated or anonymous, e.g. login), whose
// Origin is neither this server's host nor in Config.AllowedOrigins is
// refused with 403 and extensions.code FORBIDDEN. Requests without Origin
// (curl, notebooks) pass; Bearer requests are exempt because browsers never
// attach tokens on their own. The allowed origins also get CORS headers
// (with credentials) and preflight answers, so a dev server on another port
// can call the API.
//
// Every operation except login needs authentication (graph.RequireAuthentication,
// introspection included); roles are checked by the services
// (auth.RequireRole) and documented in the schema by @hasRole.
// A request without credentials is judged before validation (queryGuard).
//
// # Limits (the README's Security section lists them with their defaults and flags)
//
// In request order: connections per client address (connLimitListener),
// read and idle timeouts, requests in flight with a queue deadline
// (inFlight: 503 OVERLOADED), the body size, a deadline per request
// (Config.RequestTimeout, also for queries over a websocket), document
// size before parsing (queryGuard: QUERY_TOO_LARGE; anonymous documents
// are parsed and refused unless they only log in), depth and complexity,
// string arguments by kind and Time values (argumentGuard:
// BAD_USER_INPUT with extensions.field), login throttling and password
// hash slots (package auth: TOO_MANY_REQUESTS, 429), websockets per user
// and subscriptions per socket (socketCaps). Every response carries the
// security headers (securityHeaders).
//
// # Errors
//
// Every GraphQL error carries extensions.code: gqlgen's
// GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED,
// COMPLEXITY_LIMIT_EXCEEDED, DEPTH_LIMIT_EXCEEDED and QUERY_TOO_LARGE (HTTP
// 200 for application/json, 400 without a data entry for
// application/graphql-response+json, as GraphQL over HTTP says), and from the
// error presenter UNAUTHENTICATED (auth.ErrUnauthenticated), FORBIDDEN
// (auth.ErrForbidden; a role check's *auth.ForbiddenError adds
// extensions.operation and requiredRole), BAD_USER_INPUT (auth.InputError, store.ErrInvalid,
// any error with an ErrorCode() string method), NOT_FOUND
// (store.ErrNotFound), CONFLICT (store.ErrConflict) and INTERNAL: the
// message is then "internal error", the cause is logged once with the
// request id, and extensions.requestId lets a user quote it. A body over
// the limit is 413 with BAD_USER_INPUT. TOO_MANY_REQUESTS (throttled login,
// with extensions.retryAfter; 429 and Retry-After over HTTP), TIMEOUT (503)
// and CLIENT_CLOSED_REQUEST (the client left; logged at info) are never
// INTERNAL.
//
// # Logs
//
// JSON lines (log/slog) on stderr. Each request gets an id (the client's
// X-Request-Id when it is up to 64 characters of [A-Za-z0-9._-], else a
// new one), returned in X-Request-Id and attached to every line the
// request logs.
//
// # Lifecycle
//
// [New] builds the server from a [Config]; [Server.Serve] serves until its
// context ends, then stops accepting, closes websockets and waits up to
// Config.ShutdownTimeout for in-flight requests. Expired sessions are
// swept hourly.
package server
