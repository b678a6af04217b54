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

func ptr[T any](v T) *T { return &v }

func TestQueueItems(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		m := storetest.Model(ctx, t, st, nil)
		a := storetest.Compound(ctx, t, st, nil)
		b := storetest.Compound(ctx, t, st, nil)
		items := []*store.LabelQueueItem{
			{CompoundID: a.ID, ModelID: m.ID, Prediction: ptr(-1.5), Uncertainty: ptr(0.7), ApplicabilityDistance: ptr(0.2),
				SelectionStrategy: "uncertainty", SelectionBatch: 1, PriorityScore: 0.7},
			{CompoundID: b.ID, ModelID: m.ID, SelectionStrategy: "uncertainty", SelectionBatch: 1, PriorityScore: 0.5},
		}
		if err := st.CreateQueueItems(ctx, items); err != nil {
			t.Fatalf("CreateQueueItems: %v", err)
		}
		if items[0].ID == store.NilID || items[1].ID == store.NilID || items[0].ID == items[1].ID {
			t.Fatalf("CreateQueueItems IDs = %d, %d", items[0].ID, items[1].ID)
		}
		got, err := st.QueueItem(ctx, items[0].ID)
		if err != nil {
			t.Fatalf("QueueItemByID: %v", err)
		}
		if got.Status != store.QueuePending || got.Version != 1 || got.Prediction == nil || *got.Prediction != -1.5 ||
			*got.Uncertainty != 0.7 || got.Label != nil || got.AssignedTo != nil || got.SelectionBatch != 1 || !got.CreatedAt.Equal(items[0].CreatedAt) {
			t.Errorf("QueueItemByID = %+v", got)
		}
		// A labelled item round-trips every column.
		at := time.Now()
		done := &store.LabelQueueItem{CompoundID: a.ID, ModelID: m.ID, SelectionStrategy: "random", SelectionBatch: 2,
			Status: store.QueueLabeled, AssignedTo: &u.ID, AssignedAt: &at, Label: ptr(-2.0), LabelSource: ptr(store.SourceExperimental),
			LabelConfidence: ptr(store.ConfidenceLow), LabeledAt: &at, LabeledBy: &u.ID, Notes: "looks odd", LeaseExpiresAt: &at}
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{done}); err != nil {
			t.Fatalf("CreateQueueItems(labelled): %v", err)
		}
		got, err = st.QueueItem(ctx, done.ID)
		if err != nil || got.Label == nil || *got.Label != -2 || *got.LabelSource != store.SourceExperimental || *got.LabelConfidence != store.ConfidenceLow ||
			*got.LabeledBy != u.ID || !got.LabeledAt.Equal(*done.LabeledAt) || got.Notes != "looks odd" || !got.LeaseExpiresAt.Equal(*done.LeaseExpiresAt) {
			t.Errorf("labelled item = %+v, %v", got, err)
		}
		// A measurement may point at the queue item it answers, once.
		meas := &store.Measurement{CompoundID: a.ID, Endpoint: "logS", Value: -2, Source: store.SourceExperimental, Origin: store.OriginLabel, QueueItemID: &done.ID, UserID: &u.ID}
		if err := st.CreateMeasurement(ctx, meas); err != nil {
			t.Fatalf("CreateMeasurement(label): %v", err)
		}
		meas2 := *meas
		meas2.ID = store.NilID
		if err := st.CreateMeasurement(ctx, &meas2); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second measurement of one queue item: %v, want ErrConflict", err)
		}
		if _, err := st.QueueItem(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("QueueItemByID(unknown) = %v, want ErrNotFound", err)
		}
		bad := []struct {
			name string
			it   store.LabelQueueItem
			want error
		}{
			{"unknown status", store.LabelQueueItem{CompoundID: b.ID, ModelID: m.ID, SelectionStrategy: "random", SelectionBatch: 9, Status: "done"}, store.ErrInvalid},
			{"no strategy", store.LabelQueueItem{CompoundID: b.ID, ModelID: m.ID, SelectionBatch: 9}, store.ErrInvalid},
			{"unknown label source", store.LabelQueueItem{CompoundID: b.ID, ModelID: m.ID, SelectionStrategy: "random", SelectionBatch: 9, LabelSource: ptr(store.Source("rumour"))}, store.ErrInvalid},
			{"unknown model", store.LabelQueueItem{CompoundID: b.ID, ModelID: ident.New(), SelectionStrategy: "random", SelectionBatch: 9}, store.ErrNotFound},
		}
		for _, tc := range bad {
			it := tc.it
			if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{&it}); !errors.Is(err, tc.want) {
				t.Errorf("%s: CreateQueueItems = %v, want %v", tc.name, err, tc.want)
			}
		}
	})
}

