package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"activelab/auth"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// bearerSecret extracts the secret of an "Authorization: Bearer X" value;
// ok is false when the header is absent, malformed is true when present but
// not a Bearer credential.
func bearerSecret(h string) (secret string, ok, malformed bool) {
	if h == "" {
		return "", false, false
	}
	scheme, rest, found := strings.Cut(strings.TrimSpace(h), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(rest) == "" {
		return "", true, true
	}
	return strings.TrimSpace(rest), true, false
}

// writeGraphQLError answers with a GraphQL-shaped error body, for refusals
// that happen before the GraphQL handler runs.
func writeGraphQLError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	ext := map[string]any{"code": code}
	if id := RequestID(r.Context()); id != "" && code == CodeInternal {
		ext["requestId"] = id
	}
	body, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": ext}}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// graphqlGuard runs in front of the GraphQL handler: it refuses
// cross-origin websocket upgrades and cross-origin cookie (or anonymous)
// POSTs, limits the body, authenticates the Bearer token or the session
// cookie, and gives resolvers the response writer for cookies.
func (s *Server) graphqlGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		log := Logger(ctx, s.log)
		if s.cors(w, r) {
			return // a preflight, answered
		}
		websocket := r.Header.Get("Upgrade") != ""
		_, hasBearer, _ := bearerSecret(r.Header.Get("Authorization"))

		if websocket || (!hasBearer && !safeMethod(r.Method)) {
			if ok, origin := s.origins.check(r); !ok {
				what := "cross-origin request"
				if websocket {
					what = "cross-origin websocket"
				}
				writeGraphQLError(w, r, http.StatusForbidden, CodeForbidden,
					what+" refused: origin "+quoteOrigin(origin)+" is not this server and not in --allowed-origins")
				return
			}
		}

		if !websocket {
			if !s.limitBody(w, r) {
				return
			}
			if r.Method == http.MethodGet && s.notAQuery(r) {
				// GraphQL over HTTP: a mutation over GET MUST be 405.
				w.Header().Set("Allow", "POST")
				writeGraphQLError(w, r, http.StatusMethodNotAllowed, CodeBadUserInput,
					"GET runs queries only: send mutations and subscriptions with POST (or over a websocket)")
				return
			}
			if r.Method == http.MethodPost && r.Header.Get("Content-Type") == "" {
				// A client that names no type gets JSON, the only body
				// GraphQL clients send without a type.
				r.Header.Set("Content-Type", "application/json")
			}
		}

		ctx, ok := s.authenticate(w, r, log)
		if !ok {
			return
		}
		if !websocket && auth.UserFrom(ctx) == nil && isMultipart(r) {
			// Only login is open to strangers, and it uploads nothing:
			// do not spool their files to disk.
			writeGraphQLError(w, r, http.StatusUnauthorized, CodeUnauthenticated, auth.Unauthenticated(ctx).Error())
			return
		}
		ctx = auth.WithClientAddr(ctx, clientAddr(r, s.cfg.TrustProxy))
		if websocket {
			// No response writer: a websocket sets no cookies, and the
			// socket outlives the handler (wsgraphql.Transport.Do).
			ctx = auth.WithHTTP(ctx, nil, s.origins.isTLS(r), websocket)
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		// Every database call of the request ends with it (pgx and
		// SQLite cancel a running statement).
		ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
		defer cancel()
		gw, ctl := newGraphQLWriter(ctx, w)
		defer gw.finish()
		ctx = context.WithValue(ctx, responseControlKey{}, ctl)
		ctx = auth.WithHTTP(ctx, gw, s.origins.isTLS(r), websocket)
		next.ServeHTTP(gw, r.WithContext(ctx))
	})
}

