package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// QueueFilter selects label-queue items; zero fields select everything.
type QueueFilter struct {
	// ModelIDs are model versions (LineageVersionIDs for a lineage); empty
	// for any model.
	ModelIDs []ID
	// LineageID, when set, restricts to items of that lineage's versions
	// (label_queue.lineage_id: the same items as ModelIDs set to every
	// version of the lineage, without reading the versions first).
	LineageID *ID
	// Statuses restricts to these statuses; empty for any.
	Statuses []QueueStatus
	// AssignedTo restricts to items assigned to this user.
	AssignedTo *ID
	// SelectionBatch restricts to one selection batch (a cycle's number); 0
	// for any.
	SelectionBatch int
	// CompoundIDs restricts to items of these compounds; empty for any.
	CompoundIDs []ID
	// LabeledAfter restricts to items labeled at or after this time.
	LabeledAfter *time.Time
	// Archived, when set, restricts to archived items (true) or to items
	// not archived (false); nil for both.
	Archived *bool
}

func (f QueueFilter) apply(q *bun.SelectQuery) (*bun.SelectQuery, error) {
	if len(f.ModelIDs) > 0 {
		q = q.Where("lq.model_id IN (?)", bun.List(f.ModelIDs))
	}
	if f.LineageID != nil {
		q = q.Where("lq.lineage_id = ?", *f.LineageID)
	}
	if len(f.Statuses) > 0 {
		for _, st := range f.Statuses {
			if !st.Valid() {
				return nil, enumError("queue status", string(st), "pending", "in_progress", "labeled", "skipped")
			}
		}
		q = q.Where("lq.status IN (?)", bun.List(f.Statuses))
	}
	if f.AssignedTo != nil {
		q = q.Where("lq.assigned_to = ?", *f.AssignedTo)
	}
	if f.SelectionBatch != 0 {
		q = q.Where("lq.selection_batch = ?", f.SelectionBatch)
	}
	if len(f.CompoundIDs) > 0 {
		q = q.Where("lq.compound_id IN (?)", bun.List(f.CompoundIDs))
	}
	if f.LabeledAfter != nil {
		q = q.Where("lq.labeled_at >= ?", dbTime(*f.LabeledAfter))
	}
	if f.Archived != nil {
		if *f.Archived {
			q = q.Where("lq.archived_at IS NOT NULL")
		} else {
			q = q.Where("lq.archived_at IS NULL")
		}
	}
	return q, nil
}

// QueueOrder is the order of ListQueue; each ends with id as the
// tie-break, so pages never overlap or skip an item.
type QueueOrder int

// The queue orders.
const (
	// QueueByPriority is priority_score descending, then id ascending (the
	// order ClaimNextItem hands items out).
	QueueByPriority QueueOrder = iota
	// QueueByCreatedAsc is oldest first: id ascending (ids increase with
	// creation time).
	QueueByCreatedAsc
	// QueueByCreatedDesc is newest first: id descending.
	QueueByCreatedDesc
	// QueueByLabeledDesc is most recently labeled first: labeled_at
	// descending, then id descending; items never labeled (no labeled_at)
	// come after every labeled one, newest first.
	QueueByLabeledDesc
)

// QueueCursor is the position after which the next page starts: the sort
// key of the last item of the previous page (QueueCursorOf).
type QueueCursor struct {
	Priority float64 // QueueByPriority only
	// LabeledAt is the item's labeled_at (QueueByLabeledDesc only; nil
	// for an item never labeled).
	LabeledAt *time.Time
	ID        ID
}

// QueueCursorOf returns the cursor just after it.
func QueueCursorOf(it *LabelQueueItem) QueueCursor {
	return QueueCursor{Priority: it.PriorityScore, LabeledAt: it.LabeledAt, ID: it.ID}
}

// QueuePage is one page of ListQueue.
type QueuePage struct {
	Items []*LabelQueueItem
	// HasNext reports whether more items follow the page.
	HasNext bool
}

