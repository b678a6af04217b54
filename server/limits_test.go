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

	"github.com/gorilla/websocket"
)

// TestSecurityHeaders: the app and the API carry the CSP (with what
// RDKit.js needs), nosniff, no framing and no referrer.
func TestSecurityHeaders(t *testing.T) {
	e := setup(t, openSQLite)
	_, spa, _ := fetch(t, e, "/")
	api := e.post(`{ __typename }`, nil, nil).header
	for name, h := range map[string]http.Header{"app": spa, "api": api} {
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "'wasm-unsafe-eval'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", name, csp, want)
			}
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", name, h)
		}
	}
}

// TestMetricsAccess: /metrics answers loopback clients by default (not
// through a trusted proxy), needs --metrics-token when set, and moves to
// --metrics-addr when set.
func TestMetricsAccess(t *testing.T) {
	get := func(e *env, hdr map[string]string) int {
		req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/metrics", nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := e.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	e := setup(t, openSQLite)
	if code := get(e, nil); code != http.StatusOK {
		t.Errorf("loopback: %d, want 200", code)
	}
	proxied := setup(t, openSQLite, func(c *Config, _ *Options) { c.TrustProxy = true })
	if code := get(proxied, map[string]string{"X-Forwarded-For": "203.0.113.9"}); code != http.StatusForbidden {
		t.Errorf("through a trusted proxy: %d, want 403", code)
	}
	withToken := setup(t, openSQLite, func(c *Config, _ *Options) { c.MetricsToken = "s3cret-metrics" })
	for hdr, want := range map[string]int{"": http.StatusUnauthorized, "Bearer wrong": http.StatusUnauthorized, "Bearer s3cret-metrics": http.StatusOK} {
		if code := get(withToken, map[string]string{"Authorization": hdr}); code != want {
			t.Errorf("token %q: %d, want %d", hdr, code, want)
		}
	}

	// --metrics-addr: served there, 404 on the main address.
	cfg := Defaults()
	cfg.MetricsAddr = freeAddr(t)
	srv, err := New(cfg, Options{Store: openSQLite(t), Logger: discardLogger(), Frontend: testFrontend})
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
	defer func() { cancel(); <-done }()
	if code := waitGet(t, "http://"+cfg.MetricsAddr+"/metrics"); code != http.StatusOK {
		t.Errorf("metrics address: %d, want 200", code)
	}
	if code := waitGet(t, "http://"+ln.Addr().String()+"/metrics"); code != http.StatusNotFound {
		t.Errorf("main address with --metrics-addr: %d, want 404", code)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitGet GETs url, retrying for a second while the listener starts.
func waitGet(t *testing.T, url string) int {
	t.Helper()
	var err error
	for range 50 {
		var res *http.Response
		if res, err = http.Get(url); err == nil {
			res.Body.Close()
			return res.StatusCode
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("GET %s: %v", url, err)
	return 0
}

// TestConnLimit: a client address past its connection cap has further
// connections closed at once; closing one makes room.
func TestConnLimit(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := newConnLimitListener(inner, 2)
	defer ln.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, _ := dial(), dial()
	first := <-accepted
	<-accepted
	third := dial()
	_ = third.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := third.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("third connection: read %v, want EOF (closed by the server)", err)
	}
	if ln.refused.Load() != 1 {
		t.Errorf("refused %d, want 1", ln.refused.Load())
	}
	first.Close()
	_ = a
	dial()
	select {
	case <-accepted:
	case <-time.After(5 * time.Second):
		t.Error("no room after a connection closed")
	}
}

// TestInFlightShed: past MaxInFlight, a request waits QueueTimeout and is
// shed with 503, Retry-After and OVERLOADED; a client that leaves while
// waiting is not answered as an error.
func TestInFlightShed(t *testing.T) {
	f := newInFlight(1, 50*time.Millisecond)
	release, entered := make(chan struct{}), make(chan struct{})
	h := f.limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
	<-entered
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/graphql", nil))
	var body struct{ Errors []gqlError }
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" || len(body.Errors) == 0 || body.Errors[0].Extensions["code"] != CodeOverloaded {
		t.Errorf("shed: %d %v %s", w.Code, w.Header(), w.Body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/graphql", nil).WithContext(ctx))
	if w.Code != StatusClientClosedRequest || f.shed.Load() != 1 {
		t.Errorf("client left: %d, shed %d; want 499 and 1", w.Code, f.shed.Load())
	}
	close(release)
	go func() { <-entered }()
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/graphql", nil))
	if w.Code != http.StatusOK {
		t.Errorf("after the slot is free: %d", w.Code)
	}
}

// TestSocketCaps: a user's websockets past MaxSocketsPerUser are closed
// with 4429; a socket's subscriptions past MaxSubscriptionsPerSocket are
// refused with TOO_MANY_REQUESTS until one completes.
func TestSocketCaps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setupLive(t, open, func(c *Config, _ *Options) { c.MaxSocketsPerUser = 2; c.MaxSubscriptionsPerSocket = 2 })
		tok := e.token(e.user(store.RoleViewer))
		connect := func() *websocket.Conn {
			c, _, err := e.dial(t, "graphql-transport-ws", nil)
			if err != nil {
				t.Fatal(err)
			}
			send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": tok}})
			return c
		}
		c1, c2 := connect(), connect()
		for _, c := range []*websocket.Conn{c1, c2} {
			if m := next(t, c); m.Type != "connection_ack" {
				t.Fatalf("got %+v, want connection_ack", m)
			}
		}
		if ce := closeCode(t, connect()); ce.Code != 4429 || !strings.Contains(ce.Text, "too many") {
			t.Errorf("third socket: close %d %q, want 4429", ce.Code, ce.Text)
		}

		sub := func(id string) {
			send(t, c1, map[string]any{"id": id, "type": "subscribe", "payload": e.sub()})
		}
		// Subscriptions start concurrently: any one of three is refused.
		sub("1")
		sub("2")
		sub("3")
		first := map[string]wsMsg{}
		for len(first) < 3 {
			if m := next(t, c1); first[m.ID].Type == "" {
				first[m.ID] = m
			}
		}
		var refused, running []string
		for id, m := range first {
			if m.Type == "next" && strings.Contains(string(m.Payload), CodeTooManyRequests) {
				refused = append(refused, id)
			} else {
				running = append(running, id)
			}
		}
		if len(refused) != 1 {
			t.Fatalf("refused %v of 3 subscriptions, want one (first messages %+v)", refused, first)
		}
		send(t, c1, map[string]any{"id": running[0], "type": "complete"})
		// The server ends subscription 1 soon after: try until it has.
		for i := 4; ; i++ {
			if i > 100 {
				t.Fatal("no room for a subscription after one completed")
			}
			id := itoa(int64(i))
			sub(id)
			var m wsMsg
			for m = next(t, c1); m.ID != id; m = next(t, c1) {
			}
			if m.Type == "next" && !strings.Contains(string(m.Payload), "errors") {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Closing a socket makes room for another.
		c2.Close()
		for i := 0; ; i++ {
			if i > 100 {
				t.Fatal("no room for a websocket after one closed")
			}
			c := connect()
			if m := next(t, c); m.Type == "connection_ack" {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// TestSlowBodyClosed: a client sending its body too slowly is cut off at
// --read-timeout (the issue kept 200 such connections open for ever).
func TestSlowBodyClosed(t *testing.T) {
	cfg := Defaults()
	cfg.ReadTimeout = 300 * time.Millisecond
	srv, err := New(cfg, Options{Store: openSQLite(t), Logger: discardLogger(), Frontend: testFrontend})
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
	defer func() { cancel(); <-done }()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	// The client deadline is far beyond the server's: a client-side
	// timeout means the server kept the connection.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept a connection whose body stalled: %v", err)
	}
}
