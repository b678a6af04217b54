package server

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"activelab/store"
	"activelab/store/storetest"

	"github.com/gorilla/websocket"
)

func fetch(t *testing.T, e *env, path string) (int, http.Header, string) {
	t.Helper()
	res, err := e.ts.Client().Get(e.ts.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func TestHealthReadyMetrics(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		if code, _, body := fetch(t, e, "/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
			t.Errorf("/healthz: %d %s", code, body)
		}
		code, _, body := fetch(t, e, "/readyz")
		var ready map[string]any
		_ = json.Unmarshal([]byte(body), &ready)
		if code != 200 || ready["migrations"] != "current" || ready["database"] != "ok" {
			t.Errorf("/readyz: %d %s", code, body)
		}

		tok := e.token(e.user(store.RoleViewer))
		wantData(t, e.post(`query WhoAmI { me { id } }`, nil, bearer(tok)), nil)
		e.post(`{ me { nope } }`, nil, bearer(tok))
		e.post(meQuery, nil, nil)
		code, _, body = fetch(t, e, "/metrics")
		if code != 200 {
			t.Fatalf("/metrics: %d", code)
		}
		for _, want := range []string{
			`activelab_graphql_operations_total{operation="WhoAmI",type="query"} 1`,
			`activelab_graphql_operation_duration_seconds_count{operation="WhoAmI",type="query"} 1`,
			`activelab_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"} 1`,
			`activelab_graphql_errors_total{code="UNAUTHENTICATED"} 1`,
			`activelab_http_requests_total{code="200",route="graphql"}`,
			`activelab_db_open_connections`,
			`activelab_db_max_open_connections`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}

// TestReadyzPendingMigrations: a database that is not migrated is not ready.
func TestReadyzPendingMigrations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		if err := e.st.Rollback(context.Background()); err != nil {
			t.Fatalf("rollback: %v", err)
		}
		code, _, body := fetch(t, e, "/readyz")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "pending") {
			t.Errorf("/readyz after rollback: %d %s, want 503 pending", code, body)
		}
	})
}

func TestSPA(t *testing.T) {
	e := setup(t, openSQLite)
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/", 200, "<title>app</title>"},
		{"/queue/42", 200, "<title>app</title>"},    // client route
		{"/models", 200, "<title>app</title>"},      // client route
		{"/assets/app-1a2b.js", 200, "console.log"}, // asset
		{"/assets/missing-9z.js", 404, ""},          // missing asset
		{"/favicon.svg", 200, "<svg/>"},
		{"/robots.txt", 404, ""},
	} {
		code, hdr, body := fetch(t, e, tc.path)
		if code != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("GET %s: %d %q, want %d containing %q", tc.path, code, body, tc.status, tc.body)
		}
		if tc.path == "/assets/app-1a2b.js" && !strings.Contains(hdr.Get("Cache-Control"), "immutable") {
			t.Errorf("asset Cache-Control %q", hdr.Get("Cache-Control"))
		}
	}

	// Without a built app: the placeholder says where the API is.
	e2 := setup(t, openSQLite, func(_ *Config, o *Options) { o.Frontend = emptyFS{} })
	code, _, body := fetch(t, e2, "/some/route")
	if code != 200 || !strings.Contains(body, "/graphql") || !strings.Contains(body, "activelab token create") {
		t.Errorf("placeholder: %d %q", code, body)
	}
}

// TestServeGracefulShutdown: Serve returns nil when its context ends, and
// open websockets are closed.
func TestServeGracefulShutdown(t *testing.T) {
	st := openSQLite(t)
	cfg := Defaults()
	rt := newTestRuntime(t, st)
	srv, err := New(cfg, Options{Store: st, Logger: discardLogger(), Service: rt.Service, Broker: rt.Broker})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	u, err := srv.Auth().CreateUserAsOperator(ctx, newUser("viewer@example.test", store.RoleViewer))
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := srv.Auth().CreateAPIToken(ctx, u, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}}
	c, _, err := d.Dial("ws://"+ln.Addr().String()+"/graphql", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": tok}})
	if m := next(t, c); m.Type != "connection_ack" {
		t.Fatalf("got %+v", m)
	}
	model := storetest.Model(ctx, t, st, nil).ID
	emitQueueEvents(t, st, model, 1)
	send(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": queueEventsFrom0(model)})
	if m := next(t, c); m.Type != "next" || queueEventOf(m) == 0 {
		t.Fatalf("got %+v, want next with a queue event", m)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			break // closed by the server
		}
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// TestCORSAllowedOrigin: an allowed origin (the Vite dev server) gets CORS
// headers and preflight answers; another origin gets none.
func TestCORSAllowedOrigin(t *testing.T) {
	e := setup(t, openSQLite)
	pre := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, e.ts.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		res, err := e.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := pre("http://localhost:5173")
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" ||
		res.Header.Get("Access-Control-Allow-Credentials") != "true" || !strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Errorf("preflight from allowed origin: %d %v", res.StatusCode, res.Header)
	}
	if res := pre("https://evil.example"); res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from evil.example got CORS headers: %v", res.Header)
	}
	r := e.post(`{ __typename }`, nil, map[string]string{"Origin": "http://localhost:5173"})
	if r.header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Errorf("POST from allowed origin: headers %v", r.header)
	}
}

// TestSecureCookieOverTLS: the session cookie is Secure when the request
// came over TLS.
func TestSecureCookieOverTLS(t *testing.T) {
	st := openSQLite(t)
	srv, err := New(Defaults(), Options{Store: st, Logger: discardLogger(), Frontend: testFrontend})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	defer ts.Close()
	if _, err := srv.Auth().CreateUserAsOperator(context.Background(), newUser("tls@example.test", store.RoleViewer)); err != nil {
		t.Fatal(err)
	}
	body := `{"query":"mutation { login(input: {email: \"tls@example.test\", password: \"correct horse\"}) { expiresAt } }"}`
	res, err := ts.Client().Post(ts.URL+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Cookies()
	if len(cookies) != 1 || !cookies[0].Secure || !cookies[0].HttpOnly {
		t.Fatalf("cookies over TLS = %+v, want one Secure HttpOnly session cookie", cookies)
	}
}

// unknownUUID is a well-formed id that no row has (ids are made by
// ident.New, whose time prefix is long past this one's).
const unknownUUID = "01900000-0000-7000-8000-000000000999"
