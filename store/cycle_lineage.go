package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// cycleMutable are the columns UpdateCycle writes.
var cycleMutable = []string{"model_id", "selection_strategy", "batch_size", "status", "metrics_before", "metrics_after",
	"items_selected", "items_labeled", "items_skipped", "completed_at", "error", "params", "seed", "trained_version_id"}

// lineageVersions is the subquery of a lineage's version IDs.
const lineageVersions = "(SELECT id FROM ml_models WHERE lineage_id = ?)"

// Cycle returns the cycle read through db (a transaction or nil);
// ErrNotFound when there is none.
func (s *conn) Cycle(ctx context.Context, id ID) (*ActiveLearningCycle, error) {
	c := new(ActiveLearningCycle)
	if err := s.db.NewSelect().Model(c).Where("alc.id = ?", id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("cycle %d", id))
	}
	return c, nil
}

// UpdateCycle writes c's mutable columns if the row still has c.Version
// (optimistic concurrency), then sets c.Version to the new value.
// ErrConflict when the cycle changed since it was read; ErrNotFound when
// there is no such cycle; ErrInvalid for an unknown status or a batch size
// below 1. db may be a transaction or nil.
func (s *conn) UpdateCycle(ctx context.Context, c *ActiveLearningCycle) error {
	switch {
	case !c.Status.Valid():
		return cycleStatusError(c.Status)
	case c.BatchSize < 1:
		return fmt.Errorf("cycle %d: batch size %d is below 1: %w", c.ID, c.BatchSize, ErrInvalid)
	}
	c.CompletedAt = dbTimePtr(c.CompletedAt)
	d := s.db
	what := fmt.Sprintf("update cycle %d at version %d", c.ID, c.Version)
	res, err := d.NewUpdate().Model(c).Column(cycleMutable...).Set("version = ?", c.Version+1).
		Where("id = ?", c.ID).Where("version = ?", c.Version).Exec(ctx)
	if err != nil {
		return s.wrapErr(err, what)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 1 {
		c.Version++
		return nil
	}
	exists, err := d.NewSelect().Model((*ActiveLearningCycle)(nil)).Where("id = ?", c.ID).Exists(ctx)
	if err != nil {
		return s.wrapErr(err, what)
	}
	if !exists {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: changed meanwhile: %w", what, ErrConflict)
}

// CyclesByLineage returns the cycles of every version of the lineage, by
// cycle number. db may be a transaction or nil.
func (s *conn) CyclesByLineage(ctx context.Context, lineageID ID) ([]*ActiveLearningCycle, error) {
	cs := []*ActiveLearningCycle{}
	err := s.db.NewSelect().Model(&cs).Where("alc.model_id IN "+lineageVersions, lineageID).
		Order("alc.cycle_number", "alc.id").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("cycles of model %d", lineageID))
	}
	return cs, nil
}

// CycleByNumber returns the lineage's cycle with this number (the queue
// items' selection_batch); ErrNotFound when there is none.
func (s *conn) CycleByNumber(ctx context.Context, lineageID ID, number int) (*ActiveLearningCycle, error) {
	c := new(ActiveLearningCycle)
	err := s.db.NewSelect().Model(c).Where("alc.model_id IN "+lineageVersions, lineageID).
		Where("alc.cycle_number = ?", number).Order("alc.id").Limit(1).Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("cycle %d of model %d", number, lineageID))
	}
	return c, nil
}

// NextCycleNumber returns the number the lineage's next cycle takes: one
// more than the highest cycle number of any of its versions, and one more
// than the highest selection batch of its queue items (cycle_number =
// selection_batch), 1 for the first. Call it in the transaction that
// creates the cycle; a concurrent creator then gets ErrConflict from
// CreateCycle on the same version (retry) — across versions the numbers are
// kept apart by the service creating cycles on the active version only.
func (s *conn) NextCycleNumber(ctx context.Context, lineageID ID) (int, error) {
	var n int
	err := s.db.NewRaw(`SELECT COALESCE(MAX(n), 0) + 1 FROM (
	SELECT MAX(cycle_number) AS n FROM active_learning_cycles WHERE model_id IN `+lineageVersions+`
	UNION ALL
	SELECT MAX(selection_batch) AS n FROM label_queue WHERE model_id IN `+lineageVersions+`
) AS m`, lineageID, lineageID).Scan(ctx, &n)
	if err != nil {
		return 0, s.wrapErr(err, fmt.Sprintf("next cycle number of model %d", lineageID))
	}
	return n, nil
}

// BumpCycleCounts adds labeled and skipped to the cycle's items_labeled and
// items_skipped in one statement (no read, so concurrent labellers never
// lose a count) and increases its version. ErrNotFound for an unknown
// cycle. db may be a transaction or nil.
func (s *conn) BumpCycleCounts(ctx context.Context, cycleID ID, labeled, skipped int) error {
	res, err := s.db.NewUpdate().Model((*ActiveLearningCycle)(nil)).
		Set("items_labeled = items_labeled + ?", labeled).Set("items_skipped = items_skipped + ?", skipped).
		Set("version = version + 1").Where("id = ?", cycleID).Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("count labels of cycle %d", cycleID))
}

