package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// responseControl lets code deep in a GraphQL request (the error
// presenter) choose the HTTP status of a plain request's answer: 429 with
// Retry-After for a throttled login. It is in the request's context.
type responseControl struct {
	mu         sync.Mutex
	status     int
	retryAfter int
}

type responseControlKey struct{}

// setStatus asks for status (and a Retry-After in seconds when > 0) on
// the request of ctx; the first caller wins. Websockets have none: a no-op.
func setStatus(ctx context.Context, status, retryAfter int) {
	c, _ := ctx.Value(responseControlKey{}).(*responseControl)
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status == 0 {
		c.status, c.retryAfter = status, retryAfter
	}
}

// graphqlWriter is the response writer of plain GraphQL requests. It
// applies responseControl's status to a 200 answer, and follows the
// GraphQL-over-HTTP specification's SHOULDs where gqlgen does not:
//
//   - application/json: a request that fails to parse or validate or
//     whose variables cannot be coerced is answered 200, not 422 (the
//     errors are in the body; old clients see only 200 as GraphQL);
//   - application/graphql-response+json: such an answer keeps its 4xx and
//     has no "data" entry (gqlgen writes "data": null).
//
// gqlgen answers "null" when the request's context ended before the
// answer was ready; graphqlWriter answers TIMEOUT (503 with Retry-After)
// when the deadline passed, CLIENT_CLOSED_REQUEST (499) when the client left.
type graphqlWriter struct {
	http.ResponseWriter
	ctl *responseControl
	ctx context.Context

	wroteHeader bool
	buffer      bool // strip "data" from the buffered body at finish
	buf         bytes.Buffer
}

func newGraphQLWriter(ctx context.Context, w http.ResponseWriter) (*graphqlWriter, *responseControl) {
	ctl := &responseControl{}
	return &graphqlWriter{ResponseWriter: w, ctl: ctl, ctx: ctx}, ctl
}

func (g *graphqlWriter) WriteHeader(code int) {
	if g.wroteHeader {
		return
	}
	g.wroteHeader = true
	mt, _, _ := mime.ParseMediaType(g.Header().Get("Content-Type"))
	switch {
	case code == http.StatusUnprocessableEntity && mt == "application/json":
		code = http.StatusOK
	case code >= 400 && code < 500 && mt == "application/graphql-response+json":
		g.buffer = true
	}
	g.ctl.mu.Lock()
	status, retry := g.ctl.status, g.ctl.retryAfter
	g.ctl.mu.Unlock()
	if code == http.StatusOK && status != 0 {
		code = status
		if retry > 0 {
			g.Header().Set("Retry-After", strconv.Itoa(retry))
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *graphqlWriter) Write(b []byte) (int, error) {
	if !g.wroteHeader && g.ctx.Err() != nil && string(bytes.TrimSpace(b)) == "null" {
		g.answerEnded()
		return len(b), nil
	}
	if !g.wroteHeader {
		g.WriteHeader(http.StatusOK)
	}
	if g.buffer {
		return g.buf.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// answerEnded answers a request whose context ended before its answer.
func (g *graphqlWriter) answerEnded() {
	status, code, msg := StatusClientClosedRequest, CodeClientClosed, "the request was cancelled: the client left"
	if errors.Is(g.ctx.Err(), context.DeadlineExceeded) {
		status, code, msg = http.StatusServiceUnavailable, CodeTimeout, "the request took too long and was cancelled (--request-timeout)"
		g.Header().Set("Retry-After", "1")
	}
	g.wroteHeader = true
	g.ResponseWriter.WriteHeader(status)
	body, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
	_, _ = g.ResponseWriter.Write(body)
}

// finish writes a buffered body without its "data" entry.
func (g *graphqlWriter) finish() {
	if !g.buffer {
		return
	}
	body := g.buf.Bytes()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err == nil {
		if _, ok := m["data"]; ok {
			delete(m, "data")
			if b, err := json.Marshal(m); err == nil {
				body = b
			}
		}
	}
	_, _ = g.ResponseWriter.Write(body)
}

// Flush implements http.Flusher (multipart and SSE answers).
func (g *graphqlWriter) Flush() {
	if g.buffer {
		return
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (g *graphqlWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// clientAddr is the key of a request's client for throttling and
// connection caps: its IP, or for IPv6 its /64 (one subscriber's
// network). Behind a trusted proxy, the last X-Forwarded-For entry, the
// one the proxy itself appended.
func clientAddr(r *http.Request, trustProxy bool) string {
	host := r.RemoteAddr
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			host = strings.TrimSpace(parts[len(parts)-1])
		}
	}
	return addrKey(host)
}

// addrKey turns "ip:port" or "ip" into the address key.
func addrKey(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() != nil {
		return ip.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
