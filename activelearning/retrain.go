package activelearning

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"activelab/auth"
	"activelab/ml/sampling"
	"activelab/store"
)

// TriggerRetrain asks for a retrain of the cycle's lineage (admin only): the
// cycle must be labeling (or failed, to try again) and have at least
// minNewLabels labels new since the lineage's current version was trained
// (DefaultMinNewLabels when the API gives none), else an *InputError says
// how many it has. The
// cycle becomes training and a retrain_model job is enqueued in the same
// transaction.
func (s *Service) TriggerRetrain(ctx context.Context, actor *store.User, cycleID store.ID, minNewLabels int) (*store.ActiveLearningCycle, error) {
	if err := auth.RequireRole(actor, "triggerRetrain", store.RoleAdmin); err != nil {
		return nil, err
	}
	if minNewLabels < 0 {
		return nil, inputErr("minNewLabels", "%d is negative", minNewLabels)
	}
	if s.jobs == nil {
		return nil, errors.New("trigger retrain: no job client (SetJobs)")
	}
	var out *store.ActiveLearningCycle
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Cycle(ctx, cycleID)
		if err != nil {
			return err
		}
		if c.Status != store.CycleLabeling && c.Status != store.CycleFailed {
			return fmt.Errorf("cycle %d is %s, not labeling: %w", cycleID, c.Status, store.ErrConflict)
		}
		lineage, err := versionLineage(ctx, tx, c.ModelID)
		if err != nil {
			return err
		}
		vs, err := tx.ModelVersions(ctx, lineage)
		if err != nil {
			return err
		}
		// New labels: those given after the current version was trained
		// (stored: CreatedAt, not ActivatedAt, which a promotion or a
		// rollback moves although the version's training data stay as
		// they were), in any cycle of the lineage.
		f := store.QueueFilter{ModelIDs: versionIDs(vs), Statuses: []store.QueueStatus{store.QueueLabeled}}
		if cur := activeOrLatest(vs); cur != nil && cur.ActivatedAt != nil {
			f.LabeledAfter = &cur.CreatedAt
		}
		n, err := tx.CountQueue(ctx, f)
		if err != nil {
			return fmt.Errorf("count labels: %w", err)
		}
		if n < minNewLabels || n == 0 {
			return inputErr("minNewLabels", "model %q has %d labels new since its version was trained; retraining needs at least %d",
				vs[0].Name, n, max(minNewLabels, 1))
		}
		if err := tx.StartCycleTraining(ctx, cycleID); err != nil {
			return err
		}
		if _, err := s.jobs.EnqueueRetrainModel(ctx, tx, cycleID); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, evt{Type: EventCycleUpdated, Model: lineage, Cycle: cycleID, Actor: actor.ID,
			Payload: map[string]any{"status": store.CycleTraining, "labels": n}}); err != nil {
			return err
		}
		out, err = tx.Cycle(ctx, cycleID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("trigger retrain of cycle %d: %w", cycleID, err)
	}
	return out, nil
}

// Retrain runs a cycle's retrain (jobs.Retrainer). It trains a new version
// on the lineage's original training set plus every label, measures it and
// the current active version on the same validation set, then in ONE
// transaction. When the new version's validation metric is not worse than
// the active one's by more than the lineage's tolerance (promotionDecision):
// the new version is active and the old one superseded; labeled and
// skipped items stay on their version, and the labeled items whose labels
// it trained on are archived with it (QueueItem.archivedAt); pending and in-progress items of the
// lineage are re-scored by the new version (prediction, uncertainty,
// applicability, priority under their cycle's strategy) and move to it.
// Otherwise the new version is stored as a candidate with its metrics and
// nothing else changes (an admin may PromoteVersion it, which archives the
// labeled items it trained on then). Either way the
// cycle is complete with metrics before and after, its counts and a
// promotion note saying what happened and why.
//
// It is idempotent and safe to kill: it does nothing unless the cycle is
// training, writes nothing before that final transaction (progress events
// aside), and the transaction re-checks the cycle. A cancelled context
// returns its error with nothing changed (River retries the job); any
// other failure marks the cycle failed with its error and changes nothing
// else.
func (s *Service) Retrain(ctx context.Context, cycleID store.ID, progress func(stage string, fraction float64, msg string)) error {
	c, err := s.st.Cycle(ctx, cycleID)
	if err != nil {
		return err
	}
	if c.Status != store.CycleTraining {
		return nil
	}
	lineage, err := versionLineage(ctx, s.st, c.ModelID)
	if err != nil {
		return err
	}
	report := func(stage string, fraction float64, msg string) {
		if progress != nil {
			progress(stage, fraction, msg)
		}
		if ctx.Err() != nil {
			return
		}
		// Progress is best effort: a failed write does not stop training.
		_ = s.st.InTx(ctx, func(tx *store.Tx) error {
			return s.emit(ctx, tx, evt{Type: EventRetrainProgress, Model: lineage, Cycle: cycleID,
				Payload: map[string]any{"stage": stage, "fraction": fraction, "message": msg}})
		})
	}
	err = s.retrain(ctx, c, lineage, report)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return err // killed: nothing applied, River retries
	default:
		return s.failCycle(ctx, cycleID, lineage, err)
	}
}

