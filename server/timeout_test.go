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
