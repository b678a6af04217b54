package server

import (
	"net/http"
	"testing"

	"activelab/graph"
	"activelab/store"
)

// TestSchemaSDL: GET /graphql/schema.graphql serves graph.SDL to a token
// holder; without credentials, or with a bad token, it is 401 with no
// schema; another method is 405.
func TestSchemaSDL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		do := func(method, token string) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest(method, a.ts.URL+"/graphql/schema.graphql", nil)
			return a.do(t, req, token)
		}
		res, body := do(http.MethodGet, a.vwT)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/plain; charset=utf-8" || body != graph.SDL() {
			t.Fatalf("status %d, type %q, %d bytes (want the %d of graph.SDL)", res.StatusCode, res.Header.Get("Content-Type"), len(body), len(graph.SDL()))
		}
		for _, token := range []string{"", "al_not-a-token"} {
			if res, body := do(http.MethodGet, token); res.StatusCode != http.StatusUnauthorized || len(body) > 200 {
				t.Errorf("token %q: status %d, %d bytes", token, res.StatusCode, len(body))
			}
		}
		if res, _ := do(http.MethodPost, a.vwT); res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST: status %d, want 405", res.StatusCode)
		}
	})
}
