package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"activelab/store"
)

// Config tunes the River client. Zero values take the defaults.
type Config struct {
	// Queues is how many jobs of each queue (QueueDefault, QueueTraining)
	// this process works at once (default DefaultQueues: 2 and 1). A
	// queue missing from a non-empty map is not worked by this process.
	Queues map[string]int
	// MaxWorkers, when positive and Queues is empty, works every queue
	// with this many workers.
	MaxWorkers int
	// JobTimeout bounds one attempt of a job whose kind is not in
	// KindTimeouts (default DefaultJobTimeout, 1 minute). The attempt's
	// context ends then, and River retries the job.
	JobTimeout time.Duration
	// KindTimeouts bounds one attempt of the kinds named (default
	// DefaultKindTimeouts: import_compounds 10 minutes). River's rescuer
	// honours them: an orphaned job of a kind is retried no sooner than
	// its timeout after its attempt started.
	KindTimeouts map[string]time.Duration
	// RescueAfter is when a job still "running" is presumed orphaned by a
	// dead process and retried (default DefaultRescueAfter, 70 s, or
	// JobTimeout when longer); River's rescuer looks every 30 s, so an
	// orphan with the default timeout is retried within about 105 s of its
	// attempt's start. It may not be shorter than JobTimeout.
	RescueAfter time.Duration
	// MaxAttempts per job (default DefaultMaxAttempts, 5). An attempt cut
	// short by shutdown is not counted.
	MaxAttempts int
	// InsertOnly builds a client that enqueues but never works jobs (for
	// processes that only serve requests); Start is then a no-op.
	InsertOnly bool
	// PollInterval is how often River looks for jobs without a notification
	// (default DefaultPollInterval, 1 s; SQLite has no LISTEN, so this is
	// its latency).
	PollInterval time.Duration
	// Log receives River's log and each job's start and finish (default
	// slog.Default()).
	Log *slog.Logger
	// Metrics counts job attempts (default: new, unregistered collectors;
	// Client.Metrics returns them for registration).
	Metrics *Metrics
	// Middleware runs around every insert and every job, outside the
	// client's own (tracing's JobMiddleware), in an insert-only client too.
	Middleware []rivertype.Middleware
}

// Client is ActiveLab's River client: it enqueues jobs inside the service's
// transactions and, once started, works them with the registered workers.
type Client struct {
	river      *river.Client[*sql.Tx]
	insertOnly bool
	log        *slog.Logger
	metrics    *Metrics
	// canceller settles cancelled jobs' work (deps, when it is one).
	canceller Canceller
	// stopping is set when Stop gives up waiting and cancels running jobs:
	// the lifecycle middleware then puts them back without spending an attempt.
	stopping atomic.Bool
	running  atomic.Bool
}

