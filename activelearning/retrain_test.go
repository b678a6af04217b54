package activelearning_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/features"
	"activelab/store"
	"activelab/store/storetest"
)

// labelSome selects a batch of n, labels the first `label` items with their
// ESOL values, skips one, and leaves the rest pending (one of them claimed).
func (e *env) labelSome(t *testing.T, n, label int) (*store.ActiveLearningCycle, []*store.LabelQueueItem) {
	t.Helper()
	c := e.selectBatch(t, "uncertainty", n)
	truth := map[string]float64{}
	for _, r := range readESOL(t) {
		truth[r.SMILES] = r.Value
	}
	items := e.items(t, "selection_batch = ?", c.CycleNumber)
	for _, it := range items[:label] {
		comp, _ := e.st.CompoundByID(e.ctx, it.CompoundID)
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: truth[comp.InputSMILES]}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.SkipItem(e.ctx, e.sci, items[label].ID, "no sample"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID); err != nil {
		t.Fatal(err)
	}
	return c, items
}

func metricsOf(t *testing.T, raw json.RawMessage) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("metrics %s: %v", raw, err)
	}
	return m
}

// TestRetrainP1Rules: the retrain trains on the original training set plus
// the labels, measures before and after on the same validation set, and in
// one step supersedes the old version, leaves labeled and skipped items on it,
// and moves re-scored pending and in-progress items to the new one.
func TestRetrainP1Rules(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c, items := e.labelSome(t, 12, 8)
		v1, _ := e.svc.Model(e.ctx, e.model.ID)

		var ie *activelearning.InputError
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 9); !errors.As(err, &ie) || ie.Field != "minNewLabels" {
			t.Fatalf("below threshold: %v", err)
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.sci, c.ID, 1); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("scientist: %v", err)
		}
		if len(e.jobs.Pending()) != 0 {
			t.Fatal("a refused retrain enqueued a job")
		}
		c, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 8)
		if err != nil || c.Status != store.CycleTraining {
			t.Fatalf("trigger: %v", err)
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 8); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second trigger while training: %v", err)
		}
		var stages []string
		if err := e.svc.Retrain(e.ctx, c.ID, func(stage string, _ float64, _ string) { stages = append(stages, stage) }); err != nil {
			t.Fatal(err)
		}
		if len(stages) == 0 || len(e.events(t, activelearning.EventRetrainProgress)) < 3 {
			t.Errorf("progress: stages %v, %d events", stages, len(e.events(t, activelearning.EventRetrainProgress)))
		}
		vs, err := e.svc.ModelVersions(e.ctx, e.model.ID)
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions: %d %v", len(vs), err)
		}
		old, nv := vs[0], vs[1]
		// The activation is the admin's who triggered the retrain, and
		// says why (the gate's note).
		acts := e.events(t, activelearning.EventModelActivated)
		last := acts[len(acts)-1]
		var act struct{ Action, Reason string }
		if err := json.Unmarshal(last.Payload, &act); err != nil || last.ActorID == nil || *last.ActorID != e.admin.ID ||
			act.Action != "retrain" || !strings.Contains(act.Reason, "version 2 activated") {
			t.Errorf("model_activated by %v: %s (%v)", last.ActorID, last.Payload, err)
		}
		if old.Status != store.ModelSuperseded || nv.Status != store.ModelActive || *nv.ParentID != old.ID || nv.Version != 2 {
			t.Errorf("statuses: v1 %s, v2 %s", old.Status, nv.Status)
		}
		if nv.ValidationHash != v1.ValidationHash || *nv.ValidationSetID != *v1.ValidationSetID {
			t.Errorf("validation set changed: %s vs %s", nv.ValidationHash, v1.ValidationHash)
		}
		if nv.TrainingSize != v1.TrainingSize+8 {
			t.Errorf("training size %d, want %d + 8 labels", nv.TrainingSize, v1.TrainingSize)
		}
		c, _ = e.svc.Cycle(e.ctx, c.ID)
		if c.Status != store.CycleComplete || c.ItemsLabeled != 8 || c.ItemsSkipped != 1 || c.CompletedAt == nil {
			t.Errorf("cycle: %s labeled %d skipped %d", c.Status, c.ItemsLabeled, c.ItemsSkipped)
		}
		// metrics_before is version 1 measured on the same validation set:
		// exactly what version 1 recorded when it was trained.
		before, v1m := metricsOf(t, c.MetricsBefore), metricsOf(t, v1.Metrics)
		if before["rmse"] != v1m["rmse"] || metricsOf(t, c.MetricsAfter)["rmse"] != metricsOf(t, nv.Metrics)["rmse"] {
			t.Errorf("metrics before %v (v1 %v), after %s (v2 %s)", before, v1m, c.MetricsAfter, nv.Metrics)
		}
		for i, it := range e.items(t, "") {
			want := nv.ID
			if it.Status == store.QueueLabeled || it.Status == store.QueueSkipped {
				want = old.ID // archived with the version that selected it
			}
			if it.ModelID != want {
				t.Errorf("item %d (%s) on model %d, want %d", it.ID, it.Status, it.ModelID, want)
			}
			if it.Status == store.QueuePending && it.Prediction != nil && items[i].Prediction != nil && *it.Prediction == *items[i].Prediction {
				t.Errorf("pending item %d not re-scored", it.ID)
			}
		}
		if held := e.items(t, "status = ?", store.QueueInProgress); len(held) != 1 || *held[0].AssignedTo != e.sci2.ID {
			t.Errorf("the in-progress claim was lost")
		}
		// The queue of the lineage still works: claims come from version 2.
		it, err := e.svc.ClaimNextItem(e.ctx, e.sci, e.model.ID)
		if err != nil || it == nil || it.ModelID != nv.ID {
			t.Errorf("claim after retrain: %+v %v", it, err)
		}
		stats, err := e.svc.Stats(e.ctx, e.model.ID)
		if err != nil || stats.Cycles != 1 || len(stats.LearningCurve) != 2 || stats.LearningCurve[1].Labels != 8 {
			t.Errorf("stats %+v %v", stats, err)
		}
		// A retried job after success does nothing.
		snap := e.snapshot(t)
		if err := e.svc.Retrain(e.ctx, c.ID, nil); err != nil || e.snapshot(t) != snap {
			t.Errorf("rerun after success: %v", err)
		}
		// The next selection comes from version 2 and never repeats a compound.
		c2 := e.selectBatch(t, "uncertainty", 5)
		if c2.CycleNumber != 2 || c2.ModelID != nv.ID {
			t.Errorf("cycle 2: number %d model %d", c2.CycleNumber, c2.ModelID)
		}
	})
}

