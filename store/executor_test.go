package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestInTxEmit checks that a transaction's events are written at its end,
// in order, only when it commits, and announced once after the commit.
func TestInTxEmit(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		var announced atomic.Int32
		st.OnEvents(func() { announced.Add(1) })
		m := storetest.Model(ctx, t, st, nil)
		err := st.InTx(ctx, func(tx *store.Tx) error {
			tx.Emit(&store.Event{Type: "first", ModelID: &m.ID})
			tx.Emit(&store.Event{Type: "second", ModelID: &m.ID, Payload: json.RawMessage(`{"n":2}`)})
			// Not yet written: a read in the transaction sees none.
			if evs, err := tx.EventsAfter(ctx, 0, &m.ID, 10); err != nil || len(evs) != 0 {
				t.Errorf("events inside the transaction before its end = %v, %v; want none", evs, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		evs, err := st.EventsAfter(ctx, 0, &m.ID, 10)
		if err != nil || len(evs) != 2 || evs[0].Type != "first" || evs[1].Type != "second" || evs[0].Seq >= evs[1].Seq ||
			string(evs[0].Payload) != "{}" {
			t.Fatalf("events after commit = %+v, %v", evs, err)
		}
		if n := announced.Load(); n != 1 {
			t.Errorf("announced %d times, want once", n)
		}
		// A rolled-back transaction writes and announces nothing.
		boom := errors.New("boom")
		err = st.InTx(ctx, func(tx *store.Tx) error {
			tx.Emit(&store.Event{Type: "lost", ModelID: &m.ID})
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		if evs, _ := st.EventsAfter(ctx, 0, &m.ID, 10); len(evs) != 2 || announced.Load() != 1 {
			t.Errorf("after rollback: %d events, announced %d; want 2 and 1", len(evs), announced.Load())
		}
		// A transaction without events announces nothing; a bad event
		// rolls the transaction back.
		if err := st.InTx(ctx, func(tx *store.Tx) error { return nil }); err != nil || announced.Load() != 1 {
			t.Errorf("empty InTx = %v, announced %d", err, announced.Load())
		}
		c := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 1, SelectionStrategy: "random", BatchSize: 5}
		err = st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCycle(ctx, c); err != nil {
				return err
			}
			tx.Emit(&store.Event{Type: "bad", Payload: json.RawMessage(`{`)})
			return nil
		})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("InTx with a bad event = %v, want ErrInvalid", err)
		}
		if cs, _ := st.CyclesByModel(ctx, m.ID); len(cs) != 0 {
			t.Errorf("the cycle of the rolled-back transaction exists: %+v", cs)
		}
	})
}

