package server

import (
	"context"
	"testing"

	"activelab/auth"
	"activelab/store"
)

// TestSubscriptionLoadersFreshPerEvent: a subscription resolves each event
// with loaders of its own, so what an event shows is read when the event
// is delivered: a user renamed between two events shows the new name in
// the second (loaders kept for the subscription's lifetime would serve
// the first read for ever, and grow with every id it met).
func TestSubscriptionLoadersFreshPerEvent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		a.selectBatch(t, 3)
		sub := a.subscribe(t, a.vwT, `subscription($m: ID!) { queueEvents(modelId: $m, afterSeq: 0) { type item { assignedTo { name } } } }`,
			map[string]any{"m": a.modelID})
		claimed := func() string {
			t.Helper()
			a.claim(t, a.sciT)
			for {
				var e struct {
					QueueEvents struct {
						Type string
						Item *struct{ AssignedTo *struct{ Name string } }
					}
				}
				sub.next(t, &e)
				if e.QueueEvents.Type != "item_claimed" {
					continue
				}
				if e.QueueEvents.Item == nil || e.QueueEvents.Item.AssignedTo == nil {
					t.Fatalf("claim event without its assignee: %+v", e)
				}
				return e.QueueEvents.Item.AssignedTo.Name
			}
		}
		if got := claimed(); got != a.sci.Name {
			t.Fatalf("first claim shows %q, want %q", got, a.sci.Name)
		}
		renamed := a.sci.Name + " (renamed)"
		if _, err := a.srv.Auth().UpdateUser(context.Background(), a.admin, auth.UserUpdate{ID: a.sci.ID, Name: &renamed}); err != nil {
			t.Fatal(err)
		}
		if got := claimed(); got != renamed {
			t.Fatalf("claim after the rename shows %q, want %q", got, renamed)
		}
	})
}
