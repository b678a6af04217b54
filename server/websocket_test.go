package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/store"
	"activelab/store/storetest"

	"github.com/gorilla/websocket"
)

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dial opens a websocket to the test server with the subprotocol and
// extra headers.
func (e *env) dial(t *testing.T, subprotocol string, hdr http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{subprotocol}, HandshakeTimeout: 5 * time.Second}
	c, res, err := d.Dial("ws"+strings.TrimPrefix(e.ts.URL, "http")+"/graphql", hdr)
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, res, err
}

func send(t *testing.T, c *websocket.Conn, m any) {
	t.Helper()
	if err := c.WriteJSON(m); err != nil {
		t.Fatalf("websocket write: %v", err)
	}
}

// next reads the next message, skipping keep-alives ("ka", "ping").
func next(t *testing.T, c *websocket.Conn) wsMsg {
	t.Helper()
	for {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		var m wsMsg
		if err := c.ReadJSON(&m); err != nil {
			t.Fatalf("websocket read: %v", err)
		}
		if m.Type == "ka" || m.Type == "ping" || m.Type == "pong" {
			continue
		}
		return m
	}
}

// closeCode reads until the server closes and returns the close error.
func closeCode(t *testing.T, c *websocket.Conn) *websocket.CloseError {
	t.Helper()
	for {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		ce, ok := err.(*websocket.CloseError)
		if !ok {
			t.Fatalf("read: %v, want a close frame", err)
		}
		return ce
	}
}

// liveEnv is a test server with the active-learning runtime (service and
// event broker) and one model whose queue has events, for the tests of
// websocket subscriptions.
type liveEnv struct {
	*env
	model store.ID
}

// setupLive starts a liveEnv; mods adjust the server's configuration. The
// model's queue starts with two events.
func setupLive(t *testing.T, open func(testing.TB) *store.Store, mods ...func(*Config, *Options)) *liveEnv {
	t.Helper()
	a := setupRuntimeServer(t, open, mods)
	l := &liveEnv{env: a.env, model: storetest.Model(t.Context(), t, a.st, nil).ID}
	l.emit(t, 2)
	return l
}

// emit writes n events of the model's queue (see emitQueueEvents).
func (l *liveEnv) emit(t *testing.T, n int) { t.Helper(); emitQueueEvents(t, l.st, l.model, n) }

// sub subscribes to the model's queue events (see queueEventsFrom0).
func (l *liveEnv) sub() map[string]any { return queueEventsFrom0(l.model) }

