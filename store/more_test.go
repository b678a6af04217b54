package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestActivateVersion checks that activating a new version supersedes the
// old one in the same transaction, and UpdateMLModel's outcome columns.
func TestActivateVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		v1 := storetest.Model(ctx, t, st, &store.MLModel{Status: store.ModelActive})
		v2 := storetest.Model(ctx, t, st, &store.MLModel{Name: v1.Name, Version: 2, ParentID: &v1.ID})
		v2.Artifact, v2.Metrics, v2.TrainingSize, v2.TrainedLabels = []byte{1, 2, 3}, json.RawMessage(`{"rmse":1}`), 42, 7
		if err := st.UpdateMLModel(ctx, v2); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		old, err := st.ActivateVersion(ctx, v2.ID, at)
		if err != nil || old != v1.ID {
			t.Fatalf("ActivateVersion = %d, %v; want %d superseded", old, err, v1.ID)
		}
		got, err := st.ActiveVersionByLineage(ctx, v1.ID)
		if err != nil || got.ID != v2.ID || got.TrainingSize != 42 || got.TrainedLabels != 7 || !slices.Equal(got.Artifact, []byte{1, 2, 3}) || !got.ActivatedAt.Equal(at) {
			t.Errorf("active version = %+v, %v", got, err)
		}
		if m, err := st.ModelVersion(ctx, v1.ID); err != nil || m.Status != store.ModelSuperseded {
			t.Errorf("old version = %+v, %v; want superseded", m, err)
		}
		if old, err := st.ActivateVersion(ctx, v2.ID, at); err != nil || old != store.NilID {
			t.Errorf("ActivateVersion again = %d, %v; want 0, nil", old, err)
		}
		v1.Status = store.ModelActive // a second active version: the database refuses
		if err := st.UpdateMLModel(ctx, v1); !errors.Is(err, store.ErrConflict) {
			t.Errorf("UpdateMLModel(second active) = %v, want ErrConflict", err)
		}
		if _, err := st.ActivateVersion(ctx, ident.New(), at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ActivateVersion(unknown) = %v, want ErrNotFound", err)
		}
	})
}

// TestBumpCycleCountsConcurrent bumps one cycle's counts from 20 goroutines:
// none is lost.
func TestBumpCycleCountsConcurrent(t *testing.T) {
	const n = 20
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := storetest.Model(ctx, t, st, nil)
		c := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 1, SelectionStrategy: "random", BatchSize: n}
		if err := st.CreateCycle(ctx, c); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if err := st.BumpCycleCounts(ctx, c.ID, 1-i%2, i%2); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := st.Cycle(ctx, c.ID)
		if err != nil || got.ItemsLabeled != n/2 || got.ItemsSkipped != n/2 || got.Version != 1+n {
			t.Errorf("cycle = %+v, %v; want %d labeled, %d skipped, version %d", got, err, n/2, n/2, 1+n)
		}
		if err := st.BumpCycleCounts(ctx, ident.New(), 1, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("BumpCycleCounts(unknown) = %v, want ErrNotFound", err)
		}
	})
}

// TestQueuedCompoundsAndSetMembers checks QueuedCompoundIDs (by status and
// selection batch through QueueFilter) and SetMemberIDs in a transaction.
func TestQueuedCompoundsAndSetMembers(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 3)
		it := f.items[1]
		it.Status = store.QueueSkipped
		if err := st.UpdateQueueItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		got, err := st.QueuedCompoundIDs(ctx, store.QueueFilter{ModelIDs: f.versions(), Statuses: []store.QueueStatus{store.QueuePending, store.QueueLabeled}})
		want := []store.ID{f.items[0].CompoundID, f.items[2].CompoundID}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("QueuedCompoundIDs = %v, %v; want %v", got, err, want)
		}
		if n, err := st.CountQueue(ctx, store.QueueFilter{ModelIDs: f.versions(), SelectionBatch: 2}); err != nil || n != 0 {
			t.Errorf("count of batch 2 = %d, %v; want 0", n, err)
		}
		if n, err := st.CountQueue(ctx, store.QueueFilter{ModelIDs: f.versions(), SelectionBatch: 1}); err != nil || n != 3 {
			t.Errorf("count of batch 1 = %d, %v; want 3", n, err)
		}
		set := &store.CompoundSet{Name: "s", Kind: store.SetList}
		if err := st.CreateCompoundSet(ctx, set); err != nil {
			t.Fatal(err)
		}
		ids := []store.ID{f.items[2].CompoundID, f.items[0].CompoundID}
		if err := st.AddCompoundSetMembers(ctx, set.ID, ids); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(ids, ident.Compare)
		if got, err := st.CompoundSetMemberIDs(ctx, set.ID); err != nil || !slices.Equal(got, ids) {
			t.Errorf("SetMemberIDs = %v, %v; want %v", got, err, ids)
		}
	})
}
