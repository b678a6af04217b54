package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// QueueStatus is where a label-queue item is.
type QueueStatus string

// The queue statuses.
const (
	QueuePending    QueueStatus = "pending"
	QueueInProgress QueueStatus = "in_progress"
	QueueLabeled    QueueStatus = "labeled"
	QueueSkipped    QueueStatus = "skipped"
)

// Valid reports whether q is a known status.
func (q QueueStatus) Valid() bool {
	return q == QueuePending || q == QueueInProgress || q == QueueLabeled || q == QueueSkipped
}

// LabelQueueItem is a compound selected for labelling for one model
// version. A compound appears at most once per model and selection batch
// (the unique constraint uq_label_queue_compound_model_batch).
type LabelQueueItem struct {
	bun.BaseModel `bun:"table:label_queue,alias:lq"`

	ID         ID `bun:"id,pk,autoincrement"`
	CompoundID ID `bun:"compound_id,notnull"`
	ModelID    ID `bun:"model_id,notnull"`
	// LineageID is the lineage of ModelID (CreateQueueItems sets it): at
	// most one open item per compound and lineage (ErrCompoundQueued).
	LineageID             ID       `bun:"lineage_id,nullzero"`
	Prediction            *float64 `bun:"prediction"`
	Uncertainty           *float64 `bun:"uncertainty"`
	ApplicabilityDistance *float64 `bun:"applicability_distance"`
	SelectionStrategy     string   `bun:"selection_strategy,notnull"`
	// SelectionBatch numbers the selection run that enqueued the item.
	SelectionBatch  int         `bun:"selection_batch,notnull"`
	PriorityScore   float64     `bun:"priority_score,notnull"`
	Status          QueueStatus `bun:"status,notnull"`
	AssignedTo      *ID         `bun:"assigned_to"`
	AssignedAt      *time.Time  `bun:"assigned_at"`
	Label           *float64    `bun:"label"`
	LabelSource     *Source     `bun:"label_source"`
	LabelConfidence *Confidence `bun:"label_confidence"`
	LabeledAt       *time.Time  `bun:"labeled_at"`
	LabeledBy       *ID         `bun:"labeled_by"`
	// LabelImplausible marks a label its labeler confirmed although it was
	// implausible (far outside the endpoint's range and the prediction).
	LabelImplausible bool      `bun:"label_implausible,notnull"`
	Notes            string    `bun:"notes,notnull"`
	CreatedAt        time.Time `bun:"created_at,notnull"`
	UpdatedAt        time.Time `bun:"updated_at,notnull"`
	// Version increases with every change (optimistic concurrency).
	Version int `bun:"version,notnull"`
	// LeaseExpiresAt is when an in-progress claim lapses.
	LeaseExpiresAt *time.Time `bun:"lease_expires_at"`
	SkipReason     string     `bun:"skip_reason,notnull"`
	// ArchivedAt is when a version trained on the item's label became
	// active (nil: not archived): the item's work is done and the queue's
	// default view leaves it out. The item stays on the version that
	// selected it (ModelID).
	ArchivedAt *time.Time `bun:"archived_at"`
	// ArchivedVersionID is the version that trained on the item's label
	// (the one it was archived with once ArchivedAt is set; before, a
	// candidate that has not been activated).
	ArchivedVersionID *ID `bun:"archived_version_id"`
	// Explore marks an item the selection picked at random (the explore
	// share of its batch, or any pick of the random strategy) rather than
	// by the strategy: the control group of the cycle's diagnosis. Set
	// once, at selection.
	Explore bool `bun:"explore,notnull"`
	// IntervalLow and IntervalHigh bound the 90 % prediction interval of
	// the version that scored the item, set with Prediction and
	// Uncertainty (nil for classification or an uncalibrated version).
	IntervalLow  *float64 `bun:"interval_low"`
	IntervalHigh *float64 `bun:"interval_high"`
	// ClassProbabilities are the scoring version's per-class
	// probabilities for a model of more than two classes (nil otherwise:
	// a binary model's Prediction is p(class 1)), set with Prediction.
	ClassProbabilities ClassProbabilities `bun:"class_probabilities,type:text,nullzero"`
}

