package activelearning

import (
	"context"
	"fmt"
	"math"
	"strings"

	"activelab/auth"
	"activelab/store"
)

// Default promotion tolerances: how much worse than the active version a
// retrained one may be on the lineage's validation set and still be
// activated automatically.
const (
	// DefaultRegressionTolerance is a relative RMSE increase: 0.02 lets a
	// version with RMSE up to 1.02 times the active one's through.
	DefaultRegressionTolerance = 0.02
	// DefaultClassificationTolerance is an absolute ROC-AUC drop: 0.01
	// lets a version with AUC down to the active one's minus 0.01 through.
	DefaultClassificationTolerance = 0.01
)

// promotionTolerance is the lineage's tolerance (set on its version 1),
// else the task's default.
func promotionTolerance(root *store.MLModel) float64 {
	if root.PromotionTolerance != nil {
		return *root.PromotionTolerance
	}
	if root.Task == store.TaskClassification {
		return DefaultClassificationTolerance
	}
	return DefaultRegressionTolerance
}

// checkTolerance refuses a tolerance that is negative or not finite.
func checkTolerance(tol *float64) error {
	if tol != nil && (math.IsNaN(*tol) || math.IsInf(*tol, 0) || *tol < 0) {
		return inputErr("promotionTolerance", "%v is not a finite number >= 0", *tol)
	}
	return nil
}

// metricOf returns the gating metric of a task from metrics: rmse for
// regression, auc (or its alias roc_auc) for classification.
func metricOf(task store.Task, m map[string]float64) (name string, v float64, ok bool) {
	if task == store.TaskClassification {
		for _, k := range []string{"auc", "roc_auc"} {
			if v, ok := m[k]; ok {
				return "auc", v, true
			}
		}
		return "auc", 0, false
	}
	v, ok = m["rmse"]
	return "rmse", v, ok
}

// promotionDecision says whether a retrained version with metrics after
// may replace the active one with metrics before, given tol, and why.
//
// The rule (issue 11): regression activates when rmse_after <=
// rmse_before * (1 + tol); classification when auc_after >= auc_before -
// tol. A new metric that is missing or not finite never activates; an
// active version without a usable metric (nothing to compare) always
// lets the new version through.
func promotionDecision(task store.Task, tol float64, before, after map[string]float64, oldVersion, newVersion int) (bool, string) {
	name, b, okB := metricOf(task, before)
	_, a, okA := metricOf(task, after)
	switch {
	case !okA || math.IsNaN(a) || math.IsInf(a, 0):
		return false, fmt.Sprintf("version %d kept as a candidate: it has no finite validation %s", newVersion, name)
	case !okB || math.IsNaN(b) || math.IsInf(b, 0):
		return true, fmt.Sprintf("version %d activated: version %d has no finite validation %s to compare with", newVersion, oldVersion, name)
	}
	var pass bool
	var limit, rule string
	if task == store.TaskClassification {
		bound := b - tol
		pass = a >= bound
		limit, rule = fmt.Sprintf("at least %.4g", bound), fmt.Sprintf("-%.4g absolute", tol)
	} else {
		bound := b * (1 + tol)
		pass = a <= bound
		limit, rule = fmt.Sprintf("at most %.4g", bound), fmt.Sprintf("+%.4g %% relative", tol*100)
	}
	if pass {
		return true, fmt.Sprintf("version %d activated: validation %s %.4g against version %d's %.4g (tolerance %s: %s)",
			newVersion, name, a, oldVersion, b, rule, limit)
	}
	return false, fmt.Sprintf("version %d kept as a candidate: validation %s %.4g is worse than active version %d's %.4g beyond the tolerance (%s: %s)",
		newVersion, name, a, oldVersion, b, rule, limit)
}

