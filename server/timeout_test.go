package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"activelab/store"
)

// TestRequestTimeout: a request past Config.RequestTimeout has its
// database calls cancelled and answers TIMEOUT, logged as a warning, not
// an error.
func TestRequestTimeout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.srv.cfg.RequestTimeout = time.Nanosecond // already over when the query runs
		r := a.post(`{ compounds(search: "c") { totalCount } }`, nil, bearer(a.vwT))
		wantError(t, r, CodeTimeout, "--request-timeout")
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
			t.Errorf("status %d, Retry-After %q; want 503 with Retry-After", r.status, r.header.Get("Retry-After"))
		}
		if strings.Contains(a.log.String(), `"level":"ERROR"`) {
			t.Errorf("logged at ERROR:\n%s", a.log.String())
		}
	})
}

// TestClientLeft: a client that leaves is answered CLIENT_CLOSED_REQUEST,
// logged at info and never counted as INTERNAL.
func TestClientLeft(t *testing.T) {
	e := setup(t, openSQLite)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	body := `{"query":"mutation { login(input: {email: \"a@example.test\", password: \"wrong password\"}) { expiresAt } }"}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, req)
	if w.Code != StatusClientClosedRequest || !strings.Contains(w.Body.String(), CodeClientClosed) {
		t.Errorf("answer %d %s, want %s", w.Code, w.Body.String(), CodeClientClosed)
	}
	_, _, metrics := fetch(t, e, "/metrics")
	if strings.Contains(metrics, `activelab_graphql_errors_total{code="INTERNAL"}`) {
		t.Errorf("a client that left was counted as INTERNAL")
	}
	if strings.Contains(e.log.String(), `"level":"ERROR"`) {
		t.Errorf("logged at ERROR:\n%s", e.log.String())
	}
}

// TestWebsocketOperationTimeout: a query over a websocket is bounded by
// --request-timeout too, and answered TIMEOUT.
func TestWebsocketOperationTimeout(t *testing.T) {
	e := setupLive(t, openSQLite, func(c *Config, _ *Options) { c.RequestTimeout = time.Nanosecond })
	tok := e.token(e.user(store.RoleViewer))
	c, _, err := e.dial(t, "graphql-transport-ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": tok}})
	if m := next(t, c); m.Type != "connection_ack" {
		t.Fatalf("got %+v", m)
	}
	send(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": meQuery}})
	if m := next(t, c); m.ID != "1" || m.Type != "next" || !strings.Contains(string(m.Payload), CodeTimeout) {
		t.Errorf("query over a websocket past the deadline: %s %s, want TIMEOUT", m.Type, m.Payload)
	}
	if m := next(t, c); m.ID != "1" || m.Type != "complete" {
		t.Errorf("then %s %s, want complete", m.Type, m.Payload)
	}
	// Subscriptions are not bounded by it: the replayed events, then a
	// live one written well past the deadline.
	send(t, c, map[string]any{"id": "2", "type": "subscribe", "payload": e.sub()})
	for i := range 3 {
		if i == 2 {
			time.Sleep(50 * time.Millisecond)
			e.emit(t, 1)
		}
		if m := next(t, c); m.ID != "2" || m.Type != "next" || strings.Contains(string(m.Payload), "errors") || queueEventOf(m) == 0 {
			t.Fatalf("subscription: %s %s", m.Type, m.Payload)
		}
	}
}
