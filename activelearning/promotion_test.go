package activelearning_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// poisonedCandidate creates "esol" with the default promotion tolerance,
// selects 12 items, labels 8 of them with confirmed absurd values (logS
// +/-40, refused as implausible without confirm) and retrains. It returns
// the cycle, the items as selected (predictions by version 1) and how
// many model_activated events there were before the retrain.
func (e *env) poisonedCandidate(t *testing.T) (*store.ActiveLearningCycle, []*store.LabelQueueItem, int) {
	t.Helper()
	e.tolerance = nil // the default: RMSE +2 % relative
	e.model = e.createModel(t, "esol", "random")
	e.clock.Advance(time.Minute) // labels come after version 1 was trained
	activations := len(e.events(t, activelearning.EventModelActivated))
	c := e.selectBatch(t, "uncertainty", 12)
	items := e.items(t, "selection_batch = ?", c.CycleNumber)
	for i, it := range items[:8] {
		v := 40.0
		if i%2 == 1 {
			v = -40
		}
		in := activelearning.SubmitLabelInput{ItemID: it.ID, Value: v}
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, in); err == nil {
			t.Fatalf("logS %g accepted without confirm", v)
		}
		in.Confirm = true
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, in); err != nil {
			t.Fatalf("confirmed label %g: %v", v, err)
		}
	}
	c, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 8)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Retrain(e.ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	return c, items, activations
}

// pendingByID returns the lineage's pending items by id.
func (e *env) pendingByID(t *testing.T) map[store.ID]*store.LabelQueueItem {
	t.Helper()
	out := map[store.ID]*store.LabelQueueItem{}
	for _, it := range e.items(t, "status = ?", store.QueuePending) {
		out[it.ID] = it
	}
	return out
}

// TestPoisonedRetrainStaysCandidate: a retrain on confirmed absurd labels
// is far worse on the validation set; it is stored as a candidate with its
// metrics, version 1 stays active, the cycle completes and says why, and
// the pending items stay on version 1 untouched.
func TestPoisonedRetrainStaysCandidate(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		c, items, activations := e.poisonedCandidate(t)
		vs, err := e.svc.ModelVersions(e.ctx, e.model.ID)
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions: %d, %v", len(vs), err)
		}
		v1, v2 := vs[0], vs[1]
		if v1.Status != store.ModelActive || v2.Status != store.ModelCandidate || v2.ActivatedAt != nil {
			t.Fatalf("statuses: v1 %s, v2 %s (activated %v)", v1.Status, v2.Status, v2.ActivatedAt)
		}
		m1, m2 := metricsOf(t, v1.Metrics), metricsOf(t, v2.Metrics)
		if !(m2["rmse"] > 1.02*m1["rmse"]) {
			t.Fatalf("poisoned rmse %g not worse than 1.02 x %g", m2["rmse"], m1["rmse"])
		}
		t.Logf("rmse: active %.3f, candidate %.3f", m1["rmse"], m2["rmse"])
		if len(v2.Artifact) == 0 || v2.TrainingSize != v1.TrainingSize+8 {
			t.Errorf("candidate artifact %d bytes, training size %d (v1 %d)", len(v2.Artifact), v2.TrainingSize, v1.TrainingSize)
		}
		if m, err := e.svc.Model(e.ctx, e.model.ID); err != nil || m.ID != v1.ID {
			t.Errorf("model's current version = %+v, %v; want version 1", m, err)
		}
		c, _ = e.svc.Cycle(e.ctx, c.ID)
		if c.Status != store.CycleComplete || c.Error != "" || !strings.Contains(c.PromotionNote, "version 2 kept as a candidate") ||
			!strings.Contains(c.PromotionNote, "rmse") {
			t.Errorf("cycle %s, error %q, note %q", c.Status, c.Error, c.PromotionNote)
		}
		if metricsOf(t, c.MetricsAfter)["rmse"] != m2["rmse"] {
			t.Errorf("cycle metrics after %s, candidate %s", c.MetricsAfter, v2.Metrics)
		}
		evs := e.events(t, activelearning.EventCycleUpdated)
		var last map[string]any
		if err := json.Unmarshal(evs[len(evs)-1].Payload, &last); err != nil {
			t.Fatal(err)
		}
		if last["promotion_note"] != c.PromotionNote || last["version_status"] != string(store.ModelCandidate) {
			t.Errorf("cycle event payload %v", last)
		}
		if n := len(e.events(t, activelearning.EventModelActivated)); n != activations {
			t.Errorf("%d model_activated events for a candidate", n)
		}
		// Pending items are still version 1's, with its predictions.
		pending := e.pendingByID(t)
		if len(pending) != 4 {
			t.Fatalf("%d pending items, want 4", len(pending))
		}
		for _, it := range items {
			if p := pending[it.ID]; p != nil && (p.ModelID != v1.ID || *p.Prediction != *it.Prediction || p.PriorityScore != it.PriorityScore) {
				t.Errorf("pending item %d moved: model %d, prediction %g (was %g)", it.ID, p.ModelID, *p.Prediction, *it.Prediction)
			}
		}
		// Claims and selections still come from version 1.
		if c2 := e.selectBatch(t, "uncertainty", 3); c2.ModelID != v1.ID {
			t.Errorf("selection after a candidate: version %d", c2.ModelID)
		}
	})
}

