package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// LabelAction is what a label history entry records.
type LabelAction string

// The label actions.
const (
	LabelLabeled   LabelAction = "labeled"
	LabelAmended   LabelAction = "amended"
	LabelRetracted LabelAction = "retracted"
)

// LabelChange is one entry of a queue item's label history: its first
// label, a correction or a retraction, with who, when and why. Entries are
// never changed.
type LabelChange struct {
	bun.BaseModel `bun:"table:label_history,alias:lh"`

	ID          ID          `bun:"id,pk,autoincrement"`
	QueueItemID ID          `bun:"queue_item_id,notnull"`
	Action      LabelAction `bun:"action,notnull"`
	// Value is the label after the change (nil for a retraction);
	// PreviousValue the label before it (nil for the first label).
	Value         *float64    `bun:"value"`
	PreviousValue *float64    `bun:"previous_value"`
	Source        *Source     `bun:"source"`
	Confidence    *Confidence `bun:"confidence"`
	Notes         string      `bun:"notes,notnull"`
	Reason        string      `bun:"reason,notnull"`
	UserID        *ID         `bun:"user_id"`
	CreatedAt     time.Time   `bun:"created_at,notnull"`
}

// AddLabelChange appends c to its item's history and sets c.ID.
// ErrInvalid for an unknown action; ErrNotFound for an unknown item.
func (s *conn) AddLabelChange(ctx context.Context, c *LabelChange) error {
	switch c.Action {
	case LabelLabeled, LabelAmended, LabelRetracted:
	default:
		return enumError("label action", string(c.Action), "labeled", "amended", "retracted")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now()
	}
	c.CreatedAt = dbTime(c.CreatedAt)
	newID(&c.ID)
	_, err := s.db.NewInsert().Model(c).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("label history of queue item %d", c.QueueItemID))
}

// LabelHistory returns the items' label histories, oldest entry first, by
// item id (an item without history is absent): one query for a page of
// items.
func (s *conn) LabelHistory(ctx context.Context, itemIDs []ID) (map[ID][]*LabelChange, error) {
	out := map[ID][]*LabelChange{}
	if len(itemIDs) == 0 {
		return out, nil
	}
	var cs []*LabelChange
	if err := s.db.NewSelect().Model(&cs).Where("lh.queue_item_id IN (?)", bun.List(itemIDs)).Order("lh.id").Scan(ctx); err != nil {
		return nil, s.wrapErr(err, "label history")
	}
	for _, c := range cs {
		out[c.QueueItemID] = append(out[c.QueueItemID], c)
	}
	return out, nil
}

// AmendItemLabel replaces labeled item id's label, source, confidence,
// notes and implausible flag with l's if the item is still at version (the
// labeler and the time of the first label stay); ErrConflict when it changed
// or is not labeled, ErrNotFound for an unknown item.
func (s *conn) AmendItemLabel(ctx context.Context, id ID, version int, l ItemLabel, at time.Time) error {
	if !l.Source.Valid() {
		return enumError("label source", string(l.Source), "experimental", "literature", "expert_estimate")
	}
	if !l.Confidence.Valid() {
		return enumError("label confidence", string(l.Confidence), "high", "medium", "low")
	}
	_, err := s.updateItemIf(ctx, id, version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("label = ?", l.Value).Set("label_source = ?", l.Source).Set("label_confidence = ?", l.Confidence).
			Set("notes = ?", l.Notes).Set("label_implausible = ?", l.Implausible).Where("status = ?", QueueLabeled)
	}, nil, at)
	return err
}

// ReopenItem takes labeled item id's label away if it is still at version:
// the item is pending again, unassigned, without label, for anyone to
// label anew, and no longer archived. ErrConflict when it changed, ErrNotFound for an unknown item.
func (s *conn) ReopenItem(ctx context.Context, id ID, version int, at time.Time) error {
	_, err := s.updateItemIf(ctx, id, version, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", QueuePending).Set("label = NULL").Set("label_source = NULL").
			Set("label_confidence = NULL").Set("labeled_at = NULL").Set("labeled_by = NULL").
			Set("assigned_to = NULL").Set("assigned_at = NULL").Set("lease_expires_at = NULL").
			Set("label_implausible = ?", false).Set("archived_at = NULL").Set("archived_version_id = NULL").
			Where("status = ?", QueueLabeled)
	}, nil, at)
	return err
}

// UpdateItemMeasurement sets the value, source, confidence and implausible
// flag of the measurement a queue item's label became.
func (s *conn) UpdateItemMeasurement(ctx context.Context, itemID ID, l ItemLabel) error {
	res, err := s.db.NewUpdate().Model((*Measurement)(nil)).Set("value = ?", l.Value).Set("source = ?", l.Source).
		Set("confidence = ?", l.Confidence).Set("implausible = ?", l.Implausible).Where("queue_item_id = ?", itemID).Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("measurement of queue item %d", itemID))
}

// DeleteItemMeasurement removes the measurement a queue item's label became
// (a retracted label trains nothing; its value stays in the history).
func (s *conn) DeleteItemMeasurement(ctx context.Context, itemID ID) error {
	res, err := s.db.NewDelete().Model((*Measurement)(nil)).Where("queue_item_id = ?", itemID).Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("measurement of queue item %d", itemID))
}
