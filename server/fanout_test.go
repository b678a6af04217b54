package server

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"activelab/auth"
	"activelab/store"

	"github.com/gorilla/websocket"
)

// fanoutSub is one subscription on a socket of its own, with its own id.
type fanoutSub struct {
	name, id string
	c        *websocket.Conn
}

// subscribeAs opens a socket as tok's user and subscribes with id.
func (a *alEnv) subscribeAs(t *testing.T, name, tok, id, query string, vars map[string]any) *fanoutSub {
	t.Helper()
	c, _, err := a.dial(t, "graphql-transport-ws", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": tok}})
	if m := next(t, c); m.Type != "connection_ack" {
		t.Fatalf("%s: got %+v, want connection_ack", name, m)
	}
	send(t, c, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
	return &fanoutSub{name: name, id: id, c: c}
}

// until reads s's results until one of type typ and returns its data
// (raw) and how many results it read; each must carry s's id and no
// errors.
func (s *fanoutSub) until(t *testing.T, typ string) (json.RawMessage, int) {
	t.Helper()
	for n := 1; ; n++ {
		m := next(t, s.c)
		if m.Type != "next" || m.ID != s.id {
			t.Fatalf("%s: message %s id %q %s, want next with id %q", s.name, m.Type, m.ID, m.Payload, s.id)
		}
		var p struct {
			Data   json.RawMessage
			Errors []gqlError
		}
		if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
			t.Fatalf("%s: payload %s: %v", s.name, m.Payload, err)
		}
		var e struct{ QueueEvents struct{ Type string } }
		if err := json.Unmarshal(p.Data, &e); err != nil {
			t.Fatalf("%s: decode %s: %v", s.name, p.Data, err)
		}
		if e.QueueEvents.Type == typ {
			return p.Data, n
		}
	}
}

// brokerCaughtUp waits until the event broker has delivered every event
// committed so far (on PostgreSQL it hears of them by NOTIFY), so that
// subscriptions started next receive only later events, all of them
// live: a probe subscription replays from 0 until it reaches the last
// event, then closes.
func (a *alEnv) brokerCaughtUp(t *testing.T) int64 {
	t.Helper()
	last, err := a.rt.Service.Store().LastEventSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	probe := a.subscribeAs(t, "probe", a.vwT, "probe", `subscription($m: ID!) { queueEvents(modelId: $m, afterSeq: 0) { seq type } }`,
		map[string]any{"m": a.modelID})
	for {
		m := next(t, probe.c)
		var p struct {
			Data struct{ QueueEvents struct{ Seq int64 } }
		}
		if err := json.Unmarshal(m.Payload, &p); err != nil || m.Type != "next" {
			t.Fatalf("probe: %s %s", m.Type, m.Payload)
		}
		if p.Data.QueueEvents.Seq >= last {
			break
		}
	}
	_ = probe.c.Close()
	a.waitFor(t, "the probe's subscription ended", func() bool { return subscribers(a, "queueEvents") == 0 })
	return last
}

// fanoutDelta runs fn and returns how many subscription results the
// server executed and shared meanwhile.
func (a *alEnv) fanoutDelta(fn func()) (executed, shared uint64) {
	e0, s0 := a.srv.fanout.Stats()
	fn()
	e1, s1 := a.srv.fanout.Stats()
	return e1 - e0, s1 - s0
}

// TestFanoutSharesOneExecution: subscribers of queueEvents with the same
// document, the same role and the same variables in their selection get
// one execution of each event between them, each under its own id; the
// variables of queueEvents' own arguments (afterSeq here) do not split
// them.
func TestFanoutSharesOneExecution(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		a.selectBatch(t, 3)
		last := a.brokerCaughtUp(t)
		const q = `subscription($m: ID!, $a: Int) { queueEvents(modelId: $m, afterSeq: $a) { seq type itemId item { status compound { canonicalSmiles } } } }`
		subs := []*fanoutSub{
			a.subscribeAs(t, "viewer 1", a.vwT, "1", q, map[string]any{"m": a.modelID}),
			a.subscribeAs(t, "viewer 2", a.vwT, "a7d3c3f0-5b0e-4c55-9bb6-0c1f4b6a1d2e", q, map[string]any{"m": a.modelID}),
			a.subscribeAs(t, "viewer 3, afterSeq", a.vwT, "3", q, map[string]any{"m": a.modelID, "a": last}),
			a.subscribeAs(t, "viewer, another token", a.token(a.view), "x", q, map[string]any{"m": a.modelID}),
		}
		a.waitFor(t, "4 subscriptions", func() bool { return subscribers(a, "queueEvents") == 4 })

		var first json.RawMessage
		var events int
		executed, shared := a.fanoutDelta(func() {
			a.claim(t, a.sciT)
			for i, s := range subs {
				data, n := s.until(t, "item_claimed")
				if i == 0 {
					first, events = data, n
					continue
				}
				if string(data) != string(first) || n != events {
					t.Fatalf("%s got %s after %d results, %s got %s after %d", s.name, data, n, subs[0].name, first, events)
				}
			}
		})
		if executed != uint64(events) || shared != uint64(3*events) {
			t.Fatalf("%d events to 4 subscribers: %d executed, %d shared; want %d and %d", events, executed, shared, events, 3*events)
		}
		ex, sh := a.srv.fanout.Stats()
		m := scrape(t, a.env)
		if m[`activelab_subscription_results_total{how="executed"}`] != float64(ex) || m[`activelab_subscription_results_total{how="shared"}`] != float64(sh) {
			t.Fatalf("/metrics: %v executed, %v shared; want %d, %d", m[`activelab_subscription_results_total{how="executed"}`],
				m[`activelab_subscription_results_total{how="shared"}`], ex, sh)
		}
	})
}