// metricsBefore measures the version being replaced on the lineage's
// validation set. A version trained on another feature layout cannot
// predict today's features: its metrics as recorded when it was trained
// (on the same validation compounds) stand in, so that retraining is the
// way out of a stale model, and stale reports it (a stale version cannot
// stay active, whatever the new version's metrics).
func (s *Service) metricsBefore(ctx context.Context, root, old *store.MLModel) (m map[string]float64, stale bool, err error) {
	oldModel, err := s.model(old)
	var fe *FeatureSetError
	if errors.As(err, &fe) {
		var recorded map[string]float64
		if err := json.Unmarshal(old.Metrics, &recorded); err != nil {
			return nil, true, fmt.Errorf("model %d metrics: %w", old.ID, err)
		}
		return recorded, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	valIDs, valY, _, err := s.validation(ctx, s.st, root)
	if err != nil {
		return nil, false, err
	}
	m, err = s.evaluate(ctx, oldModel, valIDs, valY, root.Task)
	return m, false, err
}

func (s *Service) retrain(ctx context.Context, c *store.ActiveLearningCycle, lineage store.ID, report func(string, float64, string)) error {
	vs, err := s.st.ModelVersions(ctx, lineage)
	if err != nil {
		return err
	}
	root := vs[0]
	old := activeOrLatest(vs)
	if old.Status != store.ModelActive {
		return fmt.Errorf("model %q has no active version to retrain", root.Name)
	}
	report("prepare", 0, fmt.Sprintf("retraining %q version %d", root.Name, old.Version))
	before, stale, err := s.metricsBefore(ctx, root, old)
	if err != nil {
		return err
	}
	next := vs[len(vs)-1].Version + 1
	start := time.Now()
	// Labels given up to now may be in the training data read next; the
	// labeled items archived with the new version are those among them
	// whose compound it trained on.
	readAt := s.now()
	t, err := s.train(ctx, root, root.Seed+int64(next)-1, func(stage string, f float64, msg string) {
		report(stage, 0.05+0.8*f, msg)
	})
	s.observeTraining(ctx, TrainingRetrain, start, err)
	if err != nil {
		return err
	}
	// The optional gain check: its failure (other than the job's end)
	// leaves the cycle without one rather than failing the retrain.
	gain, err := s.gainCheck(ctx, root, c, before, root.Seed+int64(next)-1, report)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.log.WarnContext(ctx, "retrain: gain check failed", "cycle", c.ID, "error", err.Error())
		gain = nil
	}
	promote, note := promotionDecision(root.Task, promotionTolerance(root), before, t.metrics, old.Version, next)
	if stale {
		promote, note = true, fmt.Sprintf("version %d activated: version %d was trained on another feature layout and cannot score today's compounds", next, old.Version)
	}
	if promote {
		report("apply", 0.9, "activating the new version and re-scoring the queue")
	} else {
		report("apply", 0.9, "keeping the new version as a candidate")
	}
	metricsAfter, _ := json.Marshal(t.metrics)
	metricsBefore, _ := json.Marshal(before)
	var newID store.ID
	applied := false
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Cycle(ctx, c.ID)
		if err != nil {
			return err
		}
		if cur.Status != store.CycleTraining {
			return nil // applied by an earlier attempt
		}
		act, err := tx.ModelVersion(ctx, old.ID)
		if err != nil {
			return err
		}
		if act.Status != store.ModelActive {
			return fmt.Errorf("version %d was superseded meanwhile: %w", old.Version, store.ErrConflict)
		}
		now := s.now()
		nv := &store.MLModel{Name: root.Name, Endpoint: root.Endpoint, Task: root.Task, Version: next, ParentID: &old.ID,
			Status: store.ModelCandidate, Params: root.Params, Artifact: t.artifact, Metrics: metricsAfter, TrainingSize: t.size, TrainedLabels: t.labels,
			Seed: root.Seed + int64(next) - 1, ValidationSetID: root.ValidationSetID, ValidationHash: root.ValidationHash,
			Classes: root.Classes, CreatedAt: now}
		if promote {
			if err := tx.SetMLModelStatus(ctx, old.ID, store.ModelSuperseded); err != nil {
				return err
			}
			nv.Status, nv.ActivatedAt = store.ModelActive, &now
		}
		if err := tx.CreateMLModel(ctx, nv); err != nil {
			return err
		}
		newID = nv.ID
		moved := 0
		if promote {
			if moved, err = s.rescore(ctx, tx, root, vs, nv, t.model); err != nil {
				return err
			}
		}
		archived, err := s.markTrained(ctx, tx, vs, nv, t.ids, readAt, promote, now)
		if err != nil {
			return err
		}
		counts, err := tx.CountQueueByStatus(ctx, store.QueueFilter{ModelIDs: versionIDs(vs), SelectionBatch: cur.CycleNumber})
		if err != nil {
			return fmt.Errorf("cycle counts: %w", err)
		}
		if err := tx.CompleteCycle(ctx, c.ID, store.CycleResult{MetricsBefore: metricsBefore, MetricsAfter: metricsAfter,
			Labeled: counts[store.QueueLabeled], Skipped: counts[store.QueueSkipped], At: now, PromotionNote: note, VersionID: nv.ID,
			LabelGain: gain}); err != nil {
			return fmt.Errorf("complete cycle: %w", err)
		}
		applied = true
		// Who asked for the retrain (triggerRetrain's event) is who
		// activated its version.
		by, err := tx.LastCycleActor(ctx, c.ID, EventCycleUpdated)
		if err != nil {
			return err
		}
		evts := []evt{{Type: EventModelTrained, Model: lineage, Cycle: c.ID, Actor: by, Payload: map[string]any{"version_id": nv.ID, "version": next,
			"status": nv.Status, "metrics": t.metrics, "training_size": t.size}}}
		if promote {
			evts = append(evts, evt{Type: EventModelActivated, Model: lineage, Cycle: c.ID, Actor: by, Payload: map[string]any{"version_id": nv.ID,
				"version": next, "superseded_id": old.ID, "action": "retrain", "reason": note}})
		}
		evts = append(evts,
			evt{Type: EventCycleUpdated, Model: lineage, Cycle: c.ID, Payload: map[string]any{"status": store.CycleComplete,
				"metrics_before": before, "metrics_after": t.metrics, "items_moved": moved, "items_archived": archived, "version_status": nv.Status,
				"promotion_note": note}},
			evt{Type: EventRetrainProgress, Model: lineage, Cycle: c.ID, Payload: map[string]any{"stage": "done", "fraction": 1.0, "message": note}})
		return s.emit(ctx, tx, evts...)
	})
	if err != nil {
		return fmt.Errorf("apply retrain: %w", err)
	}
	if applied && promote {
		s.cacheEnsemble(newID, t)
		s.cache.drop(old.ID) // superseded: it scores nothing any more
	}
	if applied && s.obs != nil {
		s.obs.RetrainApplied(root.Name, promote)
	}
	return nil
}

