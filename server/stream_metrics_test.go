package server

import (
	"testing"
	"time"
)

// TestEventStreamMetrics: an open queueEvents subscription counts in
// activelab_event_subscribers{subscription="queueEvents"} and stops
// counting when its socket closes; events it replays after afterSeq are
// not observed as delivery lag, a live event it receives is observed once,
// with a lag within the time the test took to cause and receive it.
func TestEventStreamMetrics(t *testing.T) {
	a := setupAL(t, openSQLite)
	a.importESOL(t)
	a.trainModel(t)
	a.selectBatch(t, 3) // three item_enqueued events, committed before the subscription
	const (
		subscribers = `activelab_event_subscribers{subscription="queueEvents"}`
		lagCount    = `activelab_event_delivery_lag_seconds_count{subscription="queueEvents"}`
		lagSum      = `activelab_event_delivery_lag_seconds_sum{subscription="queueEvents"}`
	)
	if m := scrape(t, a.env); m[subscribers] != 0 || m[lagCount] != 0 {
		t.Fatalf("before any subscription: %v subscribers, %v lags observed", m[subscribers], m[lagCount])
	}

	sub := a.subscribe(t, a.sciT, queueEventsSub, map[string]any{"m": a.modelID, "after": 0})
	var ev queueEventMsg
	for range 3 {
		sub.next(t, &ev)
		if ev.QueueEvents.Type != "item_enqueued" {
			t.Fatalf("replayed %+v; want item_enqueued", ev.QueueEvents)
		}
	}
	if m := scrape(t, a.env); m[subscribers] != 1 || m[lagCount] != 0 {
		t.Errorf("after 3 replayed events: %v subscribers, %v lags observed; want 1 and none", m[subscribers], m[lagCount])
	}

	start := time.Now()
	if a.claim(t, a.sciT) == "" {
		t.Fatal("nothing to claim")
	}
	sub.next(t, &ev)
	if ev.QueueEvents.Type != "item_claimed" {
		t.Fatalf("live event %+v; want item_claimed", ev.QueueEvents)
	}
	a.waitFor(t, "the live event's lag", func() bool { return scrape(t, a.env)[lagCount] == 1 })
	m := scrape(t, a.env)
	if took := time.Since(start).Seconds(); m[lagSum] < 0 || m[lagSum] > took {
		t.Errorf("lag observed %v s; want between 0 and the %v s the claim and its delivery took", m[lagSum], took)
	}
	if m[`activelab_event_subscribers{subscription="cycleEvents"}`] != 0 {
		t.Errorf("cycleEvents subscribers %v; want 0", m[`activelab_event_subscribers{subscription="cycleEvents"}`])
	}

	_ = sub.c.Close()
	a.waitFor(t, "the closed subscription uncounted", func() bool { return scrape(t, a.env)[subscribers] == 0 })
}