// emitQueueEvents writes n item_enqueued events of model through the
// outbox, in one transaction, as the service's mutations do: subscribers
// replay them or receive them live.
func emitQueueEvents(t *testing.T, st *store.Store, model store.ID, n int) {
	t.Helper()
	err := st.InTx(t.Context(), func(tx *store.Tx) error {
		for range n {
			tx.Emit(&store.Event{Type: activelearning.EventItemEnqueued, ModelID: &model, Payload: json.RawMessage(`{}`)})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("emit queue events: %v", err)
	}
}

// queueEventsFrom0 is the subscription payload for model's queue events
// from the start: the events written so far arrive at once, then live ones.
func queueEventsFrom0(model store.ID) map[string]any {
	return map[string]any{"query": `subscription($m: ID!) { queueEvents(modelId: $m, afterSeq: 0) { seq type modelId } }`,
		"variables": map[string]any{"m": model.String()}}
}

// queueEventOf decodes a next (or legacy data) message of sub: the event's
// sequence number, or 0 when the message is something else.
func queueEventOf(m wsMsg) int {
	var p struct {
		Data struct {
			QueueEvents struct {
				Seq  int
				Type string
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 || p.Data.QueueEvents.Type != activelearning.EventItemEnqueued {
		return 0
	}
	return p.Data.QueueEvents.Seq
}

func TestWebsocketGraphQLTransportWS(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setupLive(t, open)
		u := e.user(store.RoleViewer)
		tok := e.token(u)

		for _, init := range []struct {
			name    string
			payload map[string]any
		}{
			{"Authorization payload", map[string]any{"Authorization": "Bearer " + tok}},
			{"token payload", map[string]any{"token": tok}},
		} {
			t.Run(init.name, func(t *testing.T) {
				c, res, err := e.dial(t, "graphql-transport-ws", nil)
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				if got := res.Header.Get("Sec-Websocket-Protocol"); got != "graphql-transport-ws" {
					t.Fatalf("subprotocol %q", got)
				}
				send(t, c, map[string]any{"type": "connection_init", "payload": init.payload})
				if m := next(t, c); m.Type != "connection_ack" {
					t.Fatalf("got %+v, want connection_ack", m)
				}
				send(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": e.sub()})
				// The two events written before are replayed, then a live one.
				var seqs []int
				for len(seqs) < 3 {
					if len(seqs) == 2 {
						e.emit(t, 1)
					}
					m := next(t, c)
					seq := queueEventOf(m)
					if m.Type != "next" || m.ID != "1" || seq == 0 {
						t.Fatalf("got %+v, want next with a queue event", m)
					}
					seqs = append(seqs, seq)
				}
				if seqs[0] >= seqs[1] || seqs[1] >= seqs[2] {
					t.Errorf("sequence numbers %v, want increasing", seqs)
				}
				// A query over the socket sees the user.
				send(t, c, map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{"query": meQuery}})
				for {
					m := next(t, c)
					if m.ID != "2" {
						continue
					}
					if m.Type != "next" || !strings.Contains(string(m.Payload), u.Email) {
						t.Fatalf("me over websocket: %+v", m)
					}
					break
				}
				send(t, c, map[string]any{"id": "1", "type": "complete"})
			})
		}

		t.Run("no token refused", func(t *testing.T) {
			c, _, err := e.dial(t, "graphql-transport-ws", nil)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{}})
			ce := closeCode(t, c)
			if ce.Code != 4401 || !strings.Contains(ce.Text, "authentication required") {
				t.Fatalf("close %d %q, want 4401 authentication required", ce.Code, ce.Text)
			}
		})
		t.Run("bad token refused", func(t *testing.T) {
			c, _, err := e.dial(t, "graphql-transport-ws", nil)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": "al_" + strings.Repeat("A", 43)}})
			ce := closeCode(t, c)
			if ce.Code != 4403 || !strings.Contains(ce.Text, "unknown API token") {
				t.Fatalf("close %d %q, want 4403 unknown API token", ce.Code, ce.Text)
			}
		})
		t.Run("session cookie", func(t *testing.T) {
			res, err := e.srv.Auth().Login(t.Context(), u.Email, "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			h := http.Header{"Cookie": {auth.SessionCookieName + "=" + res.Secret}, "Origin": {e.ts.URL}}
			c, _, err := e.dial(t, "graphql-transport-ws", h)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			send(t, c, map[string]any{"type": "connection_init"})
			if m := next(t, c); m.Type != "connection_ack" {
				t.Fatalf("got %+v, want connection_ack", m)
			}
		})
		t.Run("cross-origin refused", func(t *testing.T) {
			_, res, err := e.dial(t, "graphql-transport-ws", http.Header{"Origin": {"https://evil.example"}})
			if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
				t.Fatalf("dial from evil.example: err %v, response %v; want 403", err, res)
			}
			// An allowed origin passes.
			c, _, err := e.dial(t, "graphql-transport-ws", http.Header{"Origin": {"http://localhost:5173"}})
			if err != nil {
				t.Fatalf("dial from allowed origin: %v", err)
			}
			c.Close()
		})
	})
}

func TestWebsocketLegacyGraphQLWS(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setupLive(t, open)
		tok := e.token(e.user(store.RoleViewer))

		c, res, err := e.dial(t, "graphql-ws", nil)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		if got := res.Header.Get("Sec-Websocket-Protocol"); got != "graphql-ws" {
			t.Fatalf("subprotocol %q", got)
		}
		send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + tok}})
		if m := next(t, c); m.Type != "connection_ack" {
			t.Fatalf("got %+v, want connection_ack", m)
		}
		send(t, c, map[string]any{"id": "7", "type": "start", "payload": e.sub()})
		if m := next(t, c); m.Type != "data" || m.ID != "7" || queueEventOf(m) == 0 {
			t.Fatalf("got %+v, want data with a queue event", m)
		}
		send(t, c, map[string]any{"id": "7", "type": "stop"})

		// Without a token: connection_error with the reason, then close.
		c2, _, err := e.dial(t, "graphql-ws", nil)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		send(t, c2, map[string]any{"type": "connection_init"})
		if m := next(t, c2); m.Type != "connection_error" || !strings.Contains(string(m.Payload), "authentication required") {
			t.Fatalf("got %+v, want connection_error", m)
		}
	})
}

