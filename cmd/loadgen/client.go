package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

// gql is a GraphQL client of one server: a cookie session or a bearer token.
type gql struct {
	url    string
	token  string
	client *http.Client
}

var transport = &http.Transport{MaxIdleConns: 2048, MaxIdleConnsPerHost: 2048, IdleConnTimeout: time.Minute}

func newGQL(addr string) *gql {
	jar, _ := cookiejar.New(nil)
	return &gql{url: "http://" + addr + "/graphql", client: &http.Client{Jar: jar, Transport: transport, Timeout: 30 * time.Second}}
}

// do posts a query; any transport error, non-200 status or GraphQL error is an error.
func (g *gql) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if g.token != "" {
		req.Header.Set("Authorization", "Bearer "+g.token)
	}
	res, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", res.StatusCode, b)
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if len(env.Errors) > 0 {
		return fmt.Errorf("graphql: %s", env.Errors[0].Message)
	}
	if out != nil {
		return json.Unmarshal(env.Data, out)
	}
	return nil
}

func (g *gql) login(ctx context.Context, email, password string) error {
	return g.do(ctx, `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { user { id } } }`,
		map[string]any{"e": email, "p": password}, nil)
}

// subscriber is one websocket on queueEvents (graphql-transport-ws).
type subscriber struct {
	conn *websocket.Conn
	buf  bytes.Buffer // the message being read, reused
}

// subscribe opens a websocket authenticated with token and subscribes to
// the model's queue events.
func subscribe(ctx context.Context, addr, token, modelID string) (*subscriber, error) {
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 10 * time.Second}
	conn, _, err := d.DialContext(ctx, "ws://"+addr+"/graphql", nil)
	if err != nil {
		return nil, err
	}
	send := func(v any) error { return conn.WriteJSON(v) }
	if err := send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var ack struct{ Type string }
	if err := conn.ReadJSON(&ack); err != nil || ack.Type != "connection_ack" {
		conn.Close()
		return nil, fmt.Errorf("connection_init: %v (got %q)", err, ack.Type)
	}
	_ = conn.SetReadDeadline(time.Time{})
	err = send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($m: ID!) { queueEvents(modelId: $m) { seq type itemId } }`,
		"variables": map[string]any{"m": modelID}}})
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &subscriber{conn: conn}, nil
}

// queueEvent is what a subscriber receives.
type queueEvent struct {
	Seq    int64  `json:"seq"`
	Type   string `json:"type"`
	ItemID string `json:"itemId"`
}

// next returns the next event; pings are answered. Its cost is the load
// generator's, on the cores the server shares: the message is read into
// a buffer the socket reuses and decoded by readEvent.
func (s *subscriber) next() (*queueEvent, error) {
	for {
		_, r, err := s.conn.NextReader()
		if err != nil {
			return nil, err
		}
		s.buf.Reset()
		if _, err := s.buf.ReadFrom(r); err != nil {
			return nil, err
		}
		typ, ev, err := readEvent(s.buf.Bytes())
		if err != nil {
			return nil, err
		}
		switch typ {
		case "next":
			return ev, nil
		case "ping":
			_ = s.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong"}`))
		case "error", "complete":
			return nil, errors.New("subscription ended: " + typ)
		}
	}
}

// serverMessage is a graphql-transport-ws message as encoding/json reads
// it: its type and, for "next", the queue event or the errors.
type serverMessage struct {
	Type    string `json:"type"`
	Payload struct {
		Data struct {
			QueueEvents queueEvent `json:"queueEvents"`
		} `json:"data"`
		Errors []any `json:"errors"`
	} `json:"payload"`
}

// nextPrefix is how the server frames every queueEvents result of the
// load generator's subscription (id "1", compact JSON, fields in the
// selection's order).
const nextPrefix = `{"type":"next","id":"1","payload":{"data":{"queueEvents":{"seq":`

// readEvent decodes a graphql-transport-ws message: its type and, for
// "next", the queue event (a result with errors is an error). A result
// framed as the server frames it (nextPrefix, then seq, type and itemId)
// is read without encoding/json, which took a fifth of the generator's
// CPU with 10,000 subscribers; anything else goes through encoding/json.
func readEvent(data []byte) (string, *queueEvent, error) {
	if ev, ok := readFramedEvent(data); ok {
		return "next", ev, nil
	}
	var msg serverMessage
	if err := json.Unmarshal(data, &msg); err != nil {
		return "", nil, fmt.Errorf("decode message: %w", err)
	}
	if msg.Type == "next" && len(msg.Payload.Errors) > 0 {
		return "", nil, fmt.Errorf("subscription error: %v", msg.Payload.Errors)
	}
	return msg.Type, &msg.Payload.Data.QueueEvents, nil
}

// readFramedEvent reads `<nextPrefix>N,"type":"T","itemId":"I"}}}}` (or
// itemId null); false for any other shape, escapes in strings included.
func readFramedEvent(data []byte) (*queueEvent, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(nextPrefix))
	if !ok {
		return nil, false
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i > 1 && rest[0] == '0' { // JSON has no leading zeros
		return nil, false
	}
	seq, err := strconv.ParseInt(string(rest[:i]), 10, 64)
	if err != nil {
		return nil, false
	}
	ev := &queueEvent{Seq: seq}
	if rest, ok = bytes.CutPrefix(rest[i:], []byte(`,"type":`)); !ok {
		return nil, false
	}
	if ev.Type, rest, ok = plainString(rest); !ok {
		return nil, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"itemId":`)); !ok {
		return nil, false
	}
	if after, isNull := bytes.CutPrefix(rest, []byte("null")); isNull {
		rest = after
	} else if ev.ItemID, rest, ok = plainString(rest); !ok {
		return nil, false
	}
	return ev, string(rest) == "}}}}"
}

// plainString reads a JSON string of printable ASCII without escapes (an
// id, an event type) at the start of b.
func plainString(b []byte) (string, []byte, bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", nil, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return string(b[1:i]), b[i+1:], true
		case c < 0x20 || c > 0x7e || c == '\\':
			return "", nil, false
		}
	}
	return "", nil, false
}