func (it *LabelQueueItem) prepare(at time.Time) error {
	if it.Status == "" {
		it.Status = QueuePending
	}
	if it.Version == 0 {
		it.Version = 1
	}
	switch {
	case !it.Status.Valid():
		return enumError("queue status", string(it.Status), "pending", "in_progress", "labeled", "skipped")
	case it.SelectionStrategy == "":
		return fmt.Errorf("queue item for compound %d: empty selection strategy: %w", it.CompoundID, ErrInvalid)
	case it.LabelSource != nil && !it.LabelSource.Valid():
		return enumError("label source", string(*it.LabelSource), "experimental", "literature", "expert_estimate")
	case it.LabelConfidence != nil && !it.LabelConfidence.Valid():
		return enumError("label confidence", string(*it.LabelConfidence), "high", "medium", "low")
	}
	if it.CreatedAt.IsZero() {
		it.CreatedAt = at
	}
	if it.UpdatedAt.IsZero() {
		it.UpdatedAt = it.CreatedAt
	}
	it.CreatedAt, it.UpdatedAt = dbTime(it.CreatedAt), dbTime(it.UpdatedAt)
	it.AssignedAt, it.LabeledAt, it.LeaseExpiresAt = dbTimePtr(it.AssignedAt), dbTimePtr(it.LabeledAt), dbTimePtr(it.LeaseExpiresAt)
	return nil
}

// ErrCompoundQueued is the ErrConflict of an insert that would give a
// compound a second open (pending or in-progress) item in one lineage: a
// concurrent selection queued it first.
var ErrCompoundQueued = errors.New("compound already has an open item in this lineage")

// CreateQueueItems inserts items (one statement) and sets their IDs and
// lineages. Status defaults to pending. ErrConflict when a compound is
// already queued for the model in the same batch, or wrapping
// ErrCompoundQueued when it has an open item in the lineage (nothing is
// inserted then); ErrNotFound for an unknown compound or model.
func (s *conn) CreateQueueItems(ctx context.Context, items []*LabelQueueItem) error {
	if len(items) == 0 {
		return nil
	}
	at := now()
	lineages := map[ID]ID{}
	for _, it := range items {
		if err := it.prepare(at); err != nil {
			return err
		}
		lineages[it.ModelID] = NilID
	}
	for id := range lineages {
		m, err := s.ModelVersion(ctx, id)
		if err != nil {
			return fmt.Errorf("enqueue items: %w", err)
		}
		lineages[id] = m.LineageID
	}
	for _, it := range items {
		it.LineageID = lineages[it.ModelID]
		newID(&it.ID)
	}
	_, err := s.db.NewInsert().Model(&items).Returning("id").Exec(ctx)
	if err != nil && s.be.isUniqueViolation(err) && openItemIndex(err) {
		return fmt.Errorf("enqueue %d items for model %d: %w: %w", len(items), items[0].ModelID, ErrCompoundQueued, ErrConflict)
	}
	if err != nil {
		return s.wrapErr(err, fmt.Sprintf("enqueue %d items for model %d", len(items), items[0].ModelID))
	}
	if len(items) >= analyzeQueueItems {
		// In the caller's transaction, ANALYZE counts its own new rows.
		if err := s.be.analyzeQueue(ctx, s.db); err != nil {
			return fmt.Errorf("enqueue %d items for model %d: %w", len(items), items[0].ModelID, err)
		}
	}
	return nil
}

// analyzeQueueItems is the smallest insert after which CreateQueueItems
// refreshes the queue's statistics (see backend.analyzeQueue). Found with
// cmd/loadgen: after 5,000 items were selected in batches of 500,
// PostgreSQL's planner still believed a model had 15 items, and each
// labelQueue(first: 25) read all 5,000 and sorted them (bitmap heap scan,
// top-N heapsort: 3-10 ms) instead of walking
// ix_label_queue_model_priority_id (issue 15).
const analyzeQueueItems = 200

// openItemIndex reports whether a unique violation is of
// ux_label_queue_open_compound (PostgreSQL names the index; SQLite its
// columns).
func openItemIndex(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "ux_label_queue_open_compound") || strings.Contains(msg, "label_queue.lineage_id")
}