// NewClient builds a River client from the store's driver (riversqlite on
// SQLite, riverdatabasesql with a pgx listener on PostgreSQL) with workers
// for the five job kinds calling deps. deps may be nil with cfg.InsertOnly.
func NewClient(st *store.Store, deps Deps, cfg Config) (*Client, error) {
	if len(cfg.Queues) == 0 {
		cfg.Queues = DefaultQueues()
		if cfg.MaxWorkers > 0 {
			for q := range cfg.Queues {
				cfg.Queues[q] = cfg.MaxWorkers
			}
		}
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = DefaultJobTimeout
	}
	if cfg.KindTimeouts == nil {
		cfg.KindTimeouts = DefaultKindTimeouts()
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = max(DefaultRescueAfter, cfg.JobTimeout)
	}
	if cfg.RescueAfter < cfg.JobTimeout {
		return nil, fmt.Errorf("jobs: RescueAfter (%s) is shorter than JobTimeout (%s): running jobs would be retried while they run", cfg.RescueAfter, cfg.JobTimeout)
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	c := &Client{insertOnly: cfg.InsertOnly, log: cfg.Log, metrics: cfg.Metrics}
	if cn, ok := deps.(Canceller); ok {
		c.canceller = cn
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
		// Each worker carries its kind's timeout: River's rescuer reads it
		// there to decide whether a running job is orphaned.
		to := func(kind string) time.Duration { return cfg.KindTimeouts[kind] }
		workers := river.NewWorkers()
		river.AddWorker(workers, &trainWorker{deps: deps, log: cfg.Log, timeout: to("train_model")})
		river.AddWorker(workers, &retrainWorker{deps: deps, log: cfg.Log, timeout: to("retrain_model")})
		river.AddWorker(workers, &selectWorker{deps: deps, timeout: to("select_samples")})
		river.AddWorker(workers, &shardWorker{deps: deps, timeout: to("score_shard")})
		river.AddWorker(workers, &importWorker{deps: deps, log: cfg.Log, timeout: to("import_compounds")})
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{}
		for q, n := range cfg.Queues {
			if n < 1 {
				return nil, fmt.Errorf("jobs: queue %s: %d workers", q, n)
			}
			rc.Queues[q] = river.QueueConfig{MaxWorkers: n}
		}
		rc.Middleware = []rivertype.Middleware{&lifecycle{log: cfg.Log, metrics: cfg.Metrics, stopping: &c.stopping}}
	}
	rc.Middleware = append(slices.Clone(cfg.Middleware), rc.Middleware...)
	rcl, err := river.NewClient(st.RiverDriver(), rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	c.river = rcl
	return c, nil
}

// Metrics returns the client's job collectors (for a /metrics registry).
func (c *Client) Metrics() *Metrics { return c.metrics }

// Running reports whether the client works jobs: started, not stopping.
func (c *Client) Running() bool { return c.running.Load() }

// River returns the underlying River client.
func (c *Client) River() *river.Client[*sql.Tx] { return c.river }

// Start starts working jobs (a no-op for an insert-only client). The
// client keeps working when ctx ends: Stop ends it, gracefully.
func (c *Client) Start(ctx context.Context) error {
	if c.insertOnly {
		return nil
	}
	// Detached: a cancelled start context would cancel running jobs at
	// once, and their attempts would count.
	if err := c.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	c.running.Store(true)
	return nil
}

// hardStopWait is how long Stop waits for cancelled jobs to return.
const hardStopWait = 10 * time.Second

// Stop stops fetching jobs and lets running ones finish until ctx ends.
// Jobs still running then are cancelled and put back in the queue, available
// at once to any worker, without spending an attempt (River's JobSnooze(0)).
// It returns once every job has returned, or an error when a job ignores its
// cancellation for hardStopWait (10 s): River's rescuer then retries it after
// RescueAfter, as for a killed process.
func (c *Client) Stop(ctx context.Context) error {
	if c.insertOnly {
		return nil
	}
	c.running.Store(false)
	if err := c.river.Stop(ctx); err == nil {
		return nil
	}
	c.stopping.Store(true)
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopWait)
	defer cancel()
	if err := c.river.StopAndCancel(hctx); err != nil {
		return fmt.Errorf("jobs: stop: jobs still running %s after their cancellation: %w", hardStopWait, err)
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
func (c *Client) EnqueueTrainModel(ctx context.Context, tx *store.Tx, modelID store.ID) (int64, error) {
	return c.insert(ctx, tx, TrainModelArgs{ModelID: modelID})
}

// EnqueueRetrainModel enqueues retrain_model in tx.
func (c *Client) EnqueueRetrainModel(ctx context.Context, tx *store.Tx, cycleID store.ID) (int64, error) {
	return c.insert(ctx, tx, RetrainModelArgs{CycleID: cycleID})
}

// EnqueueSelectSamples enqueues select_samples in tx.
func (c *Client) EnqueueSelectSamples(ctx context.Context, tx *store.Tx, cycleID store.ID) (int64, error) {
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