// TestCycleTransitions checks the cycle methods the service moves cycles
// with, in and out of a transaction.
func TestCycleTransitions(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := storetest.Model(ctx, t, st, nil)
		c := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 1, SelectionStrategy: "random", BatchSize: 5}
		if err := st.CreateCycle(ctx, c); err != nil {
			t.Fatal(err)
		}
		get := func() *store.ActiveLearningCycle {
			t.Helper()
			got, err := st.Cycle(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if err := st.SetCycleParams(ctx, c.ID, json.RawMessage(`{"shards":2}`)); err != nil {
			t.Fatal(err)
		}
		if err := st.SetCycleSelected(ctx, c.ID, 4); err != nil {
			t.Fatal(err)
		}
		if got := get(); !jsonEqual(got.Params, `{"shards":2}`) || got.ItemsSelected != 4 || got.Version != 2 {
			t.Errorf("after params and selected: %+v", got)
		}
		err := st.InTx(ctx, func(tx *store.Tx) error { return tx.OpenCycleForLabeling(ctx, c.ID, 3) })
		if got := get(); err != nil || got.Status != store.CycleLabeling || got.ItemsSelected != 3 || got.Version != 3 {
			t.Errorf("OpenCycleForLabeling = %v: %+v", err, got)
		}
		// Failing only applies to a training cycle.
		if failed, err := st.FailTrainingCycle(ctx, c.ID, "no"); err != nil || failed {
			t.Errorf("FailTrainingCycle(labeling) = %v, %v; want false", failed, err)
		}
		if err := st.StartCycleTraining(ctx, c.ID); err != nil || get().Status != store.CycleTraining {
			t.Errorf("StartCycleTraining = %v: %+v", err, get())
		}
		if failed, err := st.FailTrainingCycle(ctx, c.ID, "out of memory"); err != nil || !failed || get().Error != "out of memory" ||
			get().Status != store.CycleFailed {
			t.Errorf("FailTrainingCycle = %v, %v: %+v", failed, err, get())
		}
		if err := st.StartCycleTraining(ctx, c.ID); err != nil || get().Error != "" {
			t.Errorf("StartCycleTraining again = %v: %+v", err, get())
		}
		at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
		err = st.CompleteCycle(ctx, c.ID, store.CycleResult{MetricsBefore: json.RawMessage(`{"rmse":1}`),
			MetricsAfter: json.RawMessage(`{"rmse":0.5}`), Labeled: 3, Skipped: 1, At: at, VersionID: m.ID})
		got := get()
		if err != nil || got.Status != store.CycleComplete || got.ItemsLabeled != 3 || got.ItemsSkipped != 1 ||
			got.TrainedVersionID == nil || *got.TrainedVersionID != m.ID ||
			got.CompletedAt == nil || !got.CompletedAt.Equal(at) || !jsonEqual(got.MetricsAfter, `{"rmse":0.5}`) {
			t.Errorf("CompleteCycle = %v: %+v", err, got)
		}
		for name, err := range map[string]error{
			"StartCycleTraining":   st.StartCycleTraining(ctx, ident.New()),
			"OpenCycleForLabeling": st.OpenCycleForLabeling(ctx, ident.New(), 1),
			"SetCycleSelected":     st.SetCycleSelected(ctx, ident.New(), 1),
		} {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s(unknown) = %v, want ErrNotFound", name, err)
			}
		}
	})
}