// authenticate reads the request's credentials, a Bearer token first,
// else the session cookie, and returns a context carrying the principal
// (or, for bad credentials, the failure that resolvers report as
// UNAUTHENTICATED). ok is false when a lookup failed and the response has
// been written (lookupFailed).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, log *slog.Logger) (ctx context.Context, ok bool) {
	ctx = r.Context()
	secret, hasBearer, malformed := bearerSecret(r.Header.Get("Authorization"))
	switch {
	case malformed:
		ctx = auth.WithFailure(ctx, fmt.Errorf("%w: the Authorization header must be \"Bearer TOKEN\"", auth.ErrUnauthenticated))
	case hasBearer:
		p, err := s.auth.AuthenticateToken(ctx, secret)
		if err != nil && !errors.Is(err, auth.ErrUnauthenticated) {
			lookupFailed(log, w, r, "authenticate API token", err)
			return nil, false
		}
		if err != nil {
			ctx = auth.WithFailure(ctx, err)
		} else {
			ctx = auth.WithPrincipal(ctx, p)
		}
	default:
		if c, err := r.Cookie(auth.SessionCookieName); err == nil && c.Value != "" {
			p, err := s.auth.AuthenticateSession(ctx, c.Value)
			if err != nil && !errors.Is(err, auth.ErrUnauthenticated) {
				lookupFailed(log, w, r, "authenticate session", err)
				return nil, false
			}
			if err != nil {
				ctx = auth.WithFailure(ctx, err)
			} else {
				ctx = auth.WithPrincipal(ctx, p)
			}
		}
	}
	return ctx, true
}

// StatusClientClosedRequest is nginx's 499: the client left before the
// answer was ready. Nobody reads it; it keeps such requests out of the
// error log.
const StatusClientClosedRequest = 499

// lookupFailed answers a request whose credentials could not be checked
// for a reason other than bad credentials. A client that left meanwhile
// (its request context canceled: a page reloaded, a websocket retry
// abandoned) is not a server fault: logged at info and answered 499. Any
// other failure (the database) is logged as an error and answered 500.
func lookupFailed(log *slog.Logger, w http.ResponseWriter, r *http.Request, what string, err error) {
	ctx := r.Context()
	if ctx.Err() != nil {
		log.LogAttrs(ctx, slog.LevelInfo, what+": the client left", slog.String("error", err.Error()))
		w.WriteHeader(StatusClientClosedRequest)
		return
	}
	log.LogAttrs(ctx, slog.LevelError, what, slog.String("error", err.Error()))
	writeGraphQLError(w, r, http.StatusInternalServerError, CodeInternal, "internal error")
}

func quoteOrigin(o string) string {
	if o == "" {
		return "(none, Sec-Fetch-Site: cross-site)"
	}
	if len(o) > 100 {
		o = o[:100]
	}
	return `"` + o + `"`
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// limitBody enforces MaxBodyBytes (MaxUploadBytes for multipart uploads)
// with a clear 413. Bodies of known length are judged by Content-Length;
// others are read up to the limit here. It reports whether to go on.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	limit := s.cfg.MaxBodyBytes
	what := "--max-body-bytes"
	multipart := isMultipart(r)
	if multipart {
		limit, what = s.cfg.MaxUploadBytes, "--max-upload-bytes"
	}
	tooLarge := func() bool {
		writeGraphQLError(w, r, http.StatusRequestEntityTooLarge, CodeBadUserInput,
			"request body too large: the limit is "+formatBytes(limit)+" ("+what+")")
		return false
	}
	if r.ContentLength > limit {
		return tooLarge()
	}
	if multipart {
		// Large uploads over slow links get longer than --read-timeout.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadReadTimeout))
		// Streamed by the multipart transport; MaxBytesReader stops a body
		// that lies about its length.
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		return true
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge()
	}
	if err != nil {
		writeGraphQLError(w, r, http.StatusBadRequest, CodeBadUserInput, "reading request body: "+err.Error())
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return true
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " bytes"
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// cors lets the browser origins of Config.AllowedOrigins (a Vite dev
// server, say) call /graphql with credentials: it sets the CORS headers for
// them and answers their preflights. It reports whether it answered.
// Same-host pages need none of this.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	n, err := normalizeOrigin(origin)
	if err != nil || !s.origins.allowed[n] {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Access-Control-Expose-Headers", RequestIDHeader)
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, "+RequestIDHeader)
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

// notAQuery reports whether a GET request asks for a mutation or a
// subscription (parsing within the token limit; a document that does not
// parse is left to the handler, which reports it).
func (s *Server) notAQuery(r *http.Request) bool {
	q := r.URL.Query()
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: q.Get("query")}, s.cfg.MaxTokens)
	if err != nil {
		return false
	}
	op := doc.Operations.ForName(q.Get("operationName"))
	return op != nil && op.Operation != ast.Query
}

func isMultipart(r *http.Request) bool {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mediaType == "multipart/form-data"
}
