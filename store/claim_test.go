package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// queueFixture is a lineage of two versions with n pending items spread over
// them, priorities 0..n/2 (two items share each priority: the ID breaks ties).
type queueFixture struct {
	v1, v2 *store.MLModel
	items  []*store.LabelQueueItem
}

func newQueueFixture(ctx context.Context, t *testing.T, st *store.Store, n int) *queueFixture {
	t.Helper()
	v1 := storetest.Model(ctx, t, st, &store.MLModel{Status: store.ModelSuperseded})
	v2 := storetest.Model(ctx, t, st, &store.MLModel{Name: v1.Name, Version: 2, ParentID: &v1.ID, Status: store.ModelActive})
	f := &queueFixture{v1: v1, v2: v2}
	for i := range n {
		c := storetest.Compound(ctx, t, st, nil)
		m := v1
		if i%2 == 1 {
			m = v2
		}
		f.items = append(f.items, &store.LabelQueueItem{CompoundID: c.ID, ModelID: m.ID, SelectionStrategy: "uncertainty",
			SelectionBatch: 1, PriorityScore: float64(i / 2)})
	}
	if err := st.CreateQueueItems(ctx, f.items); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *queueFixture) versions() []store.ID { return []store.ID{f.v1.ID, f.v2.ID} }

// TestClaimNextItemConcurrent runs 50 claimers on one queue until it is
// empty: every item is claimed by exactly one of them, each claim is
// in_progress with the claimer, lease and a new version.
func TestClaimNextItemConcurrent(t *testing.T) {
	const claimers, items = 50, 150
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, items)
		users := make([]*store.User, claimers)
		for i := range users {
			users[i] = storetest.User(ctx, t, st, nil)
		}
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		lease := now.Add(15 * time.Minute)
		var mu sync.Mutex
		claimedBy := map[store.ID][]store.ID{}
		var wg sync.WaitGroup
		errs := make(chan error, claimers)
		for _, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					var c *store.Claim
					// Half the claimers claim inside their own transaction
					// (as the service does, to write the event with it).
					var err error
					if u.ID[15]%2 == 0 {
						err = st.InTx(ctx, func(tx *store.Tx) error {
							c, err = tx.ClaimNextItem(ctx, f.versions(), u.ID, now, lease)
							return err
						})
					} else {
						c, err = st.ClaimNextItem(ctx, f.versions(), u.ID, now, lease)
					}
					if err != nil {
						errs <- err
						return
					}
					if c == nil {
						return
					}
					it := c.Item
					if it.Status != store.QueueInProgress || it.AssignedTo == nil || *it.AssignedTo != u.ID || it.Version != 2 ||
						it.LeaseExpiresAt == nil || !it.LeaseExpiresAt.Equal(lease) || c.PrevStatus != store.QueuePending || c.Reclaimed() {
						errs <- errors.New("claim has wrong fields")
						return
					}
					mu.Lock()
					claimedBy[it.ID] = append(claimedBy[it.ID], u.ID)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(claimedBy) != items {
			t.Errorf("%d items claimed, want %d", len(claimedBy), items)
		}
		for id, us := range claimedBy {
			if len(us) != 1 {
				t.Errorf("item %d claimed by %v, want exactly one claimer", id, us)
			}
		}
		counts, err := st.CountQueueByStatus(ctx, store.QueueFilter{ModelIDs: f.versions()})
		if err != nil || counts[store.QueueInProgress] != items || counts[store.QueuePending] != 0 {
			t.Errorf("CountQueueByStatus = %v, %v", counts, err)
		}
	})
}