// PromoteVersion activates a candidate version (admin only, with a
// reason): the lineage's active version is superseded, the lineage's
// pending and in-progress items are re-scored by the candidate and move
// to it, and a model_activated event records who and why. ErrNotFound for
// an unknown version; ErrConflict when it is not a candidate.
func (s *Service) PromoteVersion(ctx context.Context, actor *store.User, versionID store.ID, reason string) (*store.MLModel, error) {
	if err := auth.RequireRole(actor, "promoteVersion", store.RoleAdmin); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, inputErr("reason", "a promotion needs a reason")
	}
	v, err := s.st.ModelVersion(ctx, versionID)
	if err != nil {
		return nil, fmt.Errorf("promote version %d: %w", versionID, err)
	}
	if v.Status != store.ModelCandidate {
		return nil, fmt.Errorf("promote version %d: it is %s, not a candidate: %w", versionID, v.Status, store.ErrConflict)
	}
	out, err := s.activate(ctx, actor, v, "promote", reason, store.ModelCandidate)
	if err != nil {
		return nil, fmt.Errorf("promote version %d: %w", versionID, err)
	}
	return out, nil
}

// RollbackModel reactivates an earlier version of a lineage (admin only):
// toVersion must be superseded or a candidate. As with PromoteVersion, the
// active version is superseded, pending items are re-scored by the
// reactivated one and move to it, and a model_activated event records who
// and why (reason may be empty). ErrNotFound for an unknown model or
// version; ErrConflict when the version is active, training or failed.
func (s *Service) RollbackModel(ctx context.Context, actor *store.User, lineageID store.ID, toVersion int, reason string) (*store.MLModel, error) {
	if err := auth.RequireRole(actor, "rollbackModel", store.RoleAdmin); err != nil {
		return nil, err
	}
	if toVersion < 1 {
		return nil, inputErr("toVersion", "%d is not a version number", toVersion)
	}
	vs, err := s.st.ModelVersions(ctx, lineageID)
	if err != nil {
		return nil, fmt.Errorf("roll back model %d: %w", lineageID, err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("roll back model %d: %w", lineageID, store.ErrNotFound)
	}
	var v *store.MLModel
	for _, x := range vs {
		if x.Version == toVersion {
			v = x
		}
	}
	switch {
	case v == nil:
		return nil, fmt.Errorf("roll back model %d: no version %d: %w", lineageID, toVersion, store.ErrNotFound)
	case v.Status != store.ModelSuperseded && v.Status != store.ModelCandidate:
		return nil, fmt.Errorf("roll back model %d to version %d: it is %s: %w", lineageID, toVersion, v.Status, store.ErrConflict)
	}
	out, err := s.activate(ctx, actor, v, "rollback", strings.TrimSpace(reason), v.Status)
	if err != nil {
		return nil, fmt.Errorf("roll back model %d to version %d: %w", lineageID, toVersion, err)
	}
	return out, nil
}

// activate makes v (whose status was from) the lineage's active version in
// one transaction, re-scores the lineage's open items by it and archives
// the labeled items it trained on that are not archived yet.
func (s *Service) activate(ctx context.Context, actor *store.User, v *store.MLModel, action, reason string, from store.ModelStatus) (*store.MLModel, error) {
	vm, err := s.model(v) // decoded outside the transaction
	if err != nil {
		return nil, err
	}
	lineage, err := lineageOf(v)
	if err != nil {
		return nil, err
	}
	var out *store.MLModel
	var superseded store.ID
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.ModelVersion(ctx, v.ID)
		if err != nil {
			return err
		}
		if cur.Status != from {
			return fmt.Errorf("version %d became %s meanwhile: %w", v.Version, cur.Status, store.ErrConflict)
		}
		if superseded, err = tx.ActivateVersion(ctx, v.ID, s.now()); err != nil {
			return err
		}
		vs, err := tx.ModelVersions(ctx, lineage)
		if err != nil {
			return err
		}
		if out, err = tx.ModelVersion(ctx, v.ID); err != nil {
			return err
		}
		moved, err := s.rescore(ctx, tx, vs[0], vs, out, vm)
		if err != nil {
			return err
		}
		archived, err := tx.ArchiveItemsTrainedBy(ctx, v.ID, s.now())
		if err != nil {
			return err
		}
		return s.emit(ctx, tx, evt{Type: EventModelActivated, Model: lineage, Actor: actor.ID,
			Payload: map[string]any{"version_id": v.ID, "version": v.Version, "superseded_id": superseded,
				"action": action, "reason": reason, "from": from, "items_moved": moved, "items_archived": archived}})
	})
	if err != nil {
		return nil, err
	}
	if superseded != store.NilID {
		s.cache.drop(superseded) // it scores nothing any more
	}
	return out, nil
}