// TestPromoteAndRollback: an admin promotes the candidate (pending items
// re-scored by it and moved to it), then rolls back to version 1 (items
// re-scored by version 1 again: its predictions are back exactly); each
// activation is a model_activated event with who and why; non-admins are
// forbidden, and wrong versions are NOT_FOUND or CONFLICT.
func TestPromoteAndRollback(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		_, items, base := e.poisonedCandidate(t)
		vs, _ := e.svc.ModelVersions(e.ctx, e.model.ID)
		v1, v2 := vs[0], vs[1]
		before := e.pendingByID(t)

		var ie *activelearning.InputError
		for name, err := range map[string]error{
			"scientist promotes": second(e.svc.PromoteVersion(e.ctx, e.sci, v2.ID, "looks fine")),
			"viewer rolls back":  second(e.svc.RollbackModel(e.ctx, e.view, e.model.ID, 1, "")),
		} {
			if !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("%s: %v, want forbidden", name, err)
			}
		}
		if _, err := e.svc.PromoteVersion(e.ctx, e.admin, v2.ID, "  "); !errors.As(err, &ie) || ie.Field != "reason" {
			t.Errorf("promotion without a reason: %v", err)
		}
		if _, err := e.svc.PromoteVersion(e.ctx, e.admin, v1.ID, "again"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("promote the active version: %v, want conflict", err)
		}
		if _, err := e.svc.PromoteVersion(e.ctx, e.admin, ident.New(), "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("promote an unknown version: %v, want not found", err)
		}
		if _, err := e.svc.RollbackModel(e.ctx, e.admin, e.model.ID, 1, ""); !errors.Is(err, store.ErrConflict) {
			t.Errorf("roll back to the active version: %v, want conflict", err)
		}
		if _, err := e.svc.RollbackModel(e.ctx, e.admin, e.model.ID, 9, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("roll back to version 9: %v, want not found", err)
		}
		if len(e.events(t, activelearning.EventModelActivated)) != base {
			t.Fatal("a refused activation emitted an event")
		}

		// Promote the candidate.
		got, err := e.svc.PromoteVersion(e.ctx, e.admin, v2.ID, "outliers checked with the lab")
		if err != nil || got.ID != v2.ID || got.Status != store.ModelActive || got.ActivatedAt == nil {
			t.Fatalf("promote: %+v, %v", got, err)
		}
		vs, _ = e.svc.ModelVersions(e.ctx, e.model.ID)
		if vs[0].Status != store.ModelSuperseded || vs[1].Status != store.ModelActive {
			t.Fatalf("after promotion: v1 %s, v2 %s", vs[0].Status, vs[1].Status)
		}
		promoted := e.pendingByID(t)
		changed := 0
		for id, it := range promoted {
			if it.ModelID != v2.ID {
				t.Errorf("pending item %d on model %d after promotion, want %d", id, it.ModelID, v2.ID)
			}
			if *it.Prediction != *before[id].Prediction && it.PriorityScore != before[id].PriorityScore {
				changed++
			}
		}
		if len(promoted) != len(before) || changed != len(promoted) {
			t.Errorf("%d of %d pending items re-scored (prediction and priority changed) by the promotion", changed, len(promoted))
		}
		if held := e.items(t, "status = ?", store.QueueLabeled); held[0].ModelID != v1.ID {
			t.Errorf("a labeled item moved to %d", held[0].ModelID)
		}
		checkActivation(t, e, base+1, v2.ID, e.admin.ID, "promote", "outliers checked with the lab")

		// Roll back to version 1: its own predictions come back.
		e.clock.Advance(time.Hour)
		got, err = e.svc.RollbackModel(e.ctx, e.admin, e.model.ID, 1, "poisoned labels")
		if err != nil || got.ID != v1.ID || got.Status != store.ModelActive {
			t.Fatalf("rollback: %+v, %v", got, err)
		}
		vs, _ = e.svc.ModelVersions(e.ctx, e.model.ID)
		if vs[0].Status != store.ModelActive || vs[1].Status != store.ModelSuperseded {
			t.Fatalf("after rollback: v1 %s, v2 %s", vs[0].Status, vs[1].Status)
		}
		selected := map[store.ID]*store.LabelQueueItem{}
		for _, it := range items {
			selected[it.ID] = it
		}
		for id, it := range e.pendingByID(t) {
			if it.ModelID != v1.ID || math.Abs(*it.Prediction-*selected[id].Prediction) > 1e-9 ||
				*it.Prediction == *promoted[id].Prediction {
				t.Errorf("pending item %d after rollback: model %d, prediction %g (version 1 said %g, version 2 %g)",
					id, it.ModelID, *it.Prediction, *selected[id].Prediction, *promoted[id].Prediction)
			}
		}
		checkActivation(t, e, base+2, v1.ID, e.admin.ID, "rollback", "poisoned labels")
		// Version 1 never trained on the 8 labels: they count as new
		// for the next retrain although they predate the rollback.
		c2 := e.selectBatch(t, "random", 3)
		var ie2 *activelearning.InputError
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c2.ID, 9); !errors.As(err, &ie2) || !strings.Contains(err.Error(), "has 8 labels new") {
			t.Errorf("retrain after rollback with a minimum of 9: %v, want 8 labels new", err)
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c2.ID, 8); err != nil {
			t.Errorf("retrain after rollback with a minimum of 8: %v", err)
		}
		// The retrain job stays queued: rolling forward below does not
		// need it.
		// And forward again: a superseded version can be rolled back to.
		if got, err := e.svc.RollbackModel(e.ctx, e.admin, e.model.ID, 2, ""); err != nil || got.ID != v2.ID {
			t.Fatalf("roll forward to version 2: %+v, %v", got, err)
		}
		checkActivation(t, e, base+3, v2.ID, e.admin.ID, "rollback", "")
	})
}

