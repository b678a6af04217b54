package jobs

import (
	"context"
	"log/slog"

	"github.com/riverqueue/river"
)

func logProgress(log *slog.Logger, kind string, id int64) func(string, float64, string) {
	return func(stage string, fraction float64, msg string) {
		log.Debug("job progress", "kind", kind, "id", id, "stage", stage, "fraction", fraction, "msg", msg)
	}
}

type trainWorker struct {
	river.WorkerDefaults[TrainModelArgs]
	deps Trainer
	log  *slog.Logger
}

func (w *trainWorker) Work(ctx context.Context, j *river.Job[TrainModelArgs]) error {
	return w.deps.TrainModel(ctx, j.Args.ModelID, logProgress(w.log, j.Kind, j.ID))
}

type retrainWorker struct {
	river.WorkerDefaults[RetrainModelArgs]
	deps Retrainer
	log  *slog.Logger
}

func (w *retrainWorker) Work(ctx context.Context, j *river.Job[RetrainModelArgs]) error {
	return w.deps.Retrain(ctx, j.Args.CycleID, logProgress(w.log, j.Kind, j.ID))
}

type selectWorker struct {
	river.WorkerDefaults[SelectSamplesArgs]
	deps Selector
}

func (w *selectWorker) Work(ctx context.Context, j *river.Job[SelectSamplesArgs]) error {
	return w.deps.RunSelection(ctx, j.Args.CycleID)
}

type importWorker struct {
	river.WorkerDefaults[ImportCompoundsArgs]
	deps Importer
	log  *slog.Logger
}

func (w *importWorker) Work(ctx context.Context, j *river.Job[ImportCompoundsArgs]) error {
	return w.deps.RunImport(ctx, j.Args.Payload, logProgress(w.log, j.Kind, j.ID))
}