// TestFanoutKeysApart: subscribers whose results may differ do not share
// one: a variable used below the subscription field, another document,
// another role, and, for a selection with User.email (which shows a user
// their own address and an admin everyone's), another user of the same
// role. Each gets what executing for them alone gives.
func TestFanoutKeysApart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		a.selectBatch(t, 3)
		other, err := a.srv.Auth().CreateUserAsOperator(context.Background(), auth.NewUser{
			Email: "second-scientist@example.test", Name: "Second scientist", Role: store.RoleScientist, Password: "correct horse"})
		if err != nil {
			t.Fatal(err)
		}
		otherT := a.token(other)
		a.brokerCaughtUp(t)
		const (
			level = `subscription($m: ID!, $l: Float!) { queueEvents(modelId: $m) { type item { interval(level: $l) { level } } } }`
			email = `subscription($m: ID!) { queueEvents(modelId: $m) { type item { assignedTo { name email } } } }`
		)
		m := a.modelID
		subs := []*fanoutSub{
			a.subscribeAs(t, "level 0.5", a.vwT, "1", level, map[string]any{"m": m, "l": 0.5}),
			a.subscribeAs(t, "level 0.8", a.vwT, "1", level, map[string]any{"m": m, "l": 0.8}),
			a.subscribeAs(t, "admin", a.adminT, "1", email, map[string]any{"m": m}),
			a.subscribeAs(t, "viewer", a.vwT, "1", email, map[string]any{"m": m}),
			a.subscribeAs(t, "claimer", a.sciT, "1", email, map[string]any{"m": m}),
			a.subscribeAs(t, "other scientist", otherT, "1", email, map[string]any{"m": m}),
			a.subscribeAs(t, "claimer, second socket", a.sciT, "2", email, map[string]any{"m": m}),
		}
		a.waitFor(t, "7 subscriptions", func() bool { return subscribers(a, "queueEvents") == 7 })

		got := map[string]json.RawMessage{}
		counts := map[string]int{}
		executed, shared := a.fanoutDelta(func() {
			a.claim(t, a.sciT)
			for _, s := range subs {
				got[s.name], counts[s.name] = s.until(t, "item_claimed")
			}
		})
		events := counts["admin"]
		for name, n := range counts {
			if n != events {
				t.Fatalf("%s read %d results, admin %d", name, n, events)
			}
		}

		var levels [2]float64
		for i, name := range []string{"level 0.5", "level 0.8"} {
			var d struct {
				QueueEvents struct {
					Item struct{ Interval *struct{ Level float64 } }
				}
			}
			if err := json.Unmarshal(got[name], &d); err != nil || d.QueueEvents.Item.Interval == nil {
				t.Fatalf("%s: %s (%v)", name, got[name], err)
			}
			levels[i] = d.QueueEvents.Item.Interval.Level
		}
		if levels != [2]float64{0.5, 0.8} {
			t.Fatalf("interval levels %v, want [0.5 0.8]", levels)
		}

		wantEmail := map[string]*string{"admin": &a.sci.Email, "viewer": nil, "claimer": &a.sci.Email,
			"other scientist": nil, "claimer, second socket": &a.sci.Email}
		for name, want := range wantEmail {
			var d struct {
				QueueEvents struct {
					Item struct {
						AssignedTo *struct {
							Name  string
							Email *string
						}
					}
				}
			}
			if err := json.Unmarshal(got[name], &d); err != nil || d.QueueEvents.Item.AssignedTo == nil {
				t.Fatalf("%s: %s (%v)", name, got[name], err)
			}
			as := d.QueueEvents.Item.AssignedTo
			if as.Name != a.sci.Name {
				t.Errorf("%s: assignee %q, want %q", name, as.Name, a.sci.Name)
			}
			switch {
			case want == nil && as.Email != nil:
				t.Errorf("%s sees the claimer's e-mail %q", name, *as.Email)
			case want != nil && (as.Email == nil || *as.Email != *want):
				t.Errorf("%s: e-mail %v, want %q", name, as.Email, *want)
			}
		}
		// Six keys (two levels; admin, viewer, the claimer, the other
		// scientist); the claimer's second socket shares.
		if executed != uint64(6*events) || shared != uint64(events) {
			t.Errorf("%d events: %d executed, %d shared; want %d and %d", events, executed, shared, 6*events, events)
		}
	})
}

