package activelearning_test

import (
	"testing"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// labelPending labels the first k pending items of cycle c with their ESOL
// values.
func (e *env) labelPending(t *testing.T, c *store.ActiveLearningCycle, k int) {
	t.Helper()
	truth := map[string]float64{}
	for _, r := range readESOL(t) {
		truth[r.SMILES] = r.Value
	}
	items := e.items(t, "selection_batch = ? AND status = ?", c.CycleNumber, store.QueuePending)
	if len(items) < k {
		t.Fatalf("cycle %d has %d pending items, want %d", c.CycleNumber, len(items), k)
	}
	for _, it := range items[:k] {
		comp, err := e.st.CompoundByID(e.ctx, it.CompoundID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: truth[comp.InputSMILES]}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLearningCurveFollowsTrainedVersions: with two cycles open at once,
// a retrain of the second trains on the labels of both, and a later
// retrain of the first on those plus its new ones; each point of the
// learning curve counts the labels its version trained on (its training
// rows that carry a label: 6, then 8), in the order the versions were
// trained, where summing the cycles' labels in cycle order would have
// given 5 and 8.
func TestLearningCurveFollowsTrainedVersions(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		a := e.selectBatch(t, "uncertainty", 10)
		b := e.selectBatch(t, "uncertainty", 10)
		e.labelPending(t, a, 3)
		e.labelPending(t, b, 3)
		retrain := func(c *store.ActiveLearningCycle) {
			t.Helper()
			if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 1); err != nil {
				t.Fatalf("retrain cycle %d: %v", c.CycleNumber, err)
			}
			if err := e.jobs.Run(e.ctx, e.svc); err != nil {
				t.Fatal(err)
			}
		}
		retrain(b) // version 2: the 3 labels of a and the 3 of b
		e.labelPending(t, a, 2)
		retrain(a) // version 3: those 6 and a's 2 new ones

		vs, err := e.svc.ModelVersions(e.ctx, e.model.ID)
		if err != nil || len(vs) != 3 {
			t.Fatalf("versions: %d, %v", len(vs), err)
		}
		for i, want := range []int{0, 6, 8} {
			if vs[i].TrainedLabels != want || vs[i].TrainingSize != vs[0].TrainingSize+want {
				t.Errorf("version %d trained on %d labels (%d rows); want %d (%d rows)",
					vs[i].Version, vs[i].TrainedLabels, vs[i].TrainingSize, want, vs[0].TrainingSize+want)
			}
		}
		ca, _ := e.svc.Cycle(e.ctx, a.ID)
		cb, _ := e.svc.Cycle(e.ctx, b.ID)
		if ca.ItemsLabeled != 5 || cb.ItemsLabeled != 3 {
			t.Fatalf("cycles labeled %d and %d; want 5 and 3", ca.ItemsLabeled, cb.ItemsLabeled)
		}
		if cb.TrainedVersionID == nil || *cb.TrainedVersionID != vs[1].ID || ca.TrainedVersionID == nil || *ca.TrainedVersionID != vs[2].ID {
			t.Errorf("trained versions: cycle %d -> %v, cycle %d -> %v; want versions 2 and 3", cb.CycleNumber, cb.TrainedVersionID, ca.CycleNumber, ca.TrainedVersionID)
		}

		st, err := e.svc.Stats(e.ctx, e.model.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []activelearning.CurvePoint{{Cycle: 0, Version: 1, Labels: 0}, {Cycle: b.CycleNumber, Version: 2, Labels: 6}, {Cycle: a.CycleNumber, Version: 3, Labels: 8}}
		if len(st.LearningCurve) != len(want) {
			t.Fatalf("learning curve %+v; want %d points", st.LearningCurve, len(want))
		}
		for i, w := range want {
			p := st.LearningCurve[i]
			if p.Cycle != w.Cycle || p.Version != w.Version || p.Labels != w.Labels {
				t.Errorf("point %d = cycle %d version %d with %d labels; want cycle %d version %d with %d", i, p.Cycle, p.Version, p.Labels, w.Cycle, w.Version, w.Labels)
			}
			if p.Metrics["rmse"] != metricsOf(t, vs[w.Version-1].Metrics)["rmse"] {
				t.Errorf("point %d rmse %v; want version %d's %s", i, p.Metrics["rmse"], w.Version, vs[w.Version-1].Metrics)
			}
		}
	})
}