// setCycle applies set to cycle id (increasing its version) where the
// cycle's status is one of from (any status when from is empty), and
// reports whether it did. ErrNotFound for an unknown cycle.
func (s *conn) setCycle(ctx context.Context, id ID, from []CycleStatus, what string, set func(*bun.UpdateQuery) *bun.UpdateQuery) (bool, error) {
	q := set(s.db.NewUpdate().Model((*ActiveLearningCycle)(nil))).Set("version = version + 1").Where("id = ?", id)
	if len(from) > 0 {
		q = q.Where("status IN (?)", bun.List(from))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, s.wrapErr(err, fmt.Sprintf("%s: cycle %d", what, id))
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	if _, err := s.Cycle(ctx, id); err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return false, nil
}

// StartCycleTraining moves cycle id to training and clears its error.
// ErrNotFound for an unknown cycle.
func (s *conn) StartCycleTraining(ctx context.Context, id ID) error {
	_, err := s.setCycle(ctx, id, nil, "start training", func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", CycleTraining).Set("error = ''")
	})
	return err
}

// CycleResult is what a finished retrain records on its cycle.
type CycleResult struct {
	MetricsBefore, MetricsAfter json.RawMessage
	Labeled, Skipped            int
	At                          time.Time
	// PromotionNote says whether the new version was activated or kept
	// as a candidate, and why.
	PromotionNote string
	// VersionID is the version the retrain produced.
	VersionID ID
	// LabelGain is the retrain's gain check (JSON), if it ran; empty
	// leaves the column NULL.
	LabelGain json.RawMessage
}

// CompleteCycle marks cycle id complete at r.At with its metrics before and
// after, its final labeled and skipped counts and the version it trained
// (none when r.VersionID is NilID), clearing its error.
func (s *conn) CompleteCycle(ctx context.Context, id ID, r CycleResult) error {
	_, err := s.setCycle(ctx, id, nil, "complete", func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", CycleComplete).Set("metrics_before = ?", string(r.MetricsBefore)).
			Set("metrics_after = ?", string(r.MetricsAfter)).Set("items_labeled = ?", r.Labeled).
			Set("items_skipped = ?", r.Skipped).Set("completed_at = ?", dbTime(r.At)).Set("error = ''").
			Set("promotion_note = ?", r.PromotionNote).Set("trained_version_id = ?", idOrNull(r.VersionID)).
			Set("label_gain = ?", jsonOrNull(r.LabelGain))
	})
	return err
}

// FailTrainingCycle marks cycle id failed with msg if it is training, and
// reports whether it was.
func (s *conn) FailTrainingCycle(ctx context.Context, id ID, msg string) (bool, error) {
	return s.setCycle(ctx, id, []CycleStatus{CycleTraining}, "fail", func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", CycleFailed).Set("error = ?", msg)
	})
}

// SetCycleSelected records how many items a selection enqueued for cycle
// id (without a new version: the selection's own transaction moves the
// cycle on).
func (s *conn) SetCycleSelected(ctx context.Context, id ID, n int) error {
	res, err := s.db.NewUpdate().Model((*ActiveLearningCycle)(nil)).Set("items_selected = ?", n).Where("id = ?", id).Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("items selected of cycle %d", id))
}

// OpenCycleForLabeling moves cycle id from selecting to labeling with the
// number of items its selection enqueued. ErrConflict when the cycle is no
// longer selecting (its selection was cancelled meanwhile: the caller's
// transaction must roll back its items); ErrNotFound for an unknown cycle.
func (s *conn) OpenCycleForLabeling(ctx context.Context, id ID, selected int) error {
	ok, err := s.setCycle(ctx, id, []CycleStatus{CycleSelecting}, "open for labeling", func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", CycleLabeling).Set("items_selected = ?", selected)
	})
	if err == nil && !ok {
		return fmt.Errorf("open cycle %d for labeling: it is no longer selecting: %w", id, ErrConflict)
	}
	return err
}

// CancelSelectingCycle ends cycle id, if it is still selecting, as
// cancelled at at with msg as its error, deletes the shards its selection
// stored, and reports whether it did. A cycle that has left selecting
// (its batch is queued) is left alone. ErrNotFound for an unknown cycle.
func (s *conn) CancelSelectingCycle(ctx context.Context, id ID, msg string, at time.Time) (bool, error) {
	ok, err := s.setCycle(ctx, id, []CycleStatus{CycleSelecting}, "cancel", func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", CycleCancelled).Set("error = ?", msg).Set("completed_at = ?", dbTime(at))
	})
	if err != nil || !ok {
		return ok, err
	}
	if err := s.DeleteSelectionShards(ctx, id); err != nil {
		return false, fmt.Errorf("cancel cycle %d: %w", id, err)
	}
	return true, nil
}

// SetCycleParams replaces cycle id's selection parameters (JSON).
func (s *conn) SetCycleParams(ctx context.Context, id ID, params json.RawMessage) error {
	_, err := s.setCycle(ctx, id, nil, "set params", func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("params = ?", string(params))
	})
	return err
}

// jsonOrNull is a JSON value as text for a JSON column, or NULL when
// empty.
func jsonOrNull(j json.RawMessage) any {
	if len(j) == 0 {
		return nil
	}
	return string(j)
}
