package store_test

import (
	"slices"
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

// TestModelClasses: a model's class names and a queue item's per-class
// probabilities round-trip as JSON on both databases, a binary model
// stored without names lists the default classes, and MoveOpenItems
// rewrites the probabilities with the other scores.
func TestModelClasses(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		three := storetest.Model(ctx, t, st, &store.MLModel{Name: "sol3", Endpoint: "sol_class", Task: store.TaskClassification,
			Status: store.ModelActive, Classes: store.ClassNames{"low", "medium", "high"}})
		binary := storetest.Model(ctx, t, st, &store.MLModel{Name: "bbbp", Endpoint: "p_np", Task: store.TaskClassification, Status: store.ModelActive})
		reg := storetest.Model(ctx, t, st, &store.MLModel{Name: "esol", Endpoint: "logS", Task: store.TaskRegression, Status: store.ModelActive})
		for _, c := range []struct {
			m    *store.MLModel
			want []string
		}{{three, []string{"low", "medium", "high"}}, {binary, []string{"0", "1"}}, {reg, nil}} {
			got, err := st.ModelVersion(ctx, c.m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.ClassList(), c.want) {
				t.Errorf("%s: ClassList = %q, want %q", got.Name, got.ClassList(), c.want)
			}
			if c.m != three && got.Classes != nil {
				t.Errorf("%s: Classes = %q, want none stored", got.Name, got.Classes)
			}
		}
		cp := storetest.Compound(ctx, t, st, nil)
		it := &store.LabelQueueItem{CompoundID: cp.ID, ModelID: three.ID, SelectionStrategy: "entropy", SelectionBatch: 1,
			ClassProbabilities: store.ClassProbabilities{0.2, 0.5, 0.3}}
		if err := st.CreateQueueItems(ctx, []*store.LabelQueueItem{it}); err != nil {
			t.Fatal(err)
		}
		got, err := st.QueueItem(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.ClassProbabilities, []float64{0.2, 0.5, 0.3}) {
			t.Errorf("ClassProbabilities = %v", got.ClassProbabilities)
		}
		if _, err := st.MoveOpenItems(ctx, three.ID, []store.Rescore{{ItemID: it.ID, ClassProbabilities: store.ClassProbabilities{0.7, 0.2, 0.1}}}, got.CreatedAt); err != nil {
			t.Fatal(err)
		}
		if got, err = st.QueueItem(ctx, it.ID); err != nil || !slices.Equal(got.ClassProbabilities, []float64{0.7, 0.2, 0.1}) {
			t.Errorf("after MoveOpenItems: %v, %v", got.ClassProbabilities, err)
		}
	})
}
