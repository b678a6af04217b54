package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

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

// TestCancelSelectingCycle: a selecting cycle is cancelled with its
// reason and end time and its stored shards are gone; once cancelled it
// cannot be opened for labeling (a selection that finishes late rolls
// back) nor cancelled again; a cycle that already left selecting is not
// cancelled; an unknown cycle is not found.
func TestCancelSelectingCycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := storetest.Model(ctx, t, st, nil)
		sel := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 1, SelectionStrategy: "uncertainty", BatchSize: 5}
		lab := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 2, SelectionStrategy: "uncertainty", BatchSize: 5, Status: store.CycleLabeling}
		for _, c := range []*store.ActiveLearningCycle{sel, lab} {
			if err := st.CreateCycle(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.SaveSelectionShard(ctx, &store.SelectionShard{CycleID: sel.ID, Shard: 0, CompoundIDs: []store.ID{ident.New()}}); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
		ok, err := st.CancelSelectingCycle(ctx, sel.ID, "select_samples job 7 cancelled by admin Ada", at)
		if err != nil || !ok {
			t.Fatalf("CancelSelectingCycle = %v, %v; want true", ok, err)
		}
		got, err := st.Cycle(ctx, sel.ID)
		if err != nil || got.Status != store.CycleCancelled || got.Error != "select_samples job 7 cancelled by admin Ada" ||
			got.CompletedAt == nil || !got.CompletedAt.Equal(at) || got.Version != sel.Version+1 {
			t.Errorf("cancelled cycle = %+v, %v", got, err)
		}
		if sh, err := st.SelectionShards(ctx, sel.ID); err != nil || len(sh) != 0 {
			t.Errorf("shards after the cancel: %v, %v", sh, err)
		}
		if ok, err := st.CancelSelectingCycle(ctx, sel.ID, "again", at); err != nil || ok {
			t.Errorf("cancel again = %v, %v; want false", ok, err)
		}
		err = st.InTx(ctx, func(tx *store.Tx) error { return tx.OpenCycleForLabeling(ctx, sel.ID, 3) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("OpenCycleForLabeling(cancelled) = %v; want ErrConflict", err)
		}
		if got, _ := st.Cycle(ctx, sel.ID); got.Status != store.CycleCancelled || got.ItemsSelected != 0 {
			t.Errorf("after a late open: %+v", got)
		}
		if ok, err := st.CancelSelectingCycle(ctx, lab.ID, "late", at); err != nil || ok {
			t.Errorf("cancel a labeling cycle = %v, %v; want false", ok, err)
		}
		if got, _ := st.Cycle(ctx, lab.ID); got.Status != store.CycleLabeling || got.Error != "" {
			t.Errorf("labeling cycle after a cancel: %+v", got)
		}
		if _, err := st.CancelSelectingCycle(ctx, ident.New(), "x", at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cancel an unknown cycle = %v; want ErrNotFound", err)
		}
	})
}