// TestQueueItemChanges checks the named, optimistic item updates.
func TestQueueItemChanges(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 3)
		u := storetest.User(ctx, t, st, nil)
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		a, b, c := f.items[0], f.items[1], f.items[2]
		l := store.ItemLabel{Value: -2.5, Source: store.SourceLiterature, Confidence: store.ConfidenceMedium, Notes: "n", By: u.ID}
		if err := st.LabelItem(ctx, a.ID, a.Version, l, at); err != nil {
			t.Fatal(err)
		}
		got, _ := st.QueueItem(ctx, a.ID)
		if got.Status != store.QueueLabeled || *got.Label != -2.5 || *got.LabeledBy != u.ID || *got.AssignedTo != u.ID ||
			*got.LabelSource != store.SourceLiterature || got.Notes != "n" || !got.LabeledAt.Equal(at) || got.Version != a.Version+1 {
			t.Errorf("labeled item = %+v", got)
		}
		if err := st.LabelItem(ctx, a.ID, a.Version, l, at); !errors.Is(err, store.ErrConflict) {
			t.Errorf("LabelItem at a stale version = %v, want ErrConflict", err)
		}
		if err := st.LabelItem(ctx, b.ID, b.Version, store.ItemLabel{Source: "rumour", Confidence: store.ConfidenceHigh}, at); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("LabelItem with an unknown source = %v, want ErrInvalid", err)
		}
		if err := st.SkipQueueItem(ctx, b.ID, b.Version, u.ID, "salt", at); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.QueueItem(ctx, b.ID); got.Status != store.QueueSkipped || got.SkipReason != "salt" || *got.AssignedTo != u.ID {
			t.Errorf("skipped item = %+v", got)
		}
		if err := st.AssignQueueItem(ctx, c.ID, c.Version, u.ID, at); err != nil {
			t.Fatal(err)
		}
		got, _ = st.QueueItem(ctx, c.ID)
		if got.Status != store.QueuePending || *got.AssignedTo != u.ID || !got.AssignedAt.Equal(at) {
			t.Errorf("assigned item = %+v", got)
		}
		until := at.Add(time.Hour)
		if err := st.RenewItemLease(ctx, c.ID, got.Version, until, at); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.QueueItem(ctx, c.ID); got.LeaseExpiresAt == nil || !got.LeaseExpiresAt.Equal(until) {
			t.Errorf("renewed item = %+v", got)
		}
		// Claim one item, then hand it back.
		got, _ = st.QueueItem(ctx, c.ID)
		if err := st.ClaimItem(ctx, c.ID, got.Version, u.ID, at, until); err != nil {
			t.Fatal(err)
		}
		got, _ = st.QueueItem(ctx, c.ID)
		if got.Status != store.QueueInProgress || *got.AssignedTo != u.ID || !got.LeaseExpiresAt.Equal(until) {
			t.Errorf("claimed item = %+v", got)
		}
		if err := st.ReleaseItem(ctx, c.ID, got.Version, at); err != nil {
			t.Fatal(err)
		}
		got, _ = st.QueueItem(ctx, c.ID)
		if got.Status != store.QueuePending || got.AssignedTo != nil || got.LeaseExpiresAt != nil {
			t.Errorf("released item = %+v", got)
		}
		if err := st.ReleaseItem(ctx, c.ID, got.Version, at); !errors.Is(err, store.ErrConflict) {
			t.Errorf("releasing a pending item = %v, want ErrConflict", err)
		}
		if err := st.SkipQueueItem(ctx, ident.New(), 1, u.ID, "x", at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SkipQueueItem(unknown) = %v, want ErrNotFound", err)
		}
		// QueuedCompoundIDs by compound; OpenItems of both versions.
		ids, err := st.QueuedCompoundIDs(ctx, store.QueueFilter{ModelIDs: f.versions(), CompoundIDs: []store.ID{a.CompoundID, c.CompoundID}})
		want := []store.ID{a.CompoundID, c.CompoundID}
		slices.SortFunc(want, ident.Compare)
		if err != nil || !slices.Equal(ids, want) {
			t.Errorf("QueuedCompoundIDs(compounds) = %v, %v; want %v", ids, err, want)
		}
		open, err := st.OpenItems(ctx, f.versions())
		if err != nil || len(open) != 1 || open[0].ID != c.ID {
			t.Errorf("OpenItems = %+v, %v; want item %d", open, err, c.ID)
		}
	})
}

// TestCurrentVersions checks the lineage loader's query: the active
// version of each lineage, else its latest.
func TestCurrentVersions(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		v1 := storetest.Model(ctx, t, st, &store.MLModel{Status: store.ModelSuperseded})
		v2 := storetest.Model(ctx, t, st, &store.MLModel{Name: v1.Name, Version: 2, ParentID: &v1.ID, Status: store.ModelActive})
		storetest.Model(ctx, t, st, &store.MLModel{Name: v1.Name, Version: 3, ParentID: &v2.ID, Status: store.ModelFailed})
		w1 := storetest.Model(ctx, t, st, &store.MLModel{Status: store.ModelFailed})
		w2 := storetest.Model(ctx, t, st, &store.MLModel{Name: w1.Name, Version: 2, ParentID: &w1.ID, Status: store.ModelTraining})
		got, err := st.CurrentVersions(ctx, []store.ID{v1.ID, w1.ID, ident.New()})
		if err != nil || len(got) != 2 || got[v1.ID].ID != v2.ID || got[w1.ID].ID != w2.ID {
			t.Errorf("CurrentVersions = %v, %v; want %d -> %d, %d -> %d", got, err, v1.ID, v2.ID, w1.ID, w2.ID)
		}
		if err := st.FailTraining(ctx, w2.ID, "diverged"); err != nil {
			t.Fatal(err)
		}
		if m, _ := st.ModelVersion(ctx, w2.ID); m.Status != store.ModelFailed || m.Error != "diverged" {
			t.Errorf("after FailTraining: %+v", m)
		}
		if err := st.FailTraining(ctx, v2.ID, "not training"); err != nil {
			t.Fatal(err)
		}
		if m, _ := st.ModelVersion(ctx, v2.ID); m.Status != store.ModelActive {
			t.Errorf("FailTraining changed an active version: %+v", m)
		}
	})
}

