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
	"notes", "lease_expires_at", "skip_reason", "label_implausible"}

// UpdateQueueItem writes it's mutable columns if the row still has
// it.Version (optimistic concurrency: UPDATE ... SET version = version + 1
// WHERE id = ? AND version = ?), then sets it.Version and it.UpdatedAt to
// the new values. ErrConflict when the row changed since it was read
// (nothing is written); ErrNotFound when there is no such item; ErrInvalid
// for an unknown status, source or confidence. db may be a transaction or nil.
func (s *conn) UpdateQueueItem(ctx context.Context, it *LabelQueueItem) error {
	if err := it.prepare(now()); err != nil {
		return err
	}
	at := now()
	v, err := s.updateItemIf(ctx, it.ID, it.Version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Column(queueMutable...)
	}, it, at)
	if err != nil {
		return err
	}
	it.Version, it.UpdatedAt = v, at
	return nil
}

// updateItemIf applies set to item id if its version is still version,
// increasing the version and setting updated_at to at; it returns the new
// version. set adds SET clauses (q.Set("status = ?", ...)); with model
// non-nil, set may instead name model's columns (q.Column(...)).
// ErrConflict when the version moved on; ErrNotFound for an unknown item.
// db may be a transaction or nil.
func (s *conn) updateItemIf(ctx context.Context, id ID, version int,
	set func(q *bun.UpdateQuery) *bun.UpdateQuery, model *LabelQueueItem, at time.Time) (int, error) {
	d := s.db
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

// ItemLabel is a labeler's answer for a queue item (LabelItem).
type ItemLabel struct {
	Value      float64
	Source     Source
	Confidence Confidence
	Notes      string
	By         ID // the labeler, who also becomes the assignee
	// Implausible marks a value confirmed although implausible.
	Implausible bool
}

// LabelItem records l on item id if the item is still at version: the item
// becomes labeled by l.By at at, and its lease ends. ErrConflict when the
// item changed since version was read; ErrNotFound for an unknown item.
func (s *conn) LabelItem(ctx context.Context, id ID, version int, l ItemLabel, at time.Time) error {
	if !l.Source.Valid() {
		return enumError("label source", string(l.Source), "experimental", "literature", "expert_estimate")
	}
	if !l.Confidence.Valid() {
		return enumError("label confidence", string(l.Confidence), "high", "medium", "low")
	}
	_, err := s.updateItemIf(ctx, id, version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", QueueLabeled).Set("label = ?", l.Value).Set("label_source = ?", l.Source).
			Set("label_confidence = ?", l.Confidence).Set("labeled_at = ?", dbTime(at)).Set("labeled_by = ?", l.By).
			Set("notes = ?", l.Notes).Set("lease_expires_at = NULL").Set("assigned_to = ?", l.By).
			Set("label_implausible = ?", l.Implausible)
	}, nil, at)
	return err
}

// SkipQueueItem marks item id skipped by user by with reason if it is still
// at version; its lease ends. ErrConflict / ErrNotFound as LabelItem.
func (s *conn) SkipQueueItem(ctx context.Context, id ID, version int, by ID, reason string, at time.Time) error {
	_, err := s.updateItemIf(ctx, id, version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", QueueSkipped).Set("skip_reason = ?", reason).
			Set("lease_expires_at = NULL").Set("assigned_to = ?", by)
	}, nil, at)
	return err
}

// AssignQueueItem makes item id pending and assigned to user to at at if it
// is still at version (any lease ends). ErrConflict / ErrNotFound as
// LabelItem.
func (s *conn) AssignQueueItem(ctx context.Context, id ID, version int, to ID, at time.Time) error {
	_, err := s.updateItemIf(ctx, id, version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", QueuePending).Set("assigned_to = ?", to).Set("assigned_at = ?", dbTime(at)).
			Set("lease_expires_at = NULL")
	}, nil, at)
	return err
}

// RenewItemLease moves item id's lease to until if the item is still at
// version. ErrConflict / ErrNotFound as LabelItem.
func (s *conn) RenewItemLease(ctx context.Context, id ID, version int, until, at time.Time) error {
	_, err := s.updateItemIf(ctx, id, version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("lease_expires_at = ?", dbTime(until))
	}, nil, at)
	return err
}

// ClaimItem makes item id in progress for user until leaseUntil if it is
// still at version (the caller checked that nobody else holds it).
// ErrConflict / ErrNotFound as LabelItem.
func (s *conn) ClaimItem(ctx context.Context, id ID, version int, user ID, now, leaseUntil time.Time) error {
	_, err := s.updateItemIf(ctx, id, version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", QueueInProgress).Set("assigned_to = ?", user).Set("assigned_at = ?", dbTime(now)).
			Set("lease_expires_at = ?", dbTime(leaseUntil))
	}, nil, now)
	return err
}

// ReleaseItem hands in-progress item id back, pending and unassigned, if it
// is still at version. ErrConflict / ErrNotFound as LabelItem.
func (s *conn) ReleaseItem(ctx context.Context, id ID, version int, at time.Time) error {
	_, err := s.updateItemIf(ctx, id, version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", QueuePending).Set("assigned_to = NULL").Set("assigned_at = NULL").
			Set("lease_expires_at = NULL").Where("status = ?", QueueInProgress)
	}, nil, at)
	return err
}
