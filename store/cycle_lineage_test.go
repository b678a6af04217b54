package store_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestCyclesByLineage checks cycles across versions of a lineage, the next
// cycle number (from cycles and from queue batches), CycleByNumber and
// UpdateCycle's version check.
func TestCyclesByLineage(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 0)
		lineage := f.v1.ID
		if n, err := st.NextCycleNumber(ctx, lineage); err != nil || n != 1 {
			t.Fatalf("NextCycleNumber(empty) = %d, %v; want 1", n, err)
		}
		c1 := &store.ActiveLearningCycle{ModelID: f.v1.ID, CycleNumber: 1, SelectionStrategy: "uncertainty", BatchSize: 5}
		c2 := &store.ActiveLearningCycle{ModelID: f.v2.ID, CycleNumber: 2, SelectionStrategy: "random", BatchSize: 5}
		for _, c := range []*store.ActiveLearningCycle{c2, c1} {
			if err := st.CreateCycle(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		other := storetest.Model(ctx, t, st, nil)
		if err := st.CreateCycle(ctx, &store.ActiveLearningCycle{ModelID: other.ID, CycleNumber: 7, SelectionStrategy: "random", BatchSize: 1}); err != nil {
			t.Fatal(err)
		}
		cs, err := st.CyclesByLineage(ctx, lineage)
		if err != nil || len(cs) != 2 || cs[0].ID != c1.ID || cs[1].ID != c2.ID {
			t.Errorf("CyclesByLineage = %v, %v; want [c1 c2]", cs, err)
		}
		if n, err := st.NextCycleNumber(ctx, lineage); err != nil || n != 3 {
			t.Errorf("NextCycleNumber = %d, %v; want 3", n, err)
		}
		// A queue batch without a cycle counts too (cycle_number = selection_batch).
		c := storetest.Compound(ctx, t, st, nil)
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{{CompoundID: c.ID, ModelID: f.v2.ID, SelectionStrategy: "random", SelectionBatch: 4}}); err != nil {
			t.Fatal(err)
		}
		if n, err := st.NextCycleNumber(ctx, lineage); err != nil || n != 5 {
			t.Errorf("NextCycleNumber after batch 4 = %d, %v; want 5", n, err)
		}
		if got, err := st.CycleByNumber(ctx, lineage, 2); err != nil || got.ID != c2.ID {
			t.Errorf("CycleByNumber(2) = %v, %v", got, err)
		}
		if _, err := st.CycleByNumber(ctx, lineage, 7); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CycleByNumber(another lineage's number) = %v, want ErrNotFound", err)
		}
		// UpdateCycle: the first writer wins, a stale one is ErrConflict.
		a, err := st.Cycle(ctx, c1.ID)
		if err != nil {
			t.Fatal(err)
		}
		b := *a
		done := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
		a.Status, a.ItemsLabeled, a.MetricsAfter, a.CompletedAt = store.CycleComplete, 5, json.RawMessage(`{"rmse":0.5}`), &done
		if err := st.UpdateCycle(ctx, a); err != nil || a.Version != 2 {
			t.Fatalf("UpdateCycle = %v, version %d", err, a.Version)
		}
		b.Status, b.Error = store.CycleFailed, "stale"
		if err := st.UpdateCycle(ctx, &b); !errors.Is(err, store.ErrConflict) {
			t.Errorf("stale UpdateCycle = %v, want ErrConflict", err)
		}
		got, err := st.Cycle(ctx, c1.ID)
		if err != nil || got.Status != store.CycleComplete || got.ItemsLabeled != 5 || got.Error != "" || !got.CompletedAt.Equal(done) || got.Version != 2 {
			t.Errorf("cycle after conflict = %+v, %v", got, err)
		}
		ghost := *got
		ghost.ID = ident.New()
		if err := st.UpdateCycle(ctx, &ghost); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateCycle(unknown) = %v, want ErrNotFound", err)
		}
		got.Status = "paused"
		if err := st.UpdateCycle(ctx, got); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("UpdateCycle(bad status) = %v, want ErrInvalid", err)
		}
	})
}