// queueCompoundRow is a queue item with its compound (CompoundSummariesByIDs'
// columns), read by one join.
type queueCompoundRow struct {
	LabelQueueItem `bun:",extend"`

	Compound *Compound `bun:"rel:belongs-to,join:compound_id=id"`
}

// ListQueueWithCompounds is ListQueue that also returns the page's
// compounds, by id, without their computed columns (as
// CompoundSummariesByIDs): one query for what a page of the queue shows.
func (s *conn) ListQueueWithCompounds(ctx context.Context, f QueueFilter, order QueueOrder, after *QueueCursor, limit int) (*QueuePage, map[ID]*Compound, error) {
	rows := []*queueCompoundRow{}
	q := s.reads().NewSelect().Model(&rows).Relation("Compound", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.ExcludeColumn("descriptors", "fingerprint", "features")
	})
	if err := pageQuery(q, f, order, after, limit).Scan(ctx); err != nil {
		return nil, nil, s.wrapErr(err, "list queue with compounds")
	}
	page := &QueuePage{HasNext: len(rows) > limit}
	rows = rows[:min(len(rows), limit)]
	page.Items = make([]*LabelQueueItem, len(rows))
	compounds := make(map[ID]*Compound, len(rows))
	for i, r := range rows {
		page.Items[i] = &r.LabelQueueItem
		if r.Compound != nil {
			compounds[r.Compound.ID] = r.Compound
		}
	}
	return page, compounds, nil
}

// ListQueue returns up to limit items matching f in order, starting after
// the cursor (nil for the first page); CountQueue counts them all. Paging is
// by keyset (the sort key of the last item seen, not an offset), so items
// that change status or are added meanwhile never make a page repeat or
// skip an item that still matches; an item whose sort key changes (a
// priority re-scored by a retrain) moves to its new place. limit must be
// at least 1. db may be a transaction or nil.
func (s *conn) ListQueue(ctx context.Context, f QueueFilter, order QueueOrder, after *QueueCursor, limit int) (*QueuePage, error) {
	items := []*LabelQueueItem{}
	if err := pageQuery(s.reads().NewSelect().Model(&items), f, order, after, limit).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, "list queue")
	}
	page := &QueuePage{Items: items}
	if len(items) > limit {
		page.Items, page.HasNext = items[:limit], true
	}
	return page, nil
}

// pageQuery is q (a select of label_queue AS lq) restricted to f, after the
// cursor, in order, for a page of limit items and one more (which tells
// whether another page follows). Its errors (an invalid filter, order or
// limit) come out of Scan.
func pageQuery(base *bun.SelectQuery, f QueueFilter, order QueueOrder, after *QueueCursor, limit int) *bun.SelectQuery {
	if limit < 1 {
		return base.Err(fmt.Errorf("list queue: limit %d is below 1: %w", limit, ErrInvalid))
	}
	q, err := f.apply(base)
	if err != nil {
		return base.Err(err)
	}
	switch order {
	case QueueByPriority:
		if after != nil {
			q = q.Where("(lq.priority_score < ? OR (lq.priority_score = ? AND lq.id > ?))", after.Priority, after.Priority, after.ID)
		}
		q = q.OrderExpr("lq.priority_score DESC, lq.id ASC")
	case QueueByCreatedAsc:
		if after != nil {
			q = q.Where("lq.id > ?", after.ID)
		}
		q = q.OrderExpr("lq.id ASC")
	case QueueByCreatedDesc:
		if after != nil {
			q = q.Where("lq.id < ?", after.ID)
		}
		q = q.OrderExpr("lq.id DESC")
	case QueueByLabeledDesc:
		if after != nil && after.LabeledAt != nil {
			at := dbTime(*after.LabeledAt)
			q = q.Where("(lq.labeled_at < ? OR (lq.labeled_at = ? AND lq.id < ?) OR lq.labeled_at IS NULL)", at, at, after.ID)
		} else if after != nil {
			q = q.Where("lq.labeled_at IS NULL AND lq.id < ?", after.ID)
		}
		// (IS NULL) first puts unlabeled items last on both databases,
		// whatever their default NULL ordering.
		q = q.OrderExpr("(lq.labeled_at IS NULL) ASC, lq.labeled_at DESC, lq.id DESC")
	default:
		return q.Err(fmt.Errorf("list queue: unknown order %d: %w", order, ErrInvalid))
	}
	return q.Limit(int64(limit + 1))
}

