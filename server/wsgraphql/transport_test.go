package wsgraphql

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
)

// fixture is a gqlgen test server (github.com/99designs/gqlgen's
// testserver: Query.name, Subscription.name fed by next and complete)
// behind a Transport.
type fixture struct {
	gql *testserver.TestServer
	tr  *Transport
	url string
}

// setup starts a fixture whose Transport has cfg.
func setup(t *testing.T, cfg Config) *fixture {
	t.Helper()
	f := &fixture{gql: testserver.New(), tr: New(cfg)}
	f.gql.AddTransport(f.tr)
	ts := httptest.NewServer(f.gql)
	t.Cleanup(func() {
		ts.Close()
		f.tr.Close()
	})
	f.url = "ws" + strings.TrimPrefix(ts.URL, "http")
	return f
}

// dial opens a socket offering proto ("" offers none).
func (f *fixture) dial(t *testing.T, proto string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	if proto != "" {
		d.Subprotocols = []string{proto}
	}
	c, _, err := d.Dial(f.url, nil)
	if err != nil {
		t.Fatalf("dial %q: %v", proto, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type msg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func send(t *testing.T, c *websocket.Conn, m string) {
	t.Helper()
	if err := c.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// read reads the next message, skipping keep-alives unless keep is set.
func read(t *testing.T, c *websocket.Conn, keep bool) msg {
	t.Helper()
	for {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var m msg
		if err := c.ReadJSON(&m); err != nil {
			t.Fatalf("read: %v", err)
		}
		if !keep && (m.Type == "ka" || m.Type == "ping") {
			continue
		}
		return m
	}
}

// expect reads the next message and checks its type and id.
func expect(t *testing.T, c *websocket.Conn, typ, id string) msg {
	t.Helper()
	m := read(t, c, false)
	if m.Type != typ || m.ID != id {
		t.Fatalf("got %s id %q %s, want %s id %q", m.Type, m.ID, m.Payload, typ, id)
	}
	return m
}

// closed reads until the server closes and returns the close frame.
func closed(t *testing.T, c *websocket.Conn) *websocket.CloseError {
	t.Helper()
	for {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("read: %v, want a close frame", err)
		}
		return ce
	}
}

// wantClose checks that the server closes c with code and a reason
// containing reason.
func wantClose(t *testing.T, c *websocket.Conn, code int, reason string) {
	t.Helper()
	ce := closed(t, c)
	if ce.Code != code || !strings.Contains(ce.Text, reason) {
		t.Fatalf("close %d %q, want %d %q", ce.Code, ce.Text, code, reason)
	}
}

const (
	subName  = `{"query":"subscription { name }"}`
	initMsg  = `{"type":"connection_init"}`
	protoNew = ProtocolGraphQLTransportWS
	protoOld = ProtocolGraphQLWS
)

// TestSubscribe: init, a subscription's results, its end, and a query,
// in both protocols.
func TestSubscribe(t *testing.T) {
	for _, tc := range []struct {
		proto, offer, start, stop, next string
	}{
		{"graphql-transport-ws", protoNew, "subscribe", "complete", "next"},
		{"graphql-ws", protoOld, "start", "stop", "data"},
		{"no subprotocol (graphql-ws)", "", "start", "stop", "data"},
	} {
		t.Run(tc.proto, func(t *testing.T) {
			f := setup(t, Config{})
			c := f.dial(t, tc.offer)
			if c.Subprotocol() != tc.offer {
				t.Fatalf("subprotocol %q, want %q", c.Subprotocol(), tc.offer)
			}
			send(t, c, initMsg)
			expect(t, c, "connection_ack", "")
			if tc.offer != protoNew { // legacy: a keep-alive right after the ack
				if m := read(t, c, true); m.Type != "ka" {
					t.Fatalf("got %+v, want ka", m)
				}
			}

			send(t, c, `{"id":"s1","type":"`+tc.start+`","payload":`+subName+`}`)
			for range 2 {
				f.gql.SendNextSubscriptionMessage()
				if m := expect(t, c, tc.next, "s1"); string(m.Payload) != `{"data":{"name":"test"}}` {
					t.Fatalf("payload %s", m.Payload)
				}
			}
			f.gql.SendCompleteSubscriptionMessage() // the stream ends on the server
			expect(t, c, "complete", "s1")

			// The client ends one.
			send(t, c, `{"id":"s2","type":"`+tc.start+`","payload":`+subName+`}`)
			f.gql.SendNextSubscriptionMessage()
			expect(t, c, tc.next, "s2")
			send(t, c, `{"id":"s2","type":"`+tc.stop+`"}`)
			expect(t, c, "complete", "s2")

			// A query: its result, then complete.
			send(t, c, `{"id":"q","type":"`+tc.start+`","payload":{"query":"{ name }"}}`)
			if m := expect(t, c, tc.next, "q"); string(m.Payload) != `{"data":{"name":"test"}}` {
				t.Fatalf("query payload %s", m.Payload)
			}
			expect(t, c, "complete", "q")
		})
	}
}

// TestOperationErrors: an invalid document, or a payload that is not
// GraphQL parameters, is an error message for its id (then complete, as
// gqlgen's transport sent); the socket stays open.
func TestOperationErrors(t *testing.T) {
	f := setup(t, Config{})
	c := f.dial(t, protoNew)
	send(t, c, initMsg)
	expect(t, c, "connection_ack", "")

	send(t, c, `{"id":"1","type":"subscribe","payload":{"query":"subscription { nope }"}}`)
	if m := expect(t, c, "error", "1"); !strings.Contains(string(m.Payload), `Cannot query field \"nope\"`) {
		t.Fatalf("validation error: %s", m.Payload)
	}
	expect(t, c, "complete", "1")

	send(t, c, `{"id":"2","type":"subscribe","payload":{"query":"{ name }","variables":7}}`)
	if m := expect(t, c, "error", "2"); !strings.Contains(string(m.Payload), "invalid json") {
		t.Fatalf("bad parameters: %s", m.Payload)
	}
	expect(t, c, "complete", "2")

	send(t, c, `{"id":"3","type":"subscribe","payload":{"query":"{ name }"}}`)
	expect(t, c, "next", "3")
}

// TestPingPong: a client's ping is answered with its payload; a pong is
// accepted.
func TestPingPong(t *testing.T) {
	f := setup(t, Config{})
	c := f.dial(t, protoNew)
	send(t, c, initMsg)
	expect(t, c, "connection_ack", "")
	send(t, c, `{"type":"ping","payload":{"t":1}}`)
	if m := read(t, c, true); m.Type != "pong" || string(m.Payload) != `{"t":1}` {
		t.Fatalf("got %+v, want pong with the payload", m)
	}
	send(t, c, `{"type":"pong"}`)
	send(t, c, `{"type":"ping"}`)
	if m := read(t, c, true); m.Type != "pong" || m.Payload != nil {
		t.Fatalf("got %+v, want pong", m)
	}
}

// TestKeepAlive: admitted sockets get "ping" (graphql-transport-ws) or
// "ka" (graphql-ws) each PingInterval from the shared ticker, which stops
// when the last socket closes.
func TestKeepAlive(t *testing.T) {
	f := setup(t, Config{PingInterval: 20 * time.Millisecond})
	for proto, want := range map[string]string{protoNew: "ping", protoOld: "ka"} {
		c := f.dial(t, proto)
		send(t, c, initMsg)
		expect(t, c, "connection_ack", "")
		for range 3 {
			if m := read(t, c, true); m.Type != want {
				t.Fatalf("%s: got %+v, want %s", proto, m, want)
			}
		}
		c.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.tr.mu.Lock()
		pinging, n := f.tr.pinging, len(f.tr.sockets)
		f.tr.mu.Unlock()
		if !pinging && n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keep-alive running %v with %d sockets after they closed", pinging, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestInit: Init sees the payload and its context reaches the operations;
// a refusal closes with its code and reason (legacy: connection_error
// first); the end of Init's context closes the socket.
func TestInit(t *testing.T) {
	type key struct{}
	var cancelSocket context.CancelFunc
	f := setup(t, Config{Init: func(ctx context.Context, p transport.InitPayload) (context.Context, error) {
		switch p.GetString("token") {
		case "":
			return ctx, &CloseError{Code: 4401, Err: errors.New("authentication required")}
		case "bad":
			return ctx, errors.New("unknown API token")
		case "ok":
			ctx, cancelSocket = context.WithCancel(context.WithValue(ctx, key{}, "user"))
			return ctx, nil
		}
		return ctx, &CloseError{Code: 4500, Err: errors.New("internal error")}
	}})

	c := f.dial(t, protoNew)
	send(t, c, `{"type":"connection_init","payload":{}}`)
	wantClose(t, c, 4401, "authentication required")

	c = f.dial(t, protoNew)
	send(t, c, `{"type":"connection_init","payload":{"token":"bad"}}`)
	wantClose(t, c, 4403, "unknown API token")

	c = f.dial(t, protoOld)
	send(t, c, initMsg)
	if m := read(t, c, true); m.Type != "connection_error" || !strings.Contains(string(m.Payload), "authentication required") {
		t.Fatalf("legacy refusal: got %+v, want connection_error", m)
	}
	wantClose(t, c, 4401, "authentication required")

	c = f.dial(t, protoNew)
	send(t, c, `{"type":"connection_init","payload":{"token":"ok"}}`)
	expect(t, c, "connection_ack", "")
	send(t, c, `{"id":"1","type":"subscribe","payload":`+subName+`}`)
	f.gql.SendNextSubscriptionMessage()
	expect(t, c, "next", "1")
	cancelSocket() // e.g. the credentials no longer hold
	wantClose(t, c, websocket.CloseNormalClosure, "terminated")
}

// TestProtocolErrors: what the protocol does not allow closes the socket
// with graphql-transport-ws's codes.
func TestProtocolErrors(t *testing.T) {
	f := setup(t, Config{InitTimeout: 50 * time.Millisecond, ReadLimit: 256})
	admitted := func(t *testing.T) *websocket.Conn {
		c := f.dial(t, protoNew)
		send(t, c, initMsg)
		expect(t, c, "connection_ack", "")
		return c
	}
	for _, tc := range []struct {
		name   string
		conn   func(*testing.T) *websocket.Conn
		send   []string
		code   int
		reason string
	}{
		{"not JSON", admitted, []string{`{"type":`}, 4400, "not a JSON object"},
		{"unknown type", admitted, []string{`{"type":"start","id":"1"}`}, 4400, `unknown message type "start"`},
		{"no type", admitted, []string{`{"id":"1"}`}, 4400, "no type"},
		{"subscribe without id", admitted, []string{`{"type":"subscribe","payload":` + subName + `}`}, 4400, "an id is required"},
		{"subscribe before init", func(t *testing.T) *websocket.Conn { return f.dial(t, protoNew) },
			[]string{`{"id":"1","type":"subscribe","payload":` + subName + `}`}, 4401, "connection_init first"},
		{"second init", admitted, []string{initMsg}, 4429, "too many initialisation requests"},
		{"id already running", admitted, []string{`{"id":"1","type":"subscribe","payload":` + subName + `}`,
			`{"id":"1","type":"subscribe","payload":` + subName + `}`}, 4409, `subscriber for "1" already exists`},
		{"no init in time", func(t *testing.T) *websocket.Conn { return f.dial(t, protoNew) }, nil, 4408, "initialisation timeout"},
		{"message too large", admitted, []string{`{"type":"ping","payload":"` + strings.Repeat("x", 300) + `"}`}, websocket.CloseMessageTooBig, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.conn(t)
			for _, m := range tc.send {
				send(t, c, m)
			}
			wantClose(t, c, tc.code, tc.reason)
		})
	}

	// Legacy graphql-ws: connection_error with the reason, then the close;
	// a running id is an error for that id, the socket stays.
	c := f.dial(t, protoOld)
	send(t, c, initMsg)
	expect(t, c, "connection_ack", "")
	send(t, c, `{"id":"1","type":"start","payload":`+subName+`}`)
	send(t, c, `{"id":"1","type":"start","payload":`+subName+`}`)
	if m := expect(t, c, "error", "1"); !strings.Contains(string(m.Payload), "is running") {
		t.Fatalf("payload %s", m.Payload)
	}
	send(t, c, `{"type":"subscribe","id":"2"}`)
	if m := expect(t, c, "connection_error", ""); !strings.Contains(string(m.Payload), "unknown message type") {
		t.Fatalf("payload %s", m.Payload)
	}
	wantClose(t, c, 4400, "unknown message type")
}

// TestOrigin: a refused Origin gets 403 and no socket.
func TestOrigin(t *testing.T) {
	f := setup(t, Config{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://lab.example" }})
	d := websocket.Dialer{Subprotocols: []string{protoNew}}
	if _, res, err := d.Dial(f.url, http.Header{"Origin": {"https://evil.example"}}); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("evil origin: %v %v, want 403", err, res)
	}
	c, _, err := d.Dial(f.url, http.Header{"Origin": {"https://lab.example"}})
	if err != nil {
		t.Fatalf("allowed origin: %v", err)
	}
	c.Close()
}

// TestShutdown: Shutdown closes open sockets with 1001, refuses new ones
// and returns once their goroutines have ended.
func TestShutdown(t *testing.T) {
	f := setup(t, Config{})
	c := f.dial(t, protoNew)
	send(t, c, initMsg)
	expect(t, c, "connection_ack", "")
	send(t, c, `{"id":"1","type":"subscribe","payload":`+subName+`}`)
	f.gql.SendNextSubscriptionMessage() // the subscription runs
	expect(t, c, "next", "1")
	if n := f.tr.Len(); n != 1 {
		t.Fatalf("%d sockets open, want 1", n)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.tr.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	wantClose(t, c, websocket.CloseGoingAway, "server shutting down")
	if n := f.tr.Len(); n != 0 {
		t.Errorf("%d sockets open after Shutdown", n)
	}
	d := websocket.Dialer{Subprotocols: []string{protoNew}}
	if _, res, err := d.Dial(f.url, nil); err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("dial after Shutdown: %v %v, want 503", err, res)
	}
}

// TestDoReturns: Do returns once the socket is upgraded (the socket lives
// on its own reader goroutine), so net/http's handler and its buffers are
// released while the socket stays open.
func TestDoReturns(t *testing.T) {
	tr := New(Config{})
	t.Cleanup(tr.Close)
	gql := testserver.New()
	gql.AddTransport(tr)
	returned := make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gql.ServeHTTP(w, r)
		returned <- struct{}{}
	}))
	t.Cleanup(ts.Close)
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not return after the upgrade")
	}
	send(t, c, initMsg)
	expect(t, c, "connection_ack", "")
}
