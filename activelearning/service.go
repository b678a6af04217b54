package activelearning

import (
	"context"
	"log/slog"
	"time"

	"activelab/events"
	"activelab/jobs"
	"activelab/store"
)

// Config tunes the service. Zero values take the defaults (see New).
type Config struct {
	// MaxBatchSize caps a selection's batch size (default 500).
	MaxBatchSize int
	// LeaseDuration is how long a claim holds an item before another
	// labeler may take it (default 15 minutes).
	LeaseDuration time.Duration
	// InlinePoolLimit: pools with more compounds than this are scored in a
	// select_samples job rather than inside the request (default 20000).
	InlinePoolLimit int
	// ShardSize: a job's pool with more compounds than this is scored in
	// score_shard jobs of at most ShardSize compounds each, which workers
	// share, and their best candidates are merged (default 250000).
	ShardSize int
	// ShardKeep is how many candidates each shard keeps for the merge
	// (default ten batches' worth, at least 1000).
	ShardKeep int
	// InlineImportLimit: imports with more rows than this run as an
	// import_compounds job (default 5000).
	InlineImportLimit int
	// MaxPastedPool caps the lines of a pasted pool (SelectInput.SMILES;
	// default DefaultMaxPastedPool).
	MaxPastedPool int
	// ImportChunk is how many input rows an import writes per transaction
	// (default 500).
	ImportChunk int
	// ImportStaleAfter is how long a running import may show no sign of
	// life (its heartbeat, written every sixth of it) before it counts as
	// interrupted: its process died (default 1 minute).
	ImportStaleAfter time.Duration
	// QueuePageMax caps LabelQueue's page size (default 100).
	QueuePageMax int
	// CorrectionWindow is how long after labeling an item its labeler may
	// amend or retract the label (default 24 hours; admins may at any time).
	CorrectionWindow time.Duration
	// PlausibilityK is how many standard deviations from its prediction a
	// label may lie before it needs confirming (default 4; see
	// plausibility).
	PlausibilityK float64
	// Now is the clock (default time.Now); tests move it to expire leases.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.MaxBatchSize <= 0 {
		c.MaxBatchSize = 500
	}
	if c.LeaseDuration <= 0 {
		c.LeaseDuration = 15 * time.Minute
	}
	if c.InlinePoolLimit <= 0 {
		c.InlinePoolLimit = 20000
	}
	if c.InlineImportLimit <= 0 {
		c.InlineImportLimit = 5000
	}
	if c.ImportChunk <= 0 {
		c.ImportChunk = 500
	}
	if c.ImportStaleAfter <= 0 {
		c.ImportStaleAfter = time.Minute
	}
	if c.ShardSize <= 0 {
		c.ShardSize = 250000
	}
	if c.CorrectionWindow <= 0 {
		c.CorrectionWindow = 24 * time.Hour
	}
	if c.PlausibilityK <= 0 {
		c.PlausibilityK = 4
	}
	if c.MaxPastedPool <= 0 {
		c.MaxPastedPool = DefaultMaxPastedPool
	}
	if c.QueuePageMax <= 0 {
		c.QueuePageMax = 100
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// JobEnqueuer enqueues the service's background jobs inside the caller's
// transaction (River's InsertTx), so a job exists exactly when the change
// that asked for it commits. jobs.Client implements it.
type JobEnqueuer interface {
	EnqueueTrainModel(ctx context.Context, tx *store.Tx, modelID store.ID) (jobID int64, err error)
	EnqueueRetrainModel(ctx context.Context, tx *store.Tx, cycleID store.ID) (jobID int64, err error)
	EnqueueSelectSamples(ctx context.Context, tx *store.Tx, cycleID store.ID) (jobID int64, err error)
	// EnqueueScoreShard scores one slice of a large selection's pool.
	EnqueueScoreShard(ctx context.Context, tx *store.Tx, shard jobs.ScoreShardArgs) (jobID int64, err error)
	// EnqueueImportCompounds carries the import (ImportInput and actor, as
	// JSON) in the job's args; the worker passes it back to RunImport.
	EnqueueImportCompounds(ctx context.Context, tx *store.Tx, payload []byte) (jobID int64, err error)
}

// Service holds every active-learning rule: import, models, selection,
// the label queue, retraining and statistics. It is safe for concurrent use.
type Service struct {
	st    *store.Store
	cache *modelCache // decoded ensembles and domains of the versions in use
	cfg   Config
	log   *slog.Logger
	jobs  JobEnqueuer
	obs   Observer // nil: none (SetObserver)
}

// New returns a service over st. broker may be nil (no in-process
// notification, e.g. in a worker-only process on PostgreSQL, where NOTIFY
// reaches the other replicas); log may be nil.
func New(st *store.Store, broker *events.Broker, cfg Config, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	if broker != nil {
		st.OnEvents(broker.Notify) // every commit that wrote events wakes the subscribers
	}
	return &Service{st: st, cache: new(modelCache), cfg: cfg.withDefaults(), log: log}
}

// SetJobs sets the job client (from package jobs). It must be called before
// any method that enqueues a job; it is separate from New because the job
// client's workers call back into the service.
func (s *Service) SetJobs(c JobEnqueuer) { s.jobs = c }

// Config returns the service's configuration with defaults applied.
func (s *Service) Config() Config { return s.cfg }

// Store returns the service's store.
func (s *Service) Store() *store.Store { return s.st }