// CountQueue returns the number of items matching f. db may be a
// transaction or nil.
func (s *conn) CountQueue(ctx context.Context, f QueueFilter) (int, error) {
	q, err := f.apply(s.reads().NewSelect().Model((*LabelQueueItem)(nil)))
	if err != nil {
		return 0, err
	}
	n, err := q.Count(ctx)
	if err != nil {
		return 0, s.wrapErr(err, "count queue")
	}
	return int(n), nil
}

// CountQueueByStatus returns the number of items that match f (its
// Statuses aside) per status; every status is present, 0 when there are
// none.
func (s *conn) CountQueueByStatus(ctx context.Context, f QueueFilter) (map[QueueStatus]int, error) {
	var rows []struct {
		Status QueueStatus `bun:"status"`
		N      int         `bun:"n"`
	}
	f.Statuses = nil
	q, err := f.apply(s.reads().NewSelect().Model((*LabelQueueItem)(nil)))
	if err != nil {
		return nil, err
	}
	if err := q.ColumnExpr("lq.status, COUNT(*) AS n").Group("lq.status").Scan(ctx, &rows); err != nil {
		return nil, s.wrapErr(err, "count queue by status")
	}
	out := map[QueueStatus]int{QueuePending: 0, QueueInProgress: 0, QueueLabeled: 0, QueueSkipped: 0}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// LabelerCount is one labeller's work on a queue.
type LabelerCount struct {
	UserID  ID  `bun:"user_id"`
	Labeled int `bun:"labeled"`
	Skipped int `bun:"skipped"`
}

// LabelsPerLabeler counts, per user, the items of the model versions (all
// models when empty) they labelled (labeled_by) and skipped (skipped items
// count for their assignee), by user ID. db may be a transaction or nil.
func (s *conn) LabelsPerLabeler(ctx context.Context, modelIDs []ID) ([]LabelerCount, error) {
	out := []LabelerCount{}
	q, _ := QueueFilter{ModelIDs: modelIDs}.apply(s.reads().NewSelect().Model((*LabelQueueItem)(nil)))
	err := q.ColumnExpr("CASE WHEN lq.status = ? THEN lq.labeled_by ELSE lq.assigned_to END AS user_id", QueueLabeled).
		ColumnExpr("SUM(CASE WHEN lq.status = ? THEN 1 ELSE 0 END) AS labeled", QueueLabeled).
		ColumnExpr("SUM(CASE WHEN lq.status = ? THEN 1 ELSE 0 END) AS skipped", QueueSkipped).
		Where("((lq.status = ? AND lq.labeled_by IS NOT NULL) OR (lq.status = ? AND lq.assigned_to IS NOT NULL))", QueueLabeled, QueueSkipped).
		GroupExpr("CASE WHEN lq.status = ? THEN lq.labeled_by ELSE lq.assigned_to END", QueueLabeled).
		OrderExpr("user_id").Scan(ctx, &out)
	if err != nil {
		return nil, s.wrapErr(err, "labels per labeler")
	}
	return out, nil
}

// QueueItem returns the item read through db (a transaction or nil);
// ErrNotFound when there is none.
func (s *conn) QueueItem(ctx context.Context, id ID) (*LabelQueueItem, error) {
	it := new(LabelQueueItem)
	if err := s.reads().NewSelect().Model(it).Where("lq.id = ?", id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("queue item %d", id))
	}
	return it, nil
}