// markTrained records that version nv trained on the labels of the
// lineage's labeled items (not yet archived, labeled by readAt, when its
// training data was read) whose compounds are among its training
// compounds; with active (nv is activated) they are archived at at, else
// when nv is (PromoteVersion, RollbackModel). Returns how many items were
// archived.
func (s *Service) markTrained(ctx context.Context, tx *store.Tx, vs []*store.MLModel, nv *store.MLModel, trainIDs []store.ID,
	readAt time.Time, active bool, at time.Time) (int, error) {
	items, err := tx.UnarchivedLabeledItems(ctx, versionIDs(vs), readAt)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	inTraining := make(map[store.ID]bool, len(trainIDs))
	for _, id := range trainIDs {
		inTraining[id] = true
	}
	var ids []store.ID
	for _, it := range items {
		if inTraining[it.CompoundID] {
			ids = append(ids, it.ID)
		}
	}
	n, err := tx.MarkTrainedItems(ctx, ids, nv.ID, active, at)
	if err != nil || !active {
		return 0, err
	}
	return n, nil
}

// rescore moves the lineage's pending and in-progress items to the new
// version nv (scored by its model vm) with fresh predictions; their
// priorities are recomputed per selection batch with that batch's
// strategy. Returns how many moved.
func (s *Service) rescore(ctx context.Context, tx *store.Tx, root *store.MLModel, vs []*store.MLModel, nv *store.MLModel, vm versionModel) (int, error) {
	items, err := tx.OpenItems(ctx, versionIDs(vs))
	if err != nil {
		return 0, err
	}
	if len(items) == 0 {
		return 0, nil
	}
	ids := make([]store.ID, len(items))
	for i, it := range items {
		ids[i] = it.CompoundID
	}
	X, err := s.featureMatrix(ctx, tx, ids)
	if err != nil {
		return 0, err
	}
	pred, err := vm.predict(ctx, X)
	if err != nil {
		return 0, err
	}
	// The new version's domain: its training compounds, read in tx.
	dist := make([]float64, len(items))
	if d, err := s.domainOf(ctx, tx, root); err == nil {
		if dd, _, err := d.Distances(ctx, X, 1); err == nil {
			dist = dd
		}
	}
	// Priorities per batch, each with its strategy.
	byBatch := map[int][]int{}
	for i, it := range items {
		byBatch[it.SelectionBatch] = append(byBatch[it.SelectionBatch], i)
	}
	prio := make([]float64, len(items))
	for _, idx := range byBatch {
		spec, err := sampling.ParseSpec(items[idx[0]].SelectionStrategy)
		if err != nil {
			spec = sampling.Spec{Strategy: sampling.Uncertainty}
		}
		cands := make([]sampling.Candidate, len(idx))
		for k, i := range idx {
			cands[k] = pred.candidate(i, k, dist[i])
		}
		opt := sampling.Options{Strategy: spec.Strategy, BatchSize: len(idx)}
		if root.Task == store.TaskClassification {
			opt.Task = sampling.Classification
		}
		sc, err := sampling.Scores(cands, opt)
		if err != nil {
			return 0, fmt.Errorf("re-score: %w", err)
		}
		for k, i := range idx {
			prio[i] = sc[k]
		}
	}
	var low, high []float64
	if vm.ens != nil {
		low, high = intervals(vm.ens, pred.mean, pred.std)
	}
	scores := make([]store.Rescore, len(items))
	for i, it := range items {
		scores[i] = store.Rescore{ItemID: it.ID, Prediction: &pred.mean[i], Uncertainty: &pred.std[i],
			ApplicabilityDistance: &dist[i], IntervalLow: bound(low, i), IntervalHigh: bound(high, i),
			ClassProbabilities: pred.probsOf(i), PriorityScore: prio[i]}
	}
	return tx.MoveOpenItems(ctx, nv.ID, scores, s.now())
}

func (s *Service) failCycle(ctx context.Context, cycleID, lineage store.ID, cause error) error {
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		failed, err := tx.FailTrainingCycle(ctx, cycleID, cause.Error())
		if err != nil || !failed {
			return err
		}
		return s.emit(ctx, tx, evt{Type: EventCycleUpdated, Model: lineage, Cycle: cycleID,
			Payload: map[string]any{"status": store.CycleFailed, "error": cause.Error()}})
	})
	if err != nil {
		return fmt.Errorf("mark cycle %d failed (%v): %w", cycleID, cause, err)
	}
	return nil
}