// TestWebsocketKeepAlive checks that the server pings on its own.
func TestWebsocketKeepAlive(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open, func(c *Config, _ *Options) { c.WebsocketPingInterval = 50 * time.Millisecond })
		tok := e.token(e.user(store.RoleViewer))
		for proto, want := range map[string]string{"graphql-transport-ws": "ping", "graphql-ws": "ka"} {
			c, _, err := e.dial(t, proto, nil)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": tok}})
			seen := 0
			for seen < 2 {
				_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
				var m wsMsg
				if err := c.ReadJSON(&m); err != nil {
					t.Fatalf("%s: read: %v", proto, err)
				}
				if m.Type == want {
					seen++
				}
			}
		}
	})
}

// TestWebsocketCredentialsRechecked: an open subscription ends soon after
// its token is revoked, or its session's user is disabled; the reconnect
// is refused.
func TestWebsocketCredentialsRechecked(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setupLive(t, open, func(c *Config, _ *Options) { c.WebsocketRecheckInterval = 100 * time.Millisecond })
		admin := e.user(store.RoleAdmin) // who disables the viewer below
		u := e.user(store.RoleViewer)
		tok := e.token(u)
		subscribe := func(payload map[string]any, hdr http.Header) *websocket.Conn {
			t.Helper()
			c, _, err := e.dial(t, "graphql-transport-ws", hdr)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			send(t, c, map[string]any{"type": "connection_init", "payload": payload})
			if m := next(t, c); m.Type != "connection_ack" {
				t.Fatalf("got %+v, want connection_ack", m)
			}
			send(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": e.sub()})
			if m := next(t, c); m.Type != "next" || queueEventOf(m) == 0 {
				t.Fatalf("got %+v, want next with a queue event", m)
			}
			return c
		}

		// A token, revoked while the socket is open.
		c := subscribe(map[string]any{"token": tok}, nil)
		toks, err := e.srv.Auth().APITokens(t.Context(), u.ID)
		if err != nil || len(toks) != 1 {
			t.Fatalf("tokens: %v, %v", toks, err)
		}
		if _, err := e.srv.Auth().RevokeAPIToken(t.Context(), u.ID, toks[0].ID); err != nil {
			t.Fatal(err)
		}
		closeCode(t, c) // within a recheck interval, not at the 10 s read deadline
		if !strings.Contains(e.log.String(), "websocket closed: credentials no longer hold") {
			t.Errorf("no log line for the closed socket:\n%s", e.log.String())
		}
		rc, _, err := e.dial(t, "graphql-transport-ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		send(t, rc, map[string]any{"type": "connection_init", "payload": map[string]any{"token": tok}})
		if ce := closeCode(t, rc); ce.Code != 4403 {
			t.Errorf("reconnect with the revoked token: close %d, want 4403", ce.Code)
		}

		// A session cookie, whose user is then disabled.
		res, err := e.srv.Auth().Login(t.Context(), u.Email, "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		hdr := http.Header{"Cookie": {auth.SessionCookieName + "=" + res.Secret}, "Origin": {e.ts.URL}}
		c = subscribe(nil, hdr)
		if _, err := e.srv.Auth().UpdateUser(t.Context(), admin, auth.UserUpdate{ID: u.ID, Disabled: ptrTo(true)}); err != nil {
			t.Fatal(err)
		}
		closeCode(t, c)
	})
}

func ptrTo[T any](v T) *T { return &v }
