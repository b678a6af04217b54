package store_test

import (
	"testing"
	"time"

	"activelab/store"
	"activelab/store/storetest"
)

// TestClaimNextItemAssignedFirst checks the claim order: the claimer's own
// pending items first (by priority, then id) even when unassigned items
// rank higher, then unassigned items by priority desc and id; an item
// assigned to someone else is never handed out.
func TestClaimNextItemAssignedFirst(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 6) // priorities 0,0,1,1,2,2
		alice := storetest.User(ctx, t, st, nil)
		bob := storetest.User(ctx, t, st, nil)
		assign := func(i int, u *store.User) {
			t.Helper()
			f.items[i].AssignedTo = &u.ID
			if err := st.UpdateQueueItem(ctx, f.items[i]); err != nil {
				t.Fatal(err)
			}
		}
		assign(0, alice) // priority 0
		assign(2, alice) // priority 1
		assign(4, bob)   // priority 2, the top of the queue
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		lease := now.Add(time.Minute)
		want := []int{2, 0, 5, 3, 1} // alice's own by priority, then unassigned by priority and id
		for n, i := range want {
			c, err := st.ClaimNextItem(ctx, f.versions(), alice.ID, now, lease)
			if err != nil || c == nil || c.Item.ID != f.items[i].ID {
				t.Fatalf("alice's claim %d = %+v, %v; want item %d (index %d)", n+1, c, err, f.items[i].ID, i)
			}
			if *c.Item.AssignedTo != alice.ID || c.Item.Status != store.QueueInProgress {
				t.Fatalf("claim %d: %+v, want in progress for alice", n+1, c.Item)
			}
		}
		if c, err := st.ClaimNextItem(ctx, f.versions(), alice.ID, now, lease); err != nil || c != nil {
			t.Fatalf("alice's claim with only bob's item left = %+v, %v; want nil, nil", c, err)
		}
		c, err := st.ClaimNextItem(ctx, f.versions(), bob.ID, now, lease)
		if err != nil || c == nil || c.Item.ID != f.items[4].ID || c.PrevAssignedTo == nil || *c.PrevAssignedTo != bob.ID {
			t.Fatalf("bob's claim = %+v, %v; want his item %d", c, err, f.items[4].ID)
		}
	})
}