// TestImportedValueAndCompoundIDs checks HasImportedValue and AllCompoundIDs.
func TestImportedValueAndCompoundIDs(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		a := storetest.Compound(ctx, t, st, nil)
		b := storetest.Compound(ctx, t, st, nil)
		if err := st.CreateMeasurement(ctx, &store.Measurement{CompoundID: a.ID, Endpoint: "logS", Value: -1.5,
			Source: store.SourceExperimental, Confidence: store.ConfidenceHigh, Origin: store.OriginImport}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			id       store.ID
			endpoint string
			value    float64
			q        store.Qualifier
			want     bool
		}{{a.ID, "logS", -1.5, "", true}, {a.ID, "logS", -1.25, "", false}, {a.ID, "pIC50", -1.5, "", false}, {b.ID, "logS", -1.5, "", false},
			{a.ID, "logS", -1.5, store.QualifierLess, false}} {
			if got, err := st.HasImportedValue(ctx, tc.id, tc.endpoint, tc.value, tc.q); err != nil || got != tc.want {
				t.Errorf("HasImportedValue(%d, %s, %q%g) = %v, %v; want %v", tc.id, tc.endpoint, tc.q, tc.value, got, err, tc.want)
			}
		}
		if ids, err := st.AllCompoundIDs(ctx); err != nil || !slices.Equal(ids, []store.ID{a.ID, b.ID}) {
			t.Errorf("AllCompoundIDs = %v, %v", ids, err)
		}
	})
}

// jsonEqual compares JSON by value (PostgreSQL's jsonb re-spaces it).
func jsonEqual(raw json.RawMessage, want string) bool {
	var a, b any
	return json.Unmarshal(raw, &a) == nil && json.Unmarshal([]byte(want), &b) == nil && reflect.DeepEqual(a, b)
}

