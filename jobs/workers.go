package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

func logProgress(log *slog.Logger, kind string, id int64) func(string, float64, string) {
	return func(stage string, fraction float64, msg string) {
		log.Debug("job progress", "kind", kind, "id", id, "stage", stage, "fraction", fraction, "msg", msg)
	}
}

type trainWorker struct {
	river.WorkerDefaults[TrainModelArgs]
	timeout time.Duration
	deps    Trainer
	log     *slog.Logger
}

func (w *trainWorker) Work(ctx context.Context, j *river.Job[TrainModelArgs]) error {
	return w.deps.TrainModel(ctx, j.Args.ModelID, logProgress(w.log, j.Kind, j.ID))
}

type retrainWorker struct {
	river.WorkerDefaults[RetrainModelArgs]
	timeout time.Duration
	deps    Retrainer
	log     *slog.Logger
}

func (w *retrainWorker) Work(ctx context.Context, j *river.Job[RetrainModelArgs]) error {
	return w.deps.Retrain(ctx, j.Args.CycleID, logProgress(w.log, j.Kind, j.ID))
}

type selectWorker struct {
	river.WorkerDefaults[SelectSamplesArgs]
	timeout time.Duration
	deps    Selector
}

func (w *selectWorker) Work(ctx context.Context, j *river.Job[SelectSamplesArgs]) error {
	return w.deps.RunSelection(ctx, j.Args.CycleID)
}

type shardWorker struct {
	river.WorkerDefaults[ScoreShardArgs]
	timeout time.Duration
	deps    Selector
}

func (w *shardWorker) Work(ctx context.Context, j *river.Job[ScoreShardArgs]) error {
	return w.deps.RunShard(ctx, j.Args)
}

type importWorker struct {
	river.WorkerDefaults[ImportCompoundsArgs]
	timeout time.Duration
	deps    Importer
	log     *slog.Logger
}

// Work runs the import, storing its progress as the job's output as it
// goes (so JobStatus shows it) and its result when done.
func (w *importWorker) Work(ctx context.Context, j *river.Job[ImportCompoundsArgs]) error {
	logged := logProgress(w.log, j.Kind, j.ID)
	client := river.ClientFromContext[*sql.Tx](ctx)
	progress := func(stage string, fraction float64, msg string) {
		logged(stage, fraction, msg)
		out := Output{Progress: &ProgressOutput{Stage: stage, Fraction: fraction, Message: msg}}
		if _, err := client.JobUpdate(ctx, j.ID, &river.JobUpdateParams{Output: out}); err != nil {
			w.log.Warn("job progress not stored", "kind", j.Kind, "job", j.ID, "error", err.Error())
		}
	}
	result, err := w.deps.RunImport(ctx, j.Args.Payload, progress)
	if err != nil {
		return err
	}
	return river.RecordOutput(ctx, Output{Result: result})
}

// Timeout is the kind's own timeout (0: the client's JobTimeout).
func (w *trainWorker) Timeout(*river.Job[TrainModelArgs]) time.Duration { return w.timeout }

// Timeout is the kind's own timeout (0: the client's JobTimeout).
func (w *retrainWorker) Timeout(*river.Job[RetrainModelArgs]) time.Duration { return w.timeout }

// Timeout is the kind's own timeout (0: the client's JobTimeout).
func (w *selectWorker) Timeout(*river.Job[SelectSamplesArgs]) time.Duration { return w.timeout }

// Timeout is the kind's own timeout (0: the client's JobTimeout).
func (w *shardWorker) Timeout(*river.Job[ScoreShardArgs]) time.Duration { return w.timeout }

// Timeout is the kind's own timeout (0: the client's JobTimeout).
func (w *importWorker) Timeout(*river.Job[ImportCompoundsArgs]) time.Duration { return w.timeout }