// TestQueueUniqueCompoundModelBatch checks uq_label_queue_compound_model_batch:
// a compound is queued at most once per model and selection batch.
func TestQueueUniqueCompoundModelBatch(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m1 := storetest.Model(ctx, t, st, nil)
		m2 := storetest.Model(ctx, t, st, nil)
		c := storetest.Compound(ctx, t, st, nil)
		other := storetest.Compound(ctx, t, st, nil)
		item := func(compound, model store.ID, batch int) *store.LabelQueueItem {
			return &store.LabelQueueItem{CompoundID: compound, ModelID: model, SelectionStrategy: "uncertainty", SelectionBatch: batch}
		}
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{item(c.ID, m1.ID, 1)}); err != nil {
			t.Fatalf("first enqueue: %v", err)
		}
		err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{item(c.ID, m1.ID, 1)})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate (compound, model, batch): %v, want ErrConflict", err)
		}
		// A batch with one duplicate inserts nothing.
		err = st.CreateQueueItems(ctx, []*store.LabelQueueItem{item(other.ID, m1.ID, 1), item(c.ID, m1.ID, 1)})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("batch with a duplicate: %v, want ErrConflict", err)
		}
		n, err := st.DB().NewSelect().Model((*store.LabelQueueItem)(nil)).Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("rows after the failed batch = %d, %v; want 1", n, err)
		}
		// Another batch of the same lineage is refused while the first
		// item is open (one open item per compound and lineage); another
		// model is fine.
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{item(c.ID, m1.ID, 2)}); !errors.Is(err, store.ErrCompoundQueued) {
			t.Errorf("same compound in another batch while the first is open: %v, want ErrCompoundQueued", err)
		}
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{item(c.ID, m2.ID, 1)}); err != nil {
			t.Errorf("same compound for another model: %v", err)
		}
		// Inside a transaction the conflict rolls back everything.
		err = st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.AppendEvent(ctx, &store.Event{Type: "queue.selected", ModelID: &m1.ID}); err != nil {
				return err
			}
			return tx.CreateQueueItems(ctx, []*store.LabelQueueItem{item(c.ID, m2.ID, 1)})
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("conflict in a transaction: %v, want ErrConflict", err)
		}
		if evs, err := st.EventsAfter(ctx, 0, nil, 10); err != nil || len(evs) != 0 {
			t.Errorf("events after the rolled-back transaction = %v, %v; want none", evs, err)
		}
	})
}