// TestRetrainKilledMidwayResumes: the job's context is cancelled in the
// middle of training (as a kill -9 would stop it); nothing is half-applied,
// and running the job again (River's retry after restart) completes it once.
func TestRetrainKilledMidwayResumes(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c, _ := e.labelSome(t, 10, 6)
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 1); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot(t)
		for _, killAt := range []string{"featurize", "train", "evaluate", "apply"} {
			ctx, cancel := context.WithCancel(e.ctx)
			err := e.svc.Retrain(ctx, c.ID, func(stage string, _ float64, _ string) {
				if stage == killAt {
					cancel()
				}
			})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("killed at %s: %v, want context.Canceled", killAt, err)
			}
			// Only progress events were added.
			if after := e.snapshot(t); strip(after) != strip(before) {
				t.Fatalf("killed at %s left changes:\n%s\n%s", killAt, before, after)
			}
		}
		if err := e.svc.Retrain(e.ctx, c.ID, nil); err != nil {
			t.Fatal(err)
		}
		vs, _ := e.svc.ModelVersions(e.ctx, e.model.ID)
		c, _ = e.svc.Cycle(e.ctx, c.ID)
		if len(vs) != 2 || c.Status != store.CycleComplete {
			t.Fatalf("after resume: %d versions, cycle %s", len(vs), c.Status)
		}
	})
}

// strip drops the events count (progress events are the only rows a killed
// retrain may add) from a snapshot.
func strip(s string) string {
	if i := len("events="); len(s) > i && s[:i] == "events=" {
		for j := i; j < len(s); j++ {
			if s[j] == ' ' {
				return s[j:]
			}
		}
	}
	return s
}

// TestRetrainFailureChangesOnlyTheCycle: a retrain that cannot succeed
// (here the validation set was tampered with) marks the cycle failed with
// its error and changes nothing else; the cycle can be retriggered.
func TestRetrainFailureChangesOnlyTheCycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c, _ := e.labelSome(t, 8, 4)
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 4); err != nil {
			t.Fatal(err)
		}
		v1, _ := e.svc.Model(e.ctx, e.model.ID)
		if _, err := e.st.DB().NewUpdate().Table("validation_set_members").Set("value = value + 1").
			Where("validation_set_id = ?", *v1.ValidationSetID).Exec(e.ctx); err != nil {
			t.Fatal(err)
		}
		items := e.items(t, "")
		if err := e.svc.Retrain(e.ctx, c.ID, nil); err != nil {
			t.Fatalf("a failed retrain is not a job error (retrying cannot help): %v", err)
		}
		c, _ = e.svc.Cycle(e.ctx, c.ID)
		if c.Status != store.CycleFailed || c.Error == "" {
			t.Fatalf("cycle %s error %q", c.Status, c.Error)
		}
		vs, _ := e.svc.ModelVersions(e.ctx, e.model.ID)
		if len(vs) != 1 || vs[0].Status != store.ModelActive {
			t.Errorf("versions changed: %d", len(vs))
		}
		for i, it := range e.items(t, "") {
			if it.ModelID != items[i].ModelID || it.Version != items[i].Version {
				t.Errorf("item %d changed", it.ID)
			}
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 4); err != nil {
			t.Errorf("retrigger a failed cycle: %v", err)
		}
	})
}

