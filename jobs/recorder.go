package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"activelab/store"
)

// Recorder is a job enqueuer for tests: it records the jobs a service asks
// for instead of inserting them into River, and Run works them synchronously
// in the caller's goroutine. It does not see transactions, so a job asked for
// in a transaction that rolls back is still recorded: tests that roll back
// check Pending. It satisfies activelearning.JobEnqueuer.
type Recorder struct {
	mu      sync.Mutex
	nextID  int64
	pending []Recorded
	done    map[int64]*Status
}

// Recorded is one recorded job.
type Recorded struct {
	ID   int64
	Kind string
	// Arg is the model ID (train_model) or cycle ID (retrain_model,
	// select_samples, score_shard).
	Arg     store.ID
	Payload []byte // import_compounds; score_shard's args as JSON
}

func (r *Recorder) add(kind string, arg store.ID, payload []byte) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nextID++
	r.pending = append(r.pending, Recorded{ID: r.nextID, Kind: kind, Arg: arg, Payload: payload})
	return r.nextID, nil
}

// EnqueueTrainModel records a train_model job.
func (r *Recorder) EnqueueTrainModel(_ context.Context, _ *store.Tx, modelID store.ID) (int64, error) {
	return r.add(TrainModelArgs{}.Kind(), modelID, nil)
}

// EnqueueRetrainModel records a retrain_model job.
func (r *Recorder) EnqueueRetrainModel(_ context.Context, _ *store.Tx, cycleID store.ID) (int64, error) {
	return r.add(RetrainModelArgs{}.Kind(), cycleID, nil)
}

// EnqueueSelectSamples records a select_samples job.
func (r *Recorder) EnqueueSelectSamples(_ context.Context, _ *store.Tx, cycleID store.ID) (int64, error) {
	return r.add(SelectSamplesArgs{}.Kind(), cycleID, nil)
}

// EnqueueScoreShard records a score_shard job (its args as the payload).
func (r *Recorder) EnqueueScoreShard(_ context.Context, _ *store.Tx, shard ScoreShardArgs) (int64, error) {
	raw, err := json.Marshal(shard)
	if err != nil {
		return 0, err
	}
	return r.add(ScoreShardArgs{}.Kind(), shard.CycleID, raw)
}

// EnqueueImportCompounds records an import_compounds job.
func (r *Recorder) EnqueueImportCompounds(_ context.Context, _ *store.Tx, payload []byte) (int64, error) {
	return r.add(ImportCompoundsArgs{}.Kind(), store.NilID, payload)
}

// Pending returns the jobs recorded and not yet run.
func (r *Recorder) Pending() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Recorded(nil), r.pending...)
}

// Run works every recorded job in order with deps, including jobs that
// those jobs enqueue, and stops at the first error (the failed job stays
// pending, as River would retry it).
func (r *Recorder) Run(ctx context.Context, deps Deps) error {
	for {
		r.mu.Lock()
		if len(r.pending) == 0 {
			r.mu.Unlock()
			return nil
		}
		j := r.pending[0]
		r.mu.Unlock()
		result, err := work(ctx, deps, j)
		if err != nil {
			return fmt.Errorf("job %d (%s): %w", j.ID, j.Kind, err)
		}
		st := &Status{ID: j.ID, Kind: j.Kind, State: StateComplete, Args: j.args()}
		if result != nil {
			if st.Output, err = json.Marshal(Output{Result: result}); err != nil {
				return err
			}
		}
		r.mu.Lock()
		r.pending = r.pending[1:]
		if r.done == nil {
			r.done = map[int64]*Status{}
		}
		r.done[j.ID] = st
		r.mu.Unlock()
	}
}

// JobStatus returns a recorded job's status: queued until Run works it,
// then complete with its result.
func (r *Recorder) JobStatus(_ context.Context, id int64) (*Status, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st, ok := r.done[id]; ok {
		cp := *st
		return &cp, nil
	}
	for _, j := range r.pending {
		if j.ID == id {
			return &Status{ID: j.ID, Kind: j.Kind, State: StateQueued, Args: j.args()}, nil
		}
	}
	return nil, fmt.Errorf("job %d: %w", id, store.ErrNotFound)
}

// args is the job's arguments as River would encode them.
func (j Recorded) args() json.RawMessage {
	var a any
	switch j.Kind {
	case TrainModelArgs{}.Kind():
		a = TrainModelArgs{ModelID: j.Arg}
	case RetrainModelArgs{}.Kind():
		a = RetrainModelArgs{CycleID: j.Arg}
	case SelectSamplesArgs{}.Kind():
		a = SelectSamplesArgs{CycleID: j.Arg}
	case ScoreShardArgs{}.Kind():
		return json.RawMessage(j.Payload)
	case ImportCompoundsArgs{}.Kind():
		a = ImportCompoundsArgs{Payload: j.Payload}
	}
	raw, _ := json.Marshal(a)
	return raw
}

// Work runs one recorded job with deps, as its River worker would.
func Work(ctx context.Context, deps Deps, j Recorded) error {
	_, err := work(ctx, deps, j)
	return err
}

// work runs one recorded job and returns its result (imports only).
func work(ctx context.Context, deps Deps, j Recorded) (json.RawMessage, error) {
	switch j.Kind {
	case TrainModelArgs{}.Kind():
		return nil, deps.TrainModel(ctx, j.Arg, nil)
	case RetrainModelArgs{}.Kind():
		return nil, deps.Retrain(ctx, j.Arg, nil)
	case SelectSamplesArgs{}.Kind():
		return nil, deps.RunSelection(ctx, j.Arg)
	case ScoreShardArgs{}.Kind():
		var a ScoreShardArgs
		if err := json.Unmarshal(j.Payload, &a); err != nil {
			return nil, err
		}
		return nil, deps.RunShard(ctx, a)
	case ImportCompoundsArgs{}.Kind():
		return deps.RunImport(ctx, j.Payload, nil)
	}
	return nil, fmt.Errorf("unknown job kind %q", j.Kind)
}