// QueueItemsByIDs returns the items in the order of ids (for dataloaders);
// an unknown ID gives a nil entry. db may be a transaction or nil.
func (s *conn) QueueItemsByIDs(ctx context.Context, ids []ID) ([]*LabelQueueItem, error) {
	out := make([]*LabelQueueItem, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var items []*LabelQueueItem
	if err := s.reads().NewSelect().Model(&items).Where("lq.id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, "queue items by id")
	}
	byID := make(map[ID]*LabelQueueItem, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// OpenItems returns the items of the model versions that are not finished
// (pending or in_progress), by ID: the items a retrain re-scores and moves
// to the new version.
func (s *conn) OpenItems(ctx context.Context, modelIDs []ID) ([]*LabelQueueItem, error) {
	items := []*LabelQueueItem{}
	if len(modelIDs) == 0 {
		return items, nil
	}
	err := s.db.NewSelect().Model(&items).Where("lq.model_id IN (?)", bun.List(modelIDs)).
		Where("lq.status IN (?)", bun.List([]QueueStatus{QueuePending, QueueInProgress})).Order("lq.id").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("open items of models %v", modelIDs))
	}
	return items, nil
}

// Rescore is a new score for a queue item, from a new model version.
type Rescore struct {
	ItemID                                         ID
	Prediction, Uncertainty, ApplicabilityDistance *float64
	// IntervalLow and IntervalHigh are the new version's 90 % interval
	// (nil: none).
	IntervalLow, IntervalHigh *float64
	// ClassProbabilities are the new version's per-class probabilities
	// (nil: not a model of more than two classes).
	ClassProbabilities ClassProbabilities
	PriorityScore      float64
}

// MoveOpenItems moves open items (pending or in_progress) to model version
// toModelID with their new scores at at, increasing each one's version;
// labeled and skipped items are never moved (they stay with the version
// that selected them, even when labeled since the scores were computed).
// It returns how many items moved. Use it inside the retrain's transaction.
func (s *conn) MoveOpenItems(ctx context.Context, toModelID ID, scores []Rescore, at time.Time) (int, error) {
	d := s.db
	at = dbTime(at)
	moved := 0
	for _, sc := range scores {
		res, err := d.NewUpdate().Model((*LabelQueueItem)(nil)).
			Set("model_id = ?", toModelID).Set("prediction = ?", sc.Prediction).Set("uncertainty = ?", sc.Uncertainty).
			Set("applicability_distance = ?", sc.ApplicabilityDistance).Set("priority_score = ?", sc.PriorityScore).
			Set("interval_low = ?", sc.IntervalLow).Set("interval_high = ?", sc.IntervalHigh).
			Set("class_probabilities = ?", sc.ClassProbabilities).
			Set("version = version + 1").Set("updated_at = ?", at).
			Where("id = ?", sc.ItemID).Where("status IN (?)", bun.List([]QueueStatus{QueuePending, QueueInProgress})).
			Exec(ctx)
		if err != nil {
			return moved, s.wrapErr(err, fmt.Sprintf("move queue item %d to model %d", sc.ItemID, toModelID))
		}
		n, _ := res.RowsAffected()
		moved += int(n)
	}
	return moved, nil
}

// QueuedCompoundIDs returns, ascending, the compounds of the items that
// match f: with f's model versions and statuses, the compounds a new
// selection must not pick again.
func (s *conn) QueuedCompoundIDs(ctx context.Context, f QueueFilter) ([]ID, error) {
	ids := []ID{}
	q, err := f.apply(s.db.NewSelect().Model((*LabelQueueItem)(nil)))
	if err != nil {
		return nil, err
	}
	if err := q.ColumnExpr("DISTINCT lq.compound_id").OrderExpr("lq.compound_id").Scan(ctx, &ids); err != nil {
		return nil, s.wrapErr(err, "queued compounds")
	}
	return ids, nil
}
