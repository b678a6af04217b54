package graph

import (
	"context"
	"errors"

	"activelab/graph/model"
	"activelab/jobs"
	"activelab/store"
)

// JobAdmin lists and cancels background jobs (jobs.Client); the jobs query
// and cancelJob call it.
type JobAdmin interface {
	ListJobs(ctx context.Context, actor *store.User, f jobs.JobFilter) (*jobs.JobPage, error)
	CancelJob(ctx context.Context, actor *store.User, id int64) (*jobs.Job, error)
}

// errNoJobs answers the jobs API in a server built without a job client.
var errNoJobs = errors.New("background jobs are not available in this server")

func derefOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// jobConnection turns a page of jobs into its connection; each edge's
// cursor continues after its job.
func jobConnection(page *jobs.JobPage) *model.BackgroundJobConnection {
	out := &model.BackgroundJobConnection{Edges: make([]*model.BackgroundJobEdge, len(page.Jobs)),
		PageInfo: &model.PageInfo{HasNextPage: page.HasNextPage}}
	for i, j := range page.Jobs {
		out.Edges[i] = &model.BackgroundJobEdge{Cursor: jobs.JobCursor(j.ID), Node: j}
	}
	if n := len(out.Edges); n > 0 {
		out.PageInfo.StartCursor, out.PageInfo.EndCursor = &out.Edges[0].Cursor, &out.Edges[n-1].Cursor
	}
	return out
}

// jobCycle is the cycle a job serves (retrain_model, select_samples,
// score_shard), nil for other kinds and for a cycle that no longer exists.
func (r *Resolver) jobCycle(ctx context.Context, j *jobs.Job) (*store.ActiveLearningCycle, error) {
	var c *store.ActiveLearningCycle
	var err error
	switch a := j.Args.(type) {
	case jobs.RetrainModelArgs:
		c, err = r.Svc.Cycle(ctx, a.CycleID)
	case jobs.SelectSamplesArgs:
		c, err = r.Svc.Cycle(ctx, a.CycleID)
	case jobs.ScoreShardArgs:
		c, err = r.Svc.Cycle(ctx, a.CycleID)
	default:
		return nil, nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// jobModel is the model (lineage) a job trains, or whose cycle it serves;
// nil for imports and for a model that no longer exists.
func (r *Resolver) jobModel(ctx context.Context, j *jobs.Job) (*model.Model, error) {
	var version *store.MLModel
	var err error
	if a, ok := j.Args.(jobs.TrainModelArgs); ok {
		version, err = r.loaders(ctx).Versions.Load(ctx, a.ModelID)
	} else {
		c, cerr := r.jobCycle(ctx, j)
		if cerr != nil || c == nil {
			return nil, cerr
		}
		version, err = r.loaders(ctx).Versions.Load(ctx, c.ModelID)
	}
	if err != nil || version == nil {
		if err == nil || errors.Is(notFoundIfMissing(err), store.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return r.lineage(ctx, version)
}
