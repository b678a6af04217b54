package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// cycleMutable are the columns UpdateCycle writes.
var cycleMutable = []string{"model_id", "selection_strategy", "batch_size", "status", "metrics_before", "metrics_after",
	"items_selected", "items_labeled", "items_skipped", "completed_at", "error", "params", "seed"}

// lineageVersions is the subquery of a lineage's version IDs.
const lineageVersions = "(SELECT id FROM ml_models WHERE lineage_id = ?)"

// Cycle returns the cycle read through db (a transaction or nil);
// ErrNotFound when there is none.
func (s *Store) Cycle(ctx context.Context, db bun.IDB, id int64) (*ActiveLearningCycle, error) {
	c := new(ActiveLearningCycle)
	if err := s.idb(db).NewSelect().Model(c).Where("alc.id = ?", id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("cycle %d", id))
	}
	return c, nil
}

// UpdateCycle writes c's mutable columns if the row still has c.Version
// (optimistic concurrency), then sets c.Version to the new value.
// ErrConflict when the cycle changed since it was read; ErrNotFound when
// there is no such cycle; ErrInvalid for an unknown status or a batch size
// below 1. db may be a transaction or nil.
func (s *Store) UpdateCycle(ctx context.Context, db bun.IDB, c *ActiveLearningCycle) error {
	switch {
	case !c.Status.Valid():
		return enumError("cycle status", string(c.Status), "selecting", "labeling", "training", "complete", "failed")
	case c.BatchSize < 1:
		return fmt.Errorf("cycle %d: batch size %d is below 1: %w", c.ID, c.BatchSize, ErrInvalid)
	}
	c.CompletedAt = dbTimePtr(c.CompletedAt)
	d := s.idb(db)
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
func (s *Store) CyclesByLineage(ctx context.Context, db bun.IDB, lineageID int64) ([]*ActiveLearningCycle, error) {
	cs := []*ActiveLearningCycle{}
	err := s.idb(db).NewSelect().Model(&cs).Where("alc.model_id IN "+lineageVersions, lineageID).
		Order("alc.cycle_number", "alc.id").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("cycles of model %d", lineageID))
	}
	return cs, nil
}

// CycleByNumber returns the lineage's cycle with this number (the queue
// items' selection_batch); ErrNotFound when there is none.
func (s *Store) CycleByNumber(ctx context.Context, db bun.IDB, lineageID int64, number int) (*ActiveLearningCycle, error) {
	c := new(ActiveLearningCycle)
	err := s.idb(db).NewSelect().Model(c).Where("alc.model_id IN "+lineageVersions, lineageID).
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
func (s *Store) NextCycleNumber(ctx context.Context, db bun.IDB, lineageID int64) (int, error) {
	var n int
	err := s.idb(db).NewRaw(`SELECT COALESCE(MAX(n), 0) + 1 FROM (
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
func (s *Store) BumpCycleCounts(ctx context.Context, db bun.IDB, cycleID int64, labeled, skipped int) error {
	res, err := s.idb(db).NewUpdate().Model((*ActiveLearningCycle)(nil)).
		Set("items_labeled = items_labeled + ?", labeled).Set("items_skipped = items_skipped + ?", skipped).
		Set("version = version + 1").Where("id = ?", cycleID).Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("count labels of cycle %d", cycleID))
}
