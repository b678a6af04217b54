package jobs

import (
	"activelab/store"
	"context"
	"encoding/json"
)

// Progress receives a job's progress: stage, fraction done in [0, 1], message.
type Progress = func(stage string, fraction float64, msg string)

// Trainer trains a new model version (activelearning.Service).
type Trainer interface {
	TrainModel(ctx context.Context, modelID store.ID, progress func(stage string, fraction float64, msg string)) error
}

// Retrainer runs a cycle's retrain (activelearning.Service).
type Retrainer interface {
	Retrain(ctx context.Context, cycleID store.ID, progress func(stage string, fraction float64, msg string)) error
}

// Selector scores a cycle's pool and enqueues its batch, or, for a large
// pool, scores one shard of it (activelearning.Service).
type Selector interface {
	RunSelection(ctx context.Context, cycleID store.ID) error
	RunShard(ctx context.Context, shard ScoreShardArgs) error
}

// Importer runs a large import (activelearning.Service) and returns its
// result as JSON, which the worker records as the job's output.
type Importer interface {
	RunImport(ctx context.Context, payload json.RawMessage, progress func(stage string, fraction float64, msg string)) (json.RawMessage, error)
}

// Canceller settles what a cancelled job was doing (activelearning.Service):
// CancelJob calls it with the job's decoded args (Job.Args) once River has
// cancelled the job or asked its worker to stop.
type Canceller interface {
	JobCancelled(ctx context.Context, args any, reason string) error
}

// Deps is what the workers call; *activelearning.Service satisfies all of them.
type Deps interface {
	Trainer
	Retrainer
	Selector
	Importer
}
