package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// queueMutable are the columns UpdateQueueItem writes (everything but id,
// compound_id, selection_strategy, selection_batch, created_at and the
// version and updated_at it sets itself).
var queueMutable = []string{"model_id", "prediction", "uncertainty", "applicability_distance", "priority_score",
	"status", "assigned_to", "assigned_at", "label", "label_source", "label_confidence", "labeled_at", "labeled_by",
	"notes", "lease_expires_at", "skip_reason"}

// UpdateQueueItem writes it's mutable columns if the row still has
// it.Version (optimistic concurrency: UPDATE ... SET version = version + 1
// WHERE id = ? AND version = ?), then sets it.Version and it.UpdatedAt to
// the new values. ErrConflict when the row changed since it was read
// (nothing is written); ErrNotFound when there is no such item; ErrInvalid
// for an unknown status, source or confidence. db may be a transaction or nil.
func (s *Store) UpdateQueueItem(ctx context.Context, db bun.IDB, it *LabelQueueItem) error {
	if err := it.prepare(now()); err != nil {
		return err
	}
	at := now()
	v, err := s.UpdateQueueItemIf(ctx, db, it.ID, it.Version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Column(queueMutable...)
	}, it, at)
	if err != nil {
		return err
	}
	it.Version, it.UpdatedAt = v, at
	return nil
}

// UpdateQueueItemIf applies set to item id if its version is still version,
// increasing the version and setting updated_at to at; it returns the new
// version. set adds SET clauses (q.Set("status = ?", ...)); with model
// non-nil, set may instead name model's columns (q.Column(...)).
// ErrConflict when the version moved on; ErrNotFound for an unknown item.
// db may be a transaction or nil.
func (s *Store) UpdateQueueItemIf(ctx context.Context, db bun.IDB, id int64, version int,
	set func(q *bun.UpdateQuery) *bun.UpdateQuery, model *LabelQueueItem, at time.Time) (int, error) {
	d := s.idb(db)
	q := d.NewUpdate()
	if model != nil {
		q = q.Model(model)
	} else {
		q = q.Model((*LabelQueueItem)(nil))
	}
	q = set(q).Set("version = ?", version+1).Set("updated_at = ?", dbTime(at)).
		Where("? = ?", bun.Ident("id"), id).Where("? = ?", bun.Ident("version"), version)
	res, err := q.Exec(ctx)
	what := fmt.Sprintf("update queue item %d at version %d", id, version)
	if err != nil {
		return 0, s.wrapErr(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if n == 1 {
		return version + 1, nil
	}
	exists, err := d.NewSelect().Model((*LabelQueueItem)(nil)).Where("? = ?", bun.Ident("id"), id).Exists(ctx)
	if err != nil {
		return 0, s.wrapErr(err, what)
	}
	if !exists {
		return 0, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return 0, fmt.Errorf("%s: changed meanwhile: %w", what, ErrConflict)
}
