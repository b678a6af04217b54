package graph

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"activelab/activelearning"
	"activelab/graph/model"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestQueueEventItemReadOncePerEvent checks that the subscribers of one
// queue event share one read of its item (issue 15: one read per event per
// subscriber before), that another event reads again (and sees the item's
// new state), and that a missing item is null.
func TestQueueEventItemReadOncePerEvent(t *testing.T) {
	const subscribers = 200
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st := open(t)
			ctx := t.Context()
			m := storetest.Model(ctx, t, st, nil)
			c := storetest.Compound(ctx, t, st, nil)
			it := &store.LabelQueueItem{CompoundID: c.ID, ModelID: m.ID, SelectionStrategy: "uncertainty", SelectionBatch: 1, PriorityScore: 0.5}
			if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{it}); err != nil {
				t.Fatal(err)
			}
			var reads atomic.Int64
			st.OnQuery(func(string) { reads.Add(1) })
			r := &queueEventResolver{&Resolver{Svc: activelearning.New(st, nil, activelearning.Config{}, nil)}}

			deliver := func(seq int, itemID store.ID) []*store.LabelQueueItem {
				got := make([]*store.LabelQueueItem, subscribers)
				var wg sync.WaitGroup
				for i := range got {
					wg.Go(func() {
						var err error
						got[i], err = r.Item(context.Background(), &model.QueueEvent{Seq: seq, ItemID: &itemID})
						if err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
				return got
			}
			for _, g := range deliver(7, it.ID) {
				if g == nil || g.ID != it.ID || g.Status != store.QueuePending {
					t.Fatalf("item of event 7 = %+v, want item %d pending", g, it.ID)
				}
			}
			if n := reads.Swap(0); n != 1 {
				t.Errorf("%d subscribers of one event made %d reads; want 1", subscribers, n)
			}
			now := it.CreatedAt
			if _, err := st.ClaimNextItem(ctx, []store.ID{m.ID}, storetest.User(ctx, t, st, nil).ID, now, now.Add(60e9)); err != nil {
				t.Fatal(err)
			}
			reads.Store(0)
			for _, g := range deliver(8, it.ID) {
				if g == nil || g.Status != store.QueueInProgress {
					t.Fatalf("item of event 8 = %+v, want it in progress", g)
				}
			}
			if n := reads.Swap(0); n != 1 {
				t.Errorf("event 8: %d reads; want 1", n)
			}
			for _, g := range deliver(9, ident.New()) {
				if g != nil {
					t.Fatalf("missing item = %+v, want nil", g)
				}
			}
		})
	}
}