// checkActivation checks the n-th model_activated event: version, actor,
// action and reason.
func checkActivation(t *testing.T, e *env, n int, versionID, actor store.ID, action, reason string) {
	t.Helper()
	evs := e.events(t, activelearning.EventModelActivated)
	if len(evs) != n {
		t.Fatalf("%d model_activated events, want %d", len(evs), n)
	}
	ev := evs[n-1]
	var p struct {
		VersionID store.ID `json:"version_id"`
		Action    string   `json:"action"`
		Reason    string   `json:"reason"`
	}
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if ev.ActorID == nil || *ev.ActorID != actor || p.VersionID != versionID || p.Action != action || p.Reason != reason ||
		ev.ModelID == nil || *ev.ModelID != e.model.ID {
		t.Errorf("model_activated %d: actor %v, model %v, payload %s; want version %d by %d, %s %q",
			n, ev.ActorID, ev.ModelID, ev.Payload, versionID, actor, action, reason)
	}
}

func second[T any](_ T, err error) error { return err }

// TestPromotionToleranceInput: createModel refuses a negative or
// non-finite tolerance and stores a valid one on version 1.
func TestPromotionToleranceInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		for _, tol := range []float64{-0.01, math.NaN(), math.Inf(1)} {
			e.tolerance = &tol
			_, err := e.svc.CreateModel(e.ctx, e.admin, activelearning.CreateModelInput{Name: "bad", Endpoint: "logS",
				Task: store.TaskRegression, Members: members, TrainingSetID: e.trainSet, PromotionTolerance: e.tolerance})
			var ie *activelearning.InputError
			if !errors.As(err, &ie) || ie.Field != "promotionTolerance" {
				t.Errorf("tolerance %g: %v, want a promotionTolerance input error", tol, err)
			}
		}
		tol := 0.1
		e.tolerance = &tol
		m := e.createModel(t, "esol", "random")
		if got, err := e.st.ModelVersion(e.ctx, m.ID); err != nil || got.PromotionTolerance == nil || *got.PromotionTolerance != 0.1 {
			t.Errorf("stored tolerance: %+v, %v", got, err)
		}
	})
}

// TestClassificationGateUsesAUC: a classification lineage is gated on its
// validation ROC-AUC (auc) with the default absolute tolerance 0.01: after
// 15 labels of the wrong class (seeded: auc 1.0 -> 0.905 on both
// databases) the retrained version is a candidate and the cycle's note
// names auc, both values and the bound.
func TestClassificationGateUsesAUC(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		m, truth := e.solubleModel(t, activelearning.SplitInput{Fraction: 0.25, Seed: 1})
		e.clock.Advance(time.Minute)
		c := e.selectBatch(t, "margin", 15)
		for _, it := range e.items(t, "selection_batch = ?", c.CycleNumber) {
			comp, _ := e.st.CompoundByID(e.ctx, it.CompoundID)
			wrong := 1 - truth[comp.InputSMILES]
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: wrong, Confirm: true}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 15); err != nil {
			t.Fatal(err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		c, _ = e.svc.Cycle(e.ctx, c.ID)
		before, after := metricsOf(t, c.MetricsBefore)["auc"], metricsOf(t, c.MetricsAfter)["auc"]
		vs, _ := e.svc.ModelVersions(e.ctx, m.ID)
		t.Logf("auc %.4f -> %.4f: version 2 %s (%s)", before, after, vs[1].Status, c.PromotionNote)
		if !(after < before-activelearning.DefaultClassificationTolerance) {
			t.Fatalf("wrong labels did not lower auc beyond the tolerance: %g -> %g", before, after)
		}
		if vs[1].Status != store.ModelCandidate || vs[0].Status != store.ModelActive ||
			!strings.Contains(c.PromotionNote, "validation auc") || !strings.Contains(c.PromotionNote, "-0.01 absolute") {
			t.Errorf("auc %g -> %g: version 1 %s, version 2 %s; note %q", before, after, vs[0].Status, vs[1].Status, c.PromotionNote)
		}
	})
}