// TestLabelCorrections checks the label-history and correction methods.
func TestLabelCorrections(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 2)
		u := storetest.User(ctx, t, st, nil)
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		it := f.items[0]
		l := store.ItemLabel{Value: -1, Source: store.SourceExperimental, Confidence: store.ConfidenceHigh, By: u.ID}
		if err := st.LabelItem(ctx, it.ID, it.Version, l, at); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateMeasurement(ctx, &store.Measurement{CompoundID: it.CompoundID, Endpoint: "logS", Value: -1,
			Source: l.Source, Origin: store.OriginLabel, QueueItemID: &it.ID, UserID: &u.ID}); err != nil {
			t.Fatal(err)
		}
		// Amend: the item and its measurement take the new value.
		l2 := store.ItemLabel{Value: 1, Source: store.SourceLiterature, Confidence: store.ConfidenceLow, Notes: "fixed", By: u.ID, Implausible: true}
		if err := st.AmendItemLabel(ctx, it.ID, it.Version+1, l2, at); err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateItemMeasurement(ctx, it.ID, l2); err != nil {
			t.Fatal(err)
		}
		got, _ := st.QueueItem(ctx, it.ID)
		if *got.Label != 1 || *got.LabelSource != store.SourceLiterature || got.Notes != "fixed" || !got.LabelImplausible || *got.LabeledBy != u.ID {
			t.Errorf("amended item %+v", got)
		}
		ms, _ := st.MeasurementsByCompound(ctx, it.CompoundID, "logS")
		if len(ms) != 1 || ms[0].Value != 1 || ms[0].Confidence != store.ConfidenceLow || !ms[0].Implausible {
			t.Errorf("amended measurement %+v", ms)
		}
		if err := st.AmendItemLabel(ctx, f.items[1].ID, f.items[1].Version, l2, at); !errors.Is(err, store.ErrConflict) {
			t.Errorf("amending a pending item = %v, want ErrConflict", err)
		}
		// Reopen and delete: pending, unassigned, no measurement.
		if err := st.ReopenItem(ctx, it.ID, got.Version, at); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteItemMeasurement(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = st.QueueItem(ctx, it.ID)
		if got.Status != store.QueuePending || got.Label != nil || got.LabeledBy != nil || got.AssignedTo != nil || got.LabelImplausible {
			t.Errorf("reopened item %+v", got)
		}
		if err := st.DeleteItemMeasurement(ctx, it.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting a missing measurement = %v, want ErrNotFound", err)
		}
		// History: appended in order, read back per item.
		v := -1.0
		for _, c := range []*store.LabelChange{
			{QueueItemID: it.ID, Action: store.LabelLabeled, Value: &v, UserID: &u.ID},
			{QueueItemID: it.ID, Action: store.LabelRetracted, PreviousValue: &v, Reason: "oops", UserID: &u.ID},
		} {
			if err := st.AddLabelChange(ctx, c); err != nil || c.ID == store.NilID {
				t.Fatalf("AddLabelChange = %v (id %d)", err, c.ID)
			}
		}
		if err := st.AddLabelChange(ctx, &store.LabelChange{QueueItemID: it.ID, Action: "erased"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown action = %v, want ErrInvalid", err)
		}
		if err := st.AddLabelChange(ctx, &store.LabelChange{QueueItemID: ident.New(), Action: store.LabelLabeled}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown item = %v, want ErrNotFound", err)
		}
		hs, err := st.LabelHistory(ctx, []store.ID{it.ID, f.items[1].ID})
		if err != nil || len(hs) != 1 || len(hs[it.ID]) != 2 || hs[it.ID][0].Action != store.LabelLabeled || hs[it.ID][1].Reason != "oops" ||
			hs[it.ID][1].Value != nil || *hs[it.ID][1].PreviousValue != -1 {
			t.Errorf("LabelHistory = %+v, %v", hs, err)
		}
	})
}

// TestOneOpenItemPerCompoundAndLineage checks the database guarantee: a
// second open item of a compound in one lineage is ErrCompoundQueued, in
// another batch and on another version too; a finished item does not count.
func TestOneOpenItemPerCompoundAndLineage(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 2) // items on v1 and v2 of one lineage, batch 1
		a := f.items[0]
		if a.LineageID != f.v1.LineageID || f.items[1].LineageID != f.v1.LineageID {
			t.Fatalf("lineages %d, %d; want %d", a.LineageID, f.items[1].LineageID, f.v1.LineageID)
		}
		again := &store.LabelQueueItem{CompoundID: a.CompoundID, ModelID: f.v2.ID, SelectionStrategy: "random", SelectionBatch: 2}
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{again}); !errors.Is(err, store.ErrCompoundQueued) || !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second open item = %v, want ErrCompoundQueued", err)
		}
		// Another lineage may queue it.
		other := storetest.Model(ctx, t, st, nil)
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{{CompoundID: a.CompoundID, ModelID: other.ID,
			SelectionStrategy: "random", SelectionBatch: 1}}); err != nil {
			t.Fatalf("the compound in another lineage: %v", err)
		}
		// Once the first is labeled, the compound may be queued again.
		u := storetest.User(ctx, t, st, nil)
		if err := st.LabelItem(ctx, a.ID, a.Version, store.ItemLabel{Value: 1, Source: store.SourceExperimental,
			Confidence: store.ConfidenceHigh, By: u.ID}, time.Now()); err != nil {
			t.Fatal(err)
		}
		again.ID = store.NilID
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{again}); err != nil {
			t.Fatalf("queueing a labeled compound again: %v", err)
		}
	})
}
