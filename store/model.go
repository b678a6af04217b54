package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Task is what a model predicts.
type Task string

// The model tasks.
const (
	TaskRegression     Task = "regression"
	TaskClassification Task = "classification"
)

// Valid reports whether t is a known task.
func (t Task) Valid() bool { return t == TaskRegression || t == TaskClassification }

// ModelStatus is where a model version is in its life.
type ModelStatus string

// The model statuses. At most one version per lineage (name) is active.
const (
	ModelTraining   ModelStatus = "training"
	ModelActive     ModelStatus = "active"
	ModelSuperseded ModelStatus = "superseded"
	ModelFailed     ModelStatus = "failed"
	// ModelCandidate is a retrained version kept inactive because its
	// validation metric is worse than the active version's by more than
	// the lineage's tolerance; an admin may promote it.
	ModelCandidate ModelStatus = "candidate"
)

// Valid reports whether st is a known status.
func (st ModelStatus) Valid() bool {
	return st == ModelTraining || st == ModelActive || st == ModelSuperseded || st == ModelFailed || st == ModelCandidate
}

// MLModel is one version of a model. Versions of one model form a lineage:
// they share its Name and LineageID (the ID of version 1, the root) and link
// to the version they were retrained from by ParentID; the database allows at
// most one active version per name.
type MLModel struct {
	bun.BaseModel `bun:"table:ml_models,alias:mm"`

	ID       ID     `bun:"id,pk,autoincrement"`
	Name     string `bun:"name,notnull"`
	Endpoint string `bun:"endpoint,notnull"`
	Task     Task   `bun:"task,notnull"`
	Version  int    `bun:"version,notnull"`
	ParentID *ID    `bun:"parent_id"`
	// LineageID is the ID of the lineage's version 1 (its own ID for
	// version 1). CreateMLModel sets it.
	LineageID ID          `bun:"lineage_id,nullzero"`
	Status    ModelStatus `bun:"status,notnull"`
	// Params is the training configuration as JSON.
	Params json.RawMessage `bun:"params,nullzero"`
	// Artifact is the serialized model (ml's format).
	Artifact []byte `bun:"artifact,nullzero"`
	// Metrics is the validation metrics as JSON.
	Metrics      json.RawMessage `bun:"metrics,nullzero"`
	TrainingSize int             `bun:"training_size,notnull"`
	// TrainedLabels is how many of its training rows carry a label
	// (measurements of origin label, after amendments and retractions):
	// the labels this version actually trained on.
	TrainedLabels   int   `bun:"trained_labels,notnull"`
	Seed            int64 `bun:"seed,notnull"`
	ValidationSetID *ID   `bun:"validation_set_id"`
	// ValidationHash identifies the validation set's content, so every
	// version of a lineage can be checked to use the same held-out set.
	ValidationHash string     `bun:"validation_hash,notnull"`
	Error          string     `bun:"error,notnull"`
	CreatedAt      time.Time  `bun:"created_at,notnull"`
	ActivatedAt    *time.Time `bun:"activated_at"`
	// PromotionTolerance is how much worse than the active version a
	// retrained one may be and still be activated (set on version 1, for
	// the lineage): relative RMSE increase for regression, absolute AUC
	// drop for classification. Nil means the task's default.
	PromotionTolerance *float64 `bun:"promotion_tolerance"`
	// Classes are a classification model's class names in index order
	// (empty: the binary default BinaryClasses; see ClassList). Every
	// version of a lineage has its root's classes.
	Classes ClassNames `bun:"classes,type:text,nullzero"`
}

// CreateMLModel inserts m and sets its ID and LineageID. Version defaults to
// 1 and Status to training. LineageID, when zero, becomes the parent's
// lineage (ParentID), else that of the name's version 1 for a later version
// without parent, else m's own ID (a new lineage). ErrConflict when the name already has this version, or when
// m is active and the name already has an active version; ErrInvalid for an
// unknown task or status. db may be a transaction or nil.
func (s *conn) CreateMLModel(ctx context.Context, m *MLModel) error {
	if m.Version == 0 {
		m.Version = 1
	}
	if m.Status == "" {
		m.Status = ModelTraining
	}
	switch {
	case m.Name == "" || m.Endpoint == "":
		return fmt.Errorf("create model: name and endpoint are required: %w", ErrInvalid)
	case !m.Task.Valid():
		return enumError("model task", string(m.Task), "regression", "classification")
	case !m.Status.Valid():
		return enumError("model status", string(m.Status), "training", "active", "superseded", "failed", "candidate")
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now()
	}
	m.CreatedAt, m.ActivatedAt = dbTime(m.CreatedAt), dbTimePtr(m.ActivatedAt)
	what := fmt.Sprintf("create model %q version %d", m.Name, m.Version)
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.in(tx).resolveLineage(ctx, m); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		newID(&m.ID)
		if m.LineageID == NilID {
			m.LineageID = m.ID // a root: its own lineage
		}
		_, err := tx.NewInsert().Model(m).Returning("id").Exec(ctx)
		return s.wrapErr(err, what)
	})
}

// ActiveMLModel returns the active version of the named model; ErrNotFound
// when none is active.
func (s *conn) ActiveMLModel(ctx context.Context, name string) (*MLModel, error) {
	m := new(MLModel)
	err := s.db.NewSelect().Model(m).
		Where("? = ?", bun.Ident("name"), name).
		Where("? = ?", bun.Ident("status"), ModelActive).
		Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("active version of model %q", name))
	}
	return m, nil
}

// SetMLModelStatus changes a version's status (setting ActivatedAt when it
// becomes active). ErrConflict when activating a second version of a
// lineage: supersede the old one first, in the same transaction. db may be
// a transaction or nil.
func (s *conn) SetMLModelStatus(ctx context.Context, id ID, status ModelStatus) error {
	if !status.Valid() {
		return enumError("model status", string(status), "training", "active", "superseded", "failed", "candidate")
	}
	q := s.db.NewUpdate().Model((*MLModel)(nil)).Set("status = ?", status).Where("? = ?", bun.Ident("id"), id)
	if status == ModelActive {
		q = q.Set("activated_at = ?", now())
	}
	res, err := q.Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("set model %d %s", id, status))
}

// FailTraining marks model version id failed with msg if it is still
// training (a failed first training; a retrain fails its cycle instead).
func (s *conn) FailTraining(ctx context.Context, id ID, msg string) error {
	_, err := s.db.NewUpdate().Model((*MLModel)(nil)).Set("status = ?", ModelFailed).Set("error = ?", msg).
		Where("id = ?", id).Where("status = ?", ModelTraining).Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("fail model %d", id))
}
