package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"activelab/store"
)

// Config tunes the River client. Zero values take the defaults.
type Config struct {
	// MaxWorkers is how many jobs this process runs at once (default 2:
	// training is CPU-bound and itself parallel).
	MaxWorkers int
	// JobTimeout bounds one attempt of a job (default 30 minutes).
	JobTimeout time.Duration
	// RescueAfter is when a job still "running" is presumed orphaned by a
	// crashed process and retried (default JobTimeout + 1 minute).
	RescueAfter time.Duration
	// MaxAttempts per job (default 5).
	MaxAttempts int
	// InsertOnly builds a client that enqueues but never works jobs (for
	// processes that only serve requests); Start is then a no-op.
	InsertOnly bool
	// PollInterval is how often River looks for jobs without a notification
	// (default 1 s; SQLite has no LISTEN, so this is its latency).
	PollInterval time.Duration
	// Log receives River's log (default slog.Default()).
	Log *slog.Logger
}

// Client is ActiveLab's River client: it enqueues jobs inside the service's
// transactions and, once started, works them with the registered workers.
type Client struct {
	river      *river.Client[*sql.Tx]
	insertOnly bool
	log        *slog.Logger
}

// NewClient builds a River client from the store's driver (riversqlite on
// SQLite, riverdatabasesql with a pgx listener on PostgreSQL) with workers
// for the five job kinds calling deps. deps may be nil with cfg.InsertOnly.
func NewClient(st *store.Store, deps Deps, cfg Config) (*Client, error) {
	if cfg.MaxWorkers <= 0 {
		cfg.MaxWorkers = 2
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 30 * time.Minute
	}
	if cfg.RescueAfter <= cfg.JobTimeout {
		cfg.RescueAfter = cfg.JobTimeout + time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	rc := &river.Config{
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          cfg.MaxAttempts,
		FetchPollInterval:    cfg.PollInterval,
		Logger:               cfg.Log,
	}
	if cfg.PollInterval < 100*time.Millisecond {
		rc.FetchCooldown = cfg.PollInterval // River's default cooldown is 100 ms
	}
	if !cfg.InsertOnly {
		if deps == nil {
			return nil, errors.New("jobs: a client that works jobs needs its Deps")
		}
		workers := river.NewWorkers()
		river.AddWorker(workers, &trainWorker{deps: deps, log: cfg.Log})
		river.AddWorker(workers, &retrainWorker{deps: deps, log: cfg.Log})
		river.AddWorker(workers, &selectWorker{deps: deps})
		river.AddWorker(workers, &shardWorker{deps: deps})
		river.AddWorker(workers, &importWorker{deps: deps, log: cfg.Log})
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}}
	}
	c, err := river.NewClient(st.RiverDriver(), rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	return &Client{river: c, insertOnly: cfg.InsertOnly, log: cfg.Log}, nil
}

// River returns the underlying River client.
func (c *Client) River() *river.Client[*sql.Tx] { return c.river }

// Start starts working jobs (a no-op for an insert-only client).
func (c *Client) Start(ctx context.Context) error {
	if c.insertOnly {
		return nil
	}
	if err := c.river.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for running ones to finish until ctx
// ends, then cancels them (they are retried after the next start).
func (c *Client) Stop(ctx context.Context) error {
	if c.insertOnly {
		return nil
	}
	if err := c.river.Stop(ctx); err != nil {
		if err := c.river.StopAndCancel(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("jobs: stop: %w", err)
		}
	}
	return nil
}

func (c *Client) insert(ctx context.Context, tx *store.Tx, args river.JobArgs) (int64, error) {
	res, err := c.river.InsertTx(ctx, tx.SQLTx(), args, nil)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

// EnqueueTrainModel enqueues train_model in tx.
func (c *Client) EnqueueTrainModel(ctx context.Context, tx *store.Tx, modelID int64) (int64, error) {
	return c.insert(ctx, tx, TrainModelArgs{ModelID: modelID})
}

// EnqueueRetrainModel enqueues retrain_model in tx.
func (c *Client) EnqueueRetrainModel(ctx context.Context, tx *store.Tx, cycleID int64) (int64, error) {
	return c.insert(ctx, tx, RetrainModelArgs{CycleID: cycleID})
}

// EnqueueSelectSamples enqueues select_samples in tx.
func (c *Client) EnqueueSelectSamples(ctx context.Context, tx *store.Tx, cycleID int64) (int64, error) {
	return c.insert(ctx, tx, SelectSamplesArgs{CycleID: cycleID})
}

// EnqueueScoreShard enqueues score_shard in tx.
func (c *Client) EnqueueScoreShard(ctx context.Context, tx *store.Tx, shard ScoreShardArgs) (int64, error) {
	return c.insert(ctx, tx, shard)
}

// EnqueueImportCompounds enqueues import_compounds in tx.
func (c *Client) EnqueueImportCompounds(ctx context.Context, tx *store.Tx, payload []byte) (int64, error) {
	return c.insert(ctx, tx, ImportCompoundsArgs{Payload: payload})
}

// WaitJob waits until the job is completed (nil), or discarded or cancelled
// (an error with its last error), polling every 20 ms until ctx ends. For tests
// and commands such as `activelab train --wait`.
func (c *Client) WaitJob(ctx context.Context, jobID int64) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		j, err := c.river.JobGet(ctx, jobID)
		if err != nil {
			return fmt.Errorf("wait for job %d: %w", jobID, err)
		}
		switch j.State {
		case rivertype.JobStateCompleted:
			return nil
		case rivertype.JobStateDiscarded, rivertype.JobStateCancelled:
			msg := ""
			if n := len(j.Errors); n > 0 {
				msg = j.Errors[n-1].Error
			}
			return fmt.Errorf("job %d (%s) %s: %s", jobID, j.Kind, j.State, msg)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for job %d (%s, %s): %w", jobID, j.Kind, j.State, ctx.Err())
		case <-t.C:
		}
	}
}
