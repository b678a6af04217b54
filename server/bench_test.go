package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

// BenchmarkMeOverHTTP measures one authenticated `{ me { id email role } }`
// over a real socket on SQLite: request id, token lookup (SHA-256 and one
// indexed select), parse (cached), gate, limits, execute, JSON.
func BenchmarkMeOverHTTP(b *testing.B) {
	st := storetest.OpenSQLite(b)
	srv, err := New(Defaults(), Options{Store: st, Logger: discardLogger(), Frontend: testFrontend})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	u := storetest.User(context.Background(), b, st, &store.User{Role: store.RoleViewer})
	_, tok, err := srv.Auth().CreateAPIToken(context.Background(), u, "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"query":"{ me { id email role } }"}`)
	benchmarkPost(b, ts, tok, body)
}

// benchmarkPost times POSTs of body to ts's /graphql with tok, each
// answered 200 and read to the end.
func benchmarkPost(b *testing.B, ts *httptest.Server, tok string, body []byte) {
	client := ts.Client()
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d: %s", res.StatusCode, buf.String())
		}
	}
}
