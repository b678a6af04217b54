package store_test

import (
	"slices"
	"testing"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestSelectionShards: shards are saved once each (a retried save changes
// nothing), counted after each save, read back in shard order with their
// candidates in order, and deleted together.
func TestSelectionShards(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := storetest.Model(ctx, t, st, nil)
		cycle := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 1, SelectionStrategy: "uncertainty", BatchSize: 5}
		if err := st.CreateCycle(ctx, cycle); err != nil {
			t.Fatal(err)
		}
		c10, c20, c30, c5, c99 := ident.New(), ident.New(), ident.New(), ident.New(), ident.New()
		for i, sh := range []*store.SelectionShard{
			{CycleID: cycle.ID, Shard: 1, CompoundIDs: []store.ID{c30, c10, c20}},
			{CycleID: cycle.ID, Shard: 0, CompoundIDs: []store.ID{c5}},
			{CycleID: cycle.ID, Shard: 1, CompoundIDs: []store.ID{c99}}, // a retry: ignored
			{CycleID: cycle.ID, Shard: 2},
		} {
			n, err := st.SaveSelectionShard(ctx, sh)
			if err != nil {
				t.Fatal(err)
			}
			if want := []int{1, 2, 2, 3}[i]; n != want {
				t.Errorf("save %d: %d shards stored, want %d", i, n, want)
			}
		}
		got, err := st.SelectionShards(ctx, cycle.ID)
		if err != nil || len(got) != 3 {
			t.Fatalf("shards: %v, %v", got, err)
		}
		if got[0].Shard != 0 || !slices.Equal(got[1].CompoundIDs, []store.ID{c30, c10, c20}) || got[2].CompoundIDs == nil || len(got[2].CompoundIDs) != 0 {
			t.Errorf("shards %+v %+v %+v", got[0], got[1], got[2])
		}
		if err := st.DeleteSelectionShards(ctx, cycle.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.SelectionShards(ctx, cycle.ID); len(got) != 0 {
			t.Errorf("after delete: %v", got)
		}
	})
}
