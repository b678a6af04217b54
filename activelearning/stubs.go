package activelearning

import (
	"context"
	"encoding/json"

	"activelab/store"
)

// ImportCompounds imports compounds (and measured values) into a set.
// Imports above Config.InlineImportLimit rows run as a job.
func (s *Service) ImportCompounds(ctx context.Context, actor *store.User, in ImportInput) (*ImportReport, error) {
	return nil, errTODO
}

// RunImport runs an import handed to an import_compounds job (jobs.Importer).
func (s *Service) RunImport(ctx context.Context, payload json.RawMessage, progress func(stage string, fraction float64, msg string)) error {
	return errTODO
}

// CreateModel creates version 1 of a model lineage, fixes its validation set
// and enqueues train_model.
func (s *Service) CreateModel(ctx context.Context, actor *store.User, in CreateModelInput) (*store.MLModel, error) {
	return nil, errTODO
}

// TrainModel trains a version created by CreateModel (jobs.Trainer).
func (s *Service) TrainModel(ctx context.Context, modelID int64, progress func(stage string, fraction float64, msg string)) error {
	return errTODO
}

// Models returns every lineage's active version (or latest when none is active).
func (s *Service) Models(ctx context.Context) ([]*store.MLModel, error) { return nil, errTODO }

// Model returns a lineage's active version (or latest when none is active).
func (s *Service) Model(ctx context.Context, lineageID int64) (*store.MLModel, error) {
	return nil, errTODO
}

// ModelVersions returns every version of a lineage, oldest first.
func (s *Service) ModelVersions(ctx context.Context, lineageID int64) ([]*store.MLModel, error) {
	return nil, errTODO
}

// PreviewSelection ranks a pool without writing anything.
func (s *Service) PreviewSelection(ctx context.Context, actor *store.User, in SelectInput) ([]Candidate, error) {
	return nil, errTODO
}

// SelectSamples starts a new cycle and enqueues its batch (inline, or in a
// select_samples job for large pools).
func (s *Service) SelectSamples(ctx context.Context, actor *store.User, in SelectInput) (*store.ActiveLearningCycle, error) {
	return nil, errTODO
}

// RunSelection scores a cycle's pool and enqueues its batch (jobs.Selector).
func (s *Service) RunSelection(ctx context.Context, cycleID int64) error { return errTODO }

// ClaimNextItem hands actor the highest-priority pending item of the lineage
// that nobody holds; nil, nil when there is none.
func (s *Service) ClaimNextItem(ctx context.Context, actor *store.User, modelID int64) (*store.LabelQueueItem, error) {
	return nil, errTODO
}

// RenewLease extends actor's claim on an item.
func (s *Service) RenewLease(ctx context.Context, actor *store.User, itemID int64) (*store.LabelQueueItem, error) {
	return nil, errTODO
}

// SubmitLabel records a label (idempotent).
func (s *Service) SubmitLabel(ctx context.Context, actor *store.User, in SubmitLabelInput) (*store.LabelQueueItem, error) {
	return nil, errTODO
}

// SkipItem skips an item with a reason.
func (s *Service) SkipItem(ctx context.Context, actor *store.User, itemID int64, reason string) (*store.LabelQueueItem, error) {
	return nil, errTODO
}

// AssignItems assigns items to a user.
func (s *Service) AssignItems(ctx context.Context, actor *store.User, itemIDs []int64, userID int64) ([]*store.LabelQueueItem, error) {
	return nil, errTODO
}

// SkipItems skips several items.
func (s *Service) SkipItems(ctx context.Context, actor *store.User, itemIDs []int64, reason string) ([]*store.LabelQueueItem, error) {
	return nil, errTODO
}

// PendingItems returns a user's open items.
func (s *Service) PendingItems(ctx context.Context, userID int64, limit int) ([]*store.LabelQueueItem, error) {
	return nil, errTODO
}

// LabelQueue pages through the queue.
func (s *Service) LabelQueue(ctx context.Context, f QueueFilter, order QueueOrder, first int, after string) (*QueuePage, error) {
	return nil, errTODO
}

// QueueItem returns one item.
func (s *Service) QueueItem(ctx context.Context, id int64) (*store.LabelQueueItem, error) {
	return nil, errTODO
}

// TriggerRetrain enqueues retrain_model for a cycle.
func (s *Service) TriggerRetrain(ctx context.Context, actor *store.User, cycleID int64, minNewLabels int) (*store.ActiveLearningCycle, error) {
	return nil, errTODO
}

// Retrain runs a cycle's retrain (jobs.Retrainer).
func (s *Service) Retrain(ctx context.Context, cycleID int64, progress func(stage string, fraction float64, msg string)) error {
	return errTODO
}

// Cycles returns a lineage's cycles.
func (s *Service) Cycles(ctx context.Context, lineageID int64) ([]*store.ActiveLearningCycle, error) {
	return nil, errTODO
}

// Cycle returns one cycle.
func (s *Service) Cycle(ctx context.Context, id int64) (*store.ActiveLearningCycle, error) {
	return nil, errTODO
}

// Stats summarises a lineage.
func (s *Service) Stats(ctx context.Context, lineageID int64) (*Stats, error) { return nil, errTODO }

// SimilarCompounds returns the compounds most similar to one.
func (s *Service) SimilarCompounds(ctx context.Context, compoundID int64, first int) ([]SimilarCompound, error) {
	return nil, errTODO
}