func TestCycles(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := storetest.Model(ctx, t, st, nil)
		c := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 1, SelectionStrategy: "hybrid", BatchSize: 20,
			MetricsBefore: json.RawMessage(`{"rmse":1.1}`), Params: json.RawMessage(`{"alpha":0.5}`), Seed: 7}
		if err := st.CreateCycle(ctx, c); err != nil {
			t.Fatalf("CreateCycle: %v", err)
		}
		got, err := st.Cycle(ctx, c.ID)
		if err != nil || got.Status != store.CycleSelecting || got.BatchSize != 20 || got.Seed != 7 || got.MetricsAfter != nil ||
			got.CompletedAt != nil || !got.StartedAt.Equal(c.StartedAt) || got.Version != 1 {
			t.Errorf("CycleByID = %+v, %v", got, err)
		}
		var before map[string]float64
		if err := json.Unmarshal(got.MetricsBefore, &before); err != nil || before["rmse"] != 1.1 {
			t.Errorf("MetricsBefore = %s", got.MetricsBefore)
		}
		c2 := &store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 2, SelectionStrategy: "random", BatchSize: 5, Status: store.CycleComplete}
		if err := st.CreateCycle(ctx, c2); err != nil {
			t.Fatalf("CreateCycle 2: %v", err)
		}
		if cs, err := st.CyclesByModel(ctx, m.ID); err != nil || len(cs) != 2 || cs[0].ID != c.ID {
			t.Errorf("CyclesByModel = %v, %v", cs, err)
		}
		bad := []struct {
			name string
			c    store.ActiveLearningCycle
			want error
		}{
			{"duplicate number", store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 1, SelectionStrategy: "random", BatchSize: 5}, store.ErrConflict},
			{"unknown status", store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 3, SelectionStrategy: "random", BatchSize: 5, Status: "paused"}, store.ErrInvalid},
			{"zero batch", store.ActiveLearningCycle{ModelID: m.ID, CycleNumber: 3, SelectionStrategy: "random"}, store.ErrInvalid},
			{"unknown model", store.ActiveLearningCycle{ModelID: ident.New(), CycleNumber: 1, SelectionStrategy: "random", BatchSize: 5}, store.ErrNotFound},
		}
		for _, tc := range bad {
			c := tc.c
			if err := st.CreateCycle(ctx, &c); !errors.Is(err, tc.want) {
				t.Errorf("%s: CreateCycle = %v, want %v", tc.name, err, tc.want)
			}
		}
		if _, err := st.Cycle(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CycleByID(unknown) = %v, want ErrNotFound", err)
		}
	})
}

func TestEvents(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m1, m2 := ident.New(), ident.New()
		item, cycle, actor := ident.New(), ident.New(), ident.New()
		var seqs []int64
		for i, e := range []*store.Event{
			{Type: "queue.item_labeled", ModelID: &m1, ItemID: &item, Payload: json.RawMessage(`{"label":-2}`)},
			{Type: "cycle.updated", ModelID: &m2, CycleID: &cycle},
			{Type: "queue.item_claimed", ModelID: &m1, ActorID: &actor},
		} {
			if err := st.AppendEvent(ctx, e); err != nil {
				t.Fatalf("AppendEvent %d: %v", i, err)
			}
			seqs = append(seqs, e.Seq)
		}
		if !(seqs[0] < seqs[1] && seqs[1] < seqs[2]) {
			t.Errorf("sequence numbers %v are not increasing", seqs)
		}
		all, err := st.EventsAfter(ctx, 0, nil, 10)
		if err != nil || len(all) != 3 || all[0].Seq != seqs[0] || all[1].Type != "cycle.updated" || string(all[1].Payload) != "{}" {
			t.Fatalf("EventsAfter(0) = %v, %v", all, err)
		}
		var p map[string]float64
		if err := json.Unmarshal(all[0].Payload, &p); err != nil || p["label"] != -2 || *all[0].ItemID != item {
			t.Errorf("first event = %+v (%s)", all[0], all[0].Payload)
		}
		mine, err := st.EventsAfter(ctx, seqs[0], &m1, 10)
		if err != nil || len(mine) != 1 || mine[0].Seq != seqs[2] || *mine[0].ActorID != actor {
			t.Errorf("EventsAfter(seq0, model 1) = %v, %v", mine, err)
		}
		if page, err := st.EventsAfter(ctx, 0, nil, 2); err != nil || len(page) != 2 {
			t.Errorf("limit 2 = %v, %v", page, err)
		}
		if err := st.AppendEvent(ctx, &store.Event{}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("event without type: %v, want ErrInvalid", err)
		}
		if err := st.AppendEvent(ctx, &store.Event{Type: "x", Payload: json.RawMessage("{oops")}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("event with bad JSON: %v, want ErrInvalid", err)
		}
	})
}