// TestClaimNextItemRules checks the order (priority, then ID), assignment
// (a pending item assigned to someone else is theirs), expired leases
// (reclaimable after they lapse, reporting the previous holder) and the
// empty queue.
func TestClaimNextItemRules(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 4) // priorities 0,0,1,1
		alice := storetest.User(ctx, t, st, nil)
		bob := storetest.User(ctx, t, st, nil)
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		lease := now.Add(time.Minute)
		// Item 2 (priority 1, lower id of the two) is assigned to bob.
		assigned := f.items[2]
		assigned.AssignedTo = &bob.ID
		if err := st.UpdateQueueItem(ctx, assigned); err != nil {
			t.Fatal(err)
		}
		c, err := st.ClaimNextItem(ctx, f.versions(), alice.ID, now, lease)
		if err != nil || c == nil || c.Item.ID != f.items[3].ID {
			t.Fatalf("alice's first claim = %+v, %v; want item %d (priority 1, bob's item skipped)", c, err, f.items[3].ID)
		}
		c, err = st.ClaimNextItem(ctx, f.versions(), bob.ID, now, lease)
		if err != nil || c == nil || c.Item.ID != assigned.ID || c.PrevAssignedTo == nil || *c.PrevAssignedTo != bob.ID {
			t.Fatalf("bob's claim = %+v, %v; want his assigned item %d", c, err, assigned.ID)
		}
		c, err = st.ClaimNextItem(ctx, f.versions(), alice.ID, now, lease)
		if err != nil || c == nil || c.Item.ID != f.items[0].ID {
			t.Fatalf("alice's second claim = %+v, %v; want item %d (tie at priority 0: lower id)", c, err, f.items[0].ID)
		}
		if _, err := st.ClaimNextItem(ctx, f.versions(), alice.ID, now, lease); err != nil {
			t.Fatal(err)
		}
		if c, err := st.ClaimNextItem(ctx, f.versions(), alice.ID, now, lease); err != nil || c != nil {
			t.Fatalf("claim on an empty queue = %+v, %v; want nil, nil", c, err)
		}
		// At the lease's end nothing is reclaimable yet (expired means before now).
		if c, err := st.ClaimNextItem(ctx, f.versions(), bob.ID, lease, lease.Add(time.Minute)); err != nil || c != nil {
			t.Fatalf("claim at lease end = %+v, %v; want nil", c, err)
		}
		later := lease.Add(time.Second)
		// Every lease has lapsed; the first by order is bob's item (priority
		// 1, lower id), now open to alice.
		c, err = st.ClaimNextItem(ctx, f.versions(), alice.ID, later, later.Add(time.Minute))
		if err != nil || c == nil || !c.Reclaimed() || c.Item.ID != assigned.ID || *c.PrevAssignedTo != bob.ID ||
			*c.Item.AssignedTo != alice.ID || c.Item.Version != 4 || !c.Item.AssignedAt.Equal(later) {
			t.Fatalf("reclaim = %+v, %v; want item %d taken over from bob", c, err, assigned.ID)
		}
		if c, err := st.ClaimNextItem(ctx, nil, bob.ID, now, lease); err != nil || c != nil {
			t.Errorf("claim with no models = %+v, %v; want nil, nil", c, err)
		}
		if _, err := st.ClaimNextItem(ctx, f.versions(), bob.ID, now, now); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("claim with an empty lease = %v, want ErrInvalid", err)
		}
	})
}

// TestUpdateQueueItemVersion checks optimistic concurrency: a stale version
// is ErrConflict and writes nothing; an unknown item is ErrNotFound.
func TestUpdateQueueItemVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 1)
		u := storetest.User(ctx, t, st, nil)
		a, err := st.QueueItem(ctx, f.items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		b := *a
		a.Status, a.Label, a.LabeledBy, a.LabelSource = store.QueueLabeled, ptr(-1.25), &u.ID, ptr(store.SourceLiterature)
		if err := st.UpdateQueueItem(ctx, a); err != nil || a.Version != 2 {
			t.Fatalf("UpdateQueueItem = %v, version %d; want nil, 2", err, a.Version)
		}
		b.Status, b.SkipReason = store.QueueSkipped, "stale writer"
		if err := st.UpdateQueueItem(ctx, &b); !errors.Is(err, store.ErrConflict) {
			t.Errorf("stale UpdateQueueItem = %v, want ErrConflict", err)
		}
		got, err := st.QueueItem(ctx, a.ID)
		if err != nil || got.Status != store.QueueLabeled || *got.Label != -1.25 || got.SkipReason != "" || got.Version != 2 || *got.LabelSource != store.SourceLiterature {
			t.Errorf("after conflict: %+v, %v; want the first writer's row", got, err)
		}
		if err := st.RenewItemLease(ctx, a.ID, 2, time.Now().Add(time.Hour), time.Now()); err != nil {
			t.Errorf("RenewItemLease at version 2 = %v", err)
		}
		if err := st.RenewItemLease(ctx, a.ID, 2, time.Now().Add(time.Hour), time.Now()); !errors.Is(err, store.ErrConflict) {
			t.Errorf("stale RenewItemLease = %v, want ErrConflict", err)
		}
		if got, _ := st.QueueItem(ctx, a.ID); got == nil || got.Version != 3 {
			t.Errorf("after RenewItemLease: %+v, want version 3", got)
		}
		ghost := *got
		ghost.ID = ident.New()
		if err := st.UpdateQueueItem(ctx, &ghost); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateQueueItem(unknown) = %v, want ErrNotFound", err)
		}
		got.Status = "done"
		if err := st.UpdateQueueItem(ctx, got); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("UpdateQueueItem(bad status) = %v, want ErrInvalid", err)
		}
	})
}
