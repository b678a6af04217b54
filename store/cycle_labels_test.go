package store_test

import (
	"slices"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestLabeledItemsOfCycles checks that a cycle's labeled items are found
// by lineage and selection batch whichever version they are on, without
// the cycle's pending, skipped or other-batch items nor another lineage's
// items of the same batch number, and that the explore mark and the
// interval bounds a selection writes (and a rescore rewrites) come back.
func TestLabeledItemsOfCycles(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 0)
		c1 := &store.ActiveLearningCycle{ModelID: f.v1.ID, CycleNumber: 1, SelectionStrategy: "uncertainty+explore=0.5", BatchSize: 6}
		c2 := &store.ActiveLearningCycle{ModelID: f.v2.ID, CycleNumber: 2, SelectionStrategy: "random", BatchSize: 2}
		other := storetest.Model(ctx, t, st, &store.MLModel{Task: store.TaskClassification})
		c3 := &store.ActiveLearningCycle{ModelID: other.ID, CycleNumber: 1, SelectionStrategy: "random", BatchSize: 1}
		for _, c := range []*store.ActiveLearningCycle{c1, c2, c3} {
			if err := st.CreateCycle(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		item := func(m *store.MLModel, batch int, explore bool, lo, hi *float64) *store.LabelQueueItem {
			c := storetest.Compound(ctx, t, st, nil)
			return &store.LabelQueueItem{CompoundID: c.ID, ModelID: m.ID, SelectionStrategy: "uncertainty", SelectionBatch: batch,
				Prediction: ptr(1.0), Uncertainty: ptr(0.5), Explore: explore, IntervalLow: lo, IntervalHigh: hi}
		}
		// Cycle 1 (selected by v1): labeled on v1, labeled after moving to
		// v2, pending, skipped; cycle 2: one labeled; the other lineage's
		// batch 1: one labeled.
		onV1 := item(f.v1, 1, false, ptr(0.0), ptr(2.0))
		moved := item(f.v1, 1, true, ptr(0.1), ptr(1.9))
		pending := item(f.v1, 1, true, nil, nil)
		skipped := item(f.v1, 1, false, nil, nil)
		inC2 := item(f.v2, 2, true, nil, nil)
		otherLineage := item(other, 1, false, nil, nil)
		all := []*store.LabelQueueItem{onV1, moved, pending, skipped, inC2, otherLineage}
		if err := st.CreateQueueItems(ctx, all); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		if n, err := st.MoveOpenItems(ctx, f.v2.ID, []store.Rescore{{ItemID: moved.ID, Prediction: ptr(1.5), Uncertainty: ptr(0.25),
			IntervalLow: ptr(1.0), IntervalHigh: ptr(2.0)}}, at); err != nil || n != 1 {
			t.Fatalf("MoveOpenItems = %d, %v", n, err)
		}
		u := storetest.User(ctx, t, st, nil)
		for i, it := range []*store.LabelQueueItem{onV1, moved, inC2, otherLineage} {
			cur, err := st.QueueItem(ctx, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.LabelItem(ctx, it.ID, cur.Version, store.ItemLabel{Value: float64(i), Source: store.SourceExperimental,
				Confidence: store.ConfidenceHigh, By: u.ID}, at); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.SkipQueueItem(ctx, skipped.ID, 1, u.ID, "no sample", at); err != nil {
			t.Fatal(err)
		}

		got, err := st.LabeledItemsOfCycles(ctx, []store.ID{c1.ID, c2.ID, c3.ID, ident.New()})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("got %d cycles, want 3 (the unknown id left out)", len(got))
		}
		ids := func(cl *store.CycleLabels) []store.ID {
			var out []store.ID
			for _, it := range cl.Items {
				out = append(out, it.ID)
			}
			return out
		}
		want1 := []store.ID{onV1.ID, moved.ID}
		slices.SortFunc(want1, ident.Compare)
		if cl := got[c1.ID]; cl.LineageID != f.v1.ID || cl.Number != 1 || cl.Task != store.TaskRegression || !slices.Equal(ids(cl), want1) {
			t.Errorf("cycle 1 = %+v items %v; want lineage %v, number 1, regression, items %v", cl, ids(cl), f.v1.ID, want1)
		}
		if cl := got[c2.ID]; !slices.Equal(ids(cl), []store.ID{inC2.ID}) || !cl.Items[0].Explore {
			t.Errorf("cycle 2 items = %v, want [%v] marked explore", ids(cl), inC2.ID)
		}
		if cl := got[c3.ID]; cl.Task != store.TaskClassification || !slices.Equal(ids(cl), []store.ID{otherLineage.ID}) {
			t.Errorf("other lineage's cycle = %+v items %v", cl, ids(cl))
		}
		for _, it := range got[c1.ID].Items {
			switch it.ID {
			case onV1.ID:
				if it.Explore || it.ModelID != f.v1.ID || *it.IntervalLow != 0 || *it.IntervalHigh != 2 {
					t.Errorf("item on v1 = explore %v, model %v, interval [%v, %v]", it.Explore, it.ModelID, *it.IntervalLow, *it.IntervalHigh)
				}
			case moved.ID:
				if !it.Explore || it.ModelID != f.v2.ID || *it.Prediction != 1.5 || *it.IntervalLow != 1 || *it.IntervalHigh != 2 {
					t.Errorf("moved item = explore %v, model %v, prediction %v, interval [%v, %v]; want explore kept, the rescore's values",
						it.Explore, it.ModelID, *it.Prediction, *it.IntervalLow, *it.IntervalHigh)
				}
			}
		}
		if empty, err := st.LabeledItemsOfCycles(ctx, nil); err != nil || len(empty) != 0 {
			t.Errorf("LabeledItemsOfCycles(nil) = %v, %v", empty, err)
		}
	})
}
