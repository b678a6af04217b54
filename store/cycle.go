package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// CycleStatus is where an active-learning cycle is.
type CycleStatus string

// The cycle statuses. Failed (a retrain that did not succeed; Error says
// why; it may be retrained) and cancelled (an admin cancelled its
// selection job before it queued anything; Error says who; final) are
// additions to the specification's four.
const (
	CycleSelecting CycleStatus = "selecting"
	CycleLabeling  CycleStatus = "labeling"
	CycleTraining  CycleStatus = "training"
	CycleComplete  CycleStatus = "complete"
	CycleFailed    CycleStatus = "failed"
	CycleCancelled CycleStatus = "cancelled"
)

// CycleStatuses lists every cycle status, in the order a cycle meets them.
func CycleStatuses() []CycleStatus {
	return []CycleStatus{CycleSelecting, CycleLabeling, CycleTraining, CycleComplete, CycleFailed, CycleCancelled}
}

// Valid reports whether c is a known status.
func (c CycleStatus) Valid() bool {
	return slices.Contains(CycleStatuses(), c)
}

// cycleStatusError is ErrInvalid for an unknown cycle status.
func cycleStatusError(c CycleStatus) error {
	names := make([]string, 0, len(CycleStatuses()))
	for _, s := range CycleStatuses() {
		names = append(names, string(s))
	}
	return enumError("cycle status", string(c), names...)
}

// ActiveLearningCycle is one round of select, label, retrain for a model.
// Cycle numbers are unique per model.
type ActiveLearningCycle struct {
	bun.BaseModel `bun:"table:active_learning_cycles,alias:alc"`

	ID                ID          `bun:"id,pk,autoincrement"`
	ModelID           ID          `bun:"model_id,notnull"`
	CycleNumber       int         `bun:"cycle_number,notnull"`
	SelectionStrategy string      `bun:"selection_strategy,notnull"`
	BatchSize         int         `bun:"batch_size,notnull"`
	Status            CycleStatus `bun:"status,notnull"`
	// MetricsBefore and MetricsAfter are validation metrics (JSON) of the
	// model before and after the retrain.
	MetricsBefore json.RawMessage `bun:"metrics_before,nullzero"`
	MetricsAfter  json.RawMessage `bun:"metrics_after,nullzero"`
	// LabelGain is the retrain's gain check (JSON; models created with
	// it only): the validation metric of two extra models trained with
	// only the strategy's or only the random picks of the cycle.
	LabelGain     json.RawMessage `bun:"label_gain,nullzero"`
	ItemsSelected int             `bun:"items_selected,notnull"`
	ItemsLabeled  int             `bun:"items_labeled,notnull"`
	ItemsSkipped  int             `bun:"items_skipped,notnull"`
	StartedAt     time.Time       `bun:"started_at,notnull"`
	CompletedAt   *time.Time      `bun:"completed_at"`
	// Version increases with every change (optimistic concurrency).
	Version int    `bun:"version,notnull"`
	Error   string `bun:"error,notnull"`
	// Params is the selection parameters (JSON); Seed makes selection repeatable.
	Params json.RawMessage `bun:"params,nullzero"`
	Seed   int64           `bun:"seed,notnull"`
	// PromotionNote says what the cycle's retrain did with its version:
	// activated, or kept as a candidate and why (empty before a retrain).
	PromotionNote string `bun:"promotion_note,notnull"`
	// CreatedBy is the user who started the cycle (nil: started by no one
	// in particular, such as the demo seed, or that user was deleted). Set
	// once, by CreateCycle.
	CreatedBy *ID `bun:"created_by"`
	// TrainedVersionID is the version the cycle's retrain produced
	// (activated or kept as a candidate); nil before it completes. Set by
	// CompleteCycle.
	TrainedVersionID *ID `bun:"trained_version_id"`
}

// CreateCycle inserts c and sets its ID. Status defaults to selecting.
// ErrConflict when the model already has this cycle number; ErrInvalid for
// an unknown status or a batch size below 1; ErrNotFound for an unknown
// model. db may be a transaction or nil.
func (s *conn) CreateCycle(ctx context.Context, c *ActiveLearningCycle) error {
	if c.Status == "" {
		c.Status = CycleSelecting
	}
	if c.Version == 0 {
		c.Version = 1
	}
	switch {
	case !c.Status.Valid():
		return cycleStatusError(c.Status)
	case c.BatchSize < 1:
		return fmt.Errorf("cycle %d of model %d: batch size %d is below 1: %w", c.CycleNumber, c.ModelID, c.BatchSize, ErrInvalid)
	}
	if c.StartedAt.IsZero() {
		c.StartedAt = now()
	}
	c.StartedAt, c.CompletedAt = dbTime(c.StartedAt), dbTimePtr(c.CompletedAt)
	newID(&c.ID)
	_, err := s.db.NewInsert().Model(c).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("create cycle %d of model %d", c.CycleNumber, c.ModelID))
}

// CyclesByModel returns the model's cycles by number.
func (s *conn) CyclesByModel(ctx context.Context, modelID ID) ([]*ActiveLearningCycle, error) {
	cs := []*ActiveLearningCycle{}
	if err := s.db.NewSelect().Model(&cs).Where("? = ?", bun.Ident("model_id"), modelID).Order("cycle_number").Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("cycles of model %d", modelID))
	}
	return cs, nil
}
