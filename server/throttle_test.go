package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"activelab/auth"
	"activelab/store"
)

// TestLoginThrottled: over HTTP, a throttled login is TOO_MANY_REQUESTS
// with extensions.retryAfter, HTTP 429 and Retry-After; over a websocket
// the same address is throttled too (login is checked there before the
// cookie fails), with the same extensions.
func TestLoginThrottled(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		tok := e.token(e.user(store.RoleViewer))
		for i := range auth.AddressFreeFailures + 1 {
			r := e.post(loginMutation, map[string]any{"e": fmt.Sprintf("guess%d@example.test", i), "p": "wrong password"}, nil)
			wantError(t, r, CodeUnauthenticated, "invalid email or password")
			if r.status != http.StatusOK {
				t.Fatalf("wrong login %d: status %d", i, r.status)
			}
		}
		r := e.post(loginMutation, map[string]any{"e": "guess@example.test", "p": "wrong password"}, nil)
		wantError(t, r, CodeTooManyRequests, "from this address")
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
			t.Errorf("throttled: status %d Retry-After %q, want 429 and 1", r.status, r.header.Get("Retry-After"))
		}
		if got := r.Errors[0].Extensions["retryAfter"]; got != float64(1) {
			t.Errorf("extensions.retryAfter = %v, want 1", got)
		}
		// Other requests from the address are not throttled.
		wantData(t, e.post(meQuery, nil, bearer(tok)), nil)

		c, _, err := e.dial(t, "graphql-transport-ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": tok}})
		if m := next(t, c); m.Type != "connection_ack" {
			t.Fatalf("got %+v", m)
		}
		send(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
			"query": loginMutation, "variables": map[string]any{"e": "ws@example.test", "p": "wrong password"}}})
		m := next(t, c)
		var payload struct {
			Errors []gqlError `json:"errors"`
		}
		_ = json.Unmarshal(m.Payload, &payload)
		if m.Type != "next" || len(payload.Errors) == 0 || payload.Errors[0].Extensions["code"] != CodeTooManyRequests ||
			payload.Errors[0].Extensions["retryAfter"] == nil {
			t.Errorf("login over a websocket: %s %s, want TOO_MANY_REQUESTS with retryAfter", m.Type, m.Payload)
		}
	})
}