// staleArtifact rewrites a version's artifact as if it had been trained on
// another feature layout (same length name, checksum resealed).
func (e *env) staleArtifact(t *testing.T, m *store.MLModel) {
	t.Helper()
	cur, old := []byte(features.Set), []byte(features.Set[:len(features.Set)-1]+"0")
	i := bytes.Index(m.Artifact, cur)
	if i < 0 || bytes.Equal(cur, old) {
		t.Fatalf("feature set %q not in the artifact", cur)
	}
	art := bytes.Clone(m.Artifact)
	copy(art[i:], old)
	binary.LittleEndian.PutUint32(art[len(art)-4:], crc32.Checksum(art[:len(art)-4], crc32.MakeTable(crc32.Castagnoli)))
	if _, err := e.st.DB().NewUpdate().Table("ml_models").Set("artifact = ?", art).Where("id = ?", m.ID).Exec(e.ctx); err != nil {
		t.Fatal(err)
	}
}

// A model trained on another feature layout refuses to select (CONFLICT,
// saying to retrain), and retraining it works: metrics before are those it
// recorded, and the new version predicts again.
func TestStaleFeatureSetRefusedThenRetrained(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c, _ := e.labelSome(t, 10, 6)
		v1, _ := e.svc.Model(e.ctx, e.model.ID)
		e.staleArtifact(t, v1)
		_, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "uncertainty", BatchSize: 3})
		var fe *activelearning.FeatureSetError
		if !errors.As(err, &fe) || fe.Current != features.Set || fe.ErrorCode() != "CONFLICT" || !strings.Contains(err.Error(), "retrain") {
			t.Fatalf("selection with a stale model: %v", err)
		}
		c, err = e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Retrain(e.ctx, c.ID, nil); err != nil {
			t.Fatalf("retrain of a stale model: %v", err)
		}
		c, _ = e.svc.Cycle(e.ctx, c.ID)
		if before := metricsOf(t, c.MetricsBefore); c.Status != store.CycleComplete || before["rmse"] != metricsOf(t, v1.Metrics)["rmse"] {
			t.Errorf("cycle %s, metrics before %s, v1 recorded %s", c.Status, c.MetricsBefore, v1.Metrics)
		}
		if c2 := e.selectBatch(t, "uncertainty", 3); c2.CycleNumber != 2 {
			t.Errorf("selection after retrain: cycle %d", c2.CycleNumber)
		}
	})
}

// TestMinNewLabelsCountsSinceActive: a retrain needs labels new since the
// active version was trained, in any cycle; retraining again on the same
// labels is refused (it counted the cycle's own labels before, so a second
// open cycle could "add" labels that were already trained on).
func TestMinNewLabelsCountsSinceActive(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c1, _ := e.labelSome(t, 12, 8) // 8 labels in cycle 1
		e.clock.Advance(time.Minute)
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c1.ID, activelearning.DefaultMinNewLabels); err == nil {
			t.Fatal("8 new labels passed a minimum of 10")
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c1.ID, 8); err != nil {
			t.Fatal(err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		// A second cycle, nothing labeled since the retrain: refused,
		// though the lineage has 8 labels.
		c2 := e.selectBatch(t, "random", 5)
		var ie *activelearning.InputError
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c2.ID, 1); !errors.As(err, &ie) || ie.Field != "minNewLabels" {
			t.Fatalf("retrain with no label since the active version = %v, want minNewLabels refused", err)
		}
		// Two labels later (in cycle 2): enough for a minimum of 2.
		for _, it := range e.items(t, "selection_batch = ? AND status = 'pending'", c2.CycleNumber)[:2] {
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: *it.Prediction}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c2.ID, 3); !errors.As(err, &ie) {
			t.Fatalf("2 new labels against a minimum of 3 = %v", err)
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c2.ID, 2); err != nil {
			t.Fatalf("2 new labels against a minimum of 2: %v", err)
		}
	})
}