// subscribers reads the activelab_event_subscribers gauge of field.
func subscribers(a *alEnv, field string) int {
	return int(gaugeValue(a.srv.metrics.streams.subscribers.WithLabelValues(field)))
}

// TestFanoutCycleUpdated: subscribers of cycleUpdated with the same
// document and role share each event's cycle read and its execution:
// a new cycle reaches all three with the same payload, and all but one
// of them are handed the result the first executed.
func TestFanoutCycleUpdated(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		const q = `subscription($m: ID!) { cycleUpdated(modelId: $m) { id cycleNumber status itemsSelected } }`
		var subs []*fanoutSub
		for i, id := range []string{"1", "2", "3"} {
			subs = append(subs, a.subscribeAs(t, fmt.Sprintf("viewer %d", i+1), a.vwT, id, q, map[string]any{"m": a.modelID}))
		}
		a.waitFor(t, "3 subscriptions", func() bool { return subscribers(a, "cycleUpdated") == 3 })
		var first string
		executed, shared := a.fanoutDelta(func() {
			cycle := a.selectBatch(t, 3)
			for i, s := range subs {
				m := next(t, s.c)
				if m.Type != "next" || m.ID != s.id {
					t.Fatalf("%s: %s id %q %s", s.name, m.Type, m.ID, m.Payload)
				}
				var p struct {
					Data struct{ CycleUpdated struct{ ID string } }
				}
				if err := json.Unmarshal(m.Payload, &p); err != nil || p.Data.CycleUpdated.ID != cycle {
					t.Fatalf("%s: %s (%v), want cycle %s", s.name, m.Payload, err, cycle)
				}
				if i == 0 {
					first = string(m.Payload)
				} else if string(m.Payload) != first {
					t.Fatalf("%s got %s, %s got %s", s.name, m.Payload, subs[0].name, first)
				}
			}
		})
		// At least the event all three read was executed once and handed
		// to the other two (a later event may be under way).
		if executed == 0 || shared < 2 {
			t.Fatalf("cycle events to 3 subscribers: %d executed, %d shared; want the first executed once and shared twice", executed, shared)
		}
	})
}
