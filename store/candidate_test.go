package store_test

import (
	"errors"
	"testing"
	"time"

	"activelab/store"
	"activelab/store/storetest"
)

// TestModelCandidate checks the candidate status (issue 11, part 3): a
// candidate is stored beside the active version (the one-active index does
// not count it), keeps its metrics, is activated by ActivateVersion (which
// supersedes the active one), and the database still refuses a second
// active version. The lineage's promotion tolerance and a cycle's promotion
// note round-trip.
func TestModelCandidate(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		tol := 0.05
		v1 := storetest.Model(ctx, t, st, &store.MLModel{Status: store.ModelActive, PromotionTolerance: &tol})
		v2 := storetest.Model(ctx, t, st, &store.MLModel{Name: v1.Name, Version: 2, ParentID: &v1.ID,
			Status: store.ModelCandidate, Metrics: []byte(`{"rmse": 4563}`)})
		got, err := st.ModelVersion(ctx, v1.ID)
		if err != nil || got.PromotionTolerance == nil || *got.PromotionTolerance != tol {
			t.Fatalf("version 1 tolerance = %+v, %v; want %g", got, err, tol)
		}
		got, err = st.ModelVersion(ctx, v2.ID)
		if err != nil || got.Status != store.ModelCandidate || string(got.Metrics) == "" || got.ActivatedAt != nil {
			t.Fatalf("candidate = %+v, %v", got, err)
		}
		if got.PromotionTolerance != nil {
			t.Errorf("candidate tolerance = %v, want nil (the lineage's is on version 1)", *got.PromotionTolerance)
		}
		if act, err := st.ActiveMLModel(ctx, v1.Name); err != nil || act.ID != v1.ID {
			t.Fatalf("active = %+v, %v; want version 1", act, err)
		}
		// A second active version is still refused by the database.
		if err := st.SetMLModelStatus(ctx, v2.ID, store.ModelActive); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("activate candidate beside the active version: %v, want ErrConflict", err)
		}
		at := time.Date(2026, 12, 6, 4, 30, 0, 0, time.UTC)
		var superseded store.ID
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			superseded, err = tx.ActivateVersion(ctx, v2.ID, at)
			return err
		}); err != nil || superseded != v1.ID {
			t.Fatalf("ActivateVersion(candidate) = %d, %v; want %d superseded", superseded, err, v1.ID)
		}
		vs, err := st.ModelVersions(ctx, v1.LineageID)
		if err != nil || vs[0].Status != store.ModelSuperseded || vs[1].Status != store.ModelActive ||
			vs[1].ActivatedAt == nil || !vs[1].ActivatedAt.Equal(at) {
			t.Fatalf("after promotion: %+v, %+v, %v", vs[0], vs[1], err)
		}
		// Cycle's promotion note.
		c := &store.ActiveLearningCycle{ModelID: v2.ID, CycleNumber: 1, SelectionStrategy: "random", BatchSize: 1}
		if err := st.CreateCycle(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := st.CompleteCycle(ctx, c.ID, store.CycleResult{MetricsBefore: []byte(`{"rmse": 0.62}`), MetricsAfter: []byte(`{"rmse": 4563}`), At: at, PromotionNote: "version 2 kept as a candidate"}); err != nil {
			t.Fatal(err)
		}
		if c2, err := st.Cycle(ctx, c.ID); err != nil || c2.PromotionNote != "version 2 kept as a candidate" {
			t.Fatalf("cycle note = %q, %v", c2.PromotionNote, err)
		}
	})
}

// TestLastCycleActor: the most recent event of a type on a cycle that has
// an actor; 0 when there is none.
func TestLastCycleActor(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		a := storetest.User(ctx, t, st, nil)
		b := storetest.User(ctx, t, st, nil)
		m := storetest.Model(ctx, t, st, &store.MLModel{Status: store.ModelActive})
		c := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 1, SelectionStrategy: "random", BatchSize: 1}
		if err := st.CreateCycle(ctx, c); err != nil {
			t.Fatal(err)
		}
		other := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 2, SelectionStrategy: "random", BatchSize: 1}
		if err := st.CreateCycle(ctx, other); err != nil {
			t.Fatal(err)
		}
		if got, err := st.LastCycleActor(ctx, c.ID, "cycle_updated"); err != nil || got != store.NilID {
			t.Fatalf("no events: %d, %v", got, err)
		}
		for _, e := range []*store.Event{
			{Type: "cycle_updated", CycleID: &c.ID, ActorID: &a.ID},
			{Type: "cycle_updated", CycleID: &c.ID, ActorID: &b.ID},
			{Type: "cycle_updated", CycleID: &c.ID},                     // no actor (a job)
			{Type: "item_labeled", CycleID: &c.ID, ActorID: &a.ID},      // another type
			{Type: "cycle_updated", CycleID: &other.ID, ActorID: &a.ID}, // another cycle
		} {
			if err := st.AppendEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := st.LastCycleActor(ctx, c.ID, "cycle_updated"); err != nil || got != b.ID {
			t.Errorf("LastCycleActor = %d, %v; want %d", got, err, b.ID)
		}
	})
}
