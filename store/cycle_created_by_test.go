package store_test

import (
	"testing"
	"time"

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

// TestCycleCreatedByBackfill checks the migration that adds created_by: a
// cycle started before it gets the actor of its cycle_started event, when
// that actor is a user; otherwise it stays NULL. The test rewinds the one
// migration (dropping the column and its bun_migrations row) and applies it
// again over rows written without it.
func TestCycleCreatedByBackfill(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 0)
		u := storetest.User(ctx, t, st, nil)
		var cycles [3]*store.ActiveLearningCycle
		for i := range cycles {
			cycles[i] = &store.ActiveLearningCycle{ModelID: f.v1.ID, CycleNumber: i + 1, SelectionStrategy: "random", BatchSize: 5}
			if err := st.CreateCycle(ctx, cycles[i]); err != nil {
				t.Fatal(err)
			}
		}
		gone := storetest.User(ctx, t, st, nil) // an actor whose user row is deleted below
		actors := []*int64{&u.ID, &gone.ID, nil}
		now := time.Now().UTC()
		for i, c := range cycles {
			e := &store.Event{Type: "cycle_started", ModelID: &f.v1.ID, CycleID: &c.ID, ActorID: actors[i], CreatedAt: now}
			if err := st.AppendEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		db := st.DB()
		if _, err := db.NewDelete().Model((*store.User)(nil)).Where("id = ?", gone.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "ALTER TABLE active_learning_cycles DROP COLUMN created_by"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "DELETE FROM bun_migrations WHERE name = '20261207000500'"); err != nil {
			t.Fatal(err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		want := []*int64{&u.ID, nil, nil}
		for i, c := range cycles {
			got, err := st.Cycle(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case want[i] == nil && got.CreatedBy != nil:
				t.Errorf("cycle %d (actor %v) created by %d after the migration, want NULL", i+1, actors[i], *got.CreatedBy)
			case want[i] != nil && (got.CreatedBy == nil || *got.CreatedBy != *want[i]):
				t.Errorf("cycle %d created by %v after the migration, want %d", i+1, got.CreatedBy, *want[i])
			}
		}
	})
}
