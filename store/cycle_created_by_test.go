package store_test

import (
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

// TestCycleCreatedBy checks that a cycle keeps who started it (created_by):
// written by CreateCycle, read back by Cycle and CyclesByLineage, left alone
// by UpdateCycle, and nil for a cycle nobody in particular started.
func TestCycleCreatedBy(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 0)
		u := storetest.User(ctx, t, st, nil)
		mine := &store.ActiveLearningCycle{ModelID: f.v1.ID, CycleNumber: 1, SelectionStrategy: "random", BatchSize: 5, CreatedBy: &u.ID}
		nobody := &store.ActiveLearningCycle{ModelID: f.v1.ID, CycleNumber: 2, SelectionStrategy: "random", BatchSize: 5}
		for _, c := range []*store.ActiveLearningCycle{mine, nobody} {
			if err := st.CreateCycle(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Cycle(ctx, mine.ID)
		if err != nil || got.CreatedBy == nil || *got.CreatedBy != u.ID {
			t.Fatalf("Cycle(mine).CreatedBy = %v, %v; want %v", got.CreatedBy, err, u.ID)
		}
		got.Status, got.ItemsLabeled = store.CycleComplete, 5
		if err := st.UpdateCycle(ctx, got); err != nil {
			t.Fatal(err)
		}
		cs, err := st.CyclesByLineage(ctx, f.v1.ID)
		if err != nil || len(cs) != 2 {
			t.Fatalf("CyclesByLineage = %v, %v", cs, err)
		}
		if cs[0].CreatedBy == nil || *cs[0].CreatedBy != u.ID || cs[0].Status != store.CycleComplete {
			t.Errorf("cycle 1 after UpdateCycle: status %s, created by %v; want complete, %v", cs[0].Status, cs[0].CreatedBy, u.ID)
		}
		if cs[1].CreatedBy != nil {
			t.Errorf("cycle 2 created by %v, want nil", *cs[1].CreatedBy)
		}
	})
}
