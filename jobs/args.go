package jobs

import (
	"activelab/store"

	"github.com/riverqueue/river"
)

// TrainModelArgs trains a model version created by CreateModel.
type TrainModelArgs struct {
	ModelID store.ID `json:"model_id"`
}

// Kind is the job kind, "train_model".
func (TrainModelArgs) Kind() string { return "train_model" }

// RetrainModelArgs retrains a cycle's model with the cycle's labels.
type RetrainModelArgs struct {
	CycleID store.ID `json:"cycle_id"`
}

// Kind is the job kind, "retrain_model".
func (RetrainModelArgs) Kind() string { return "retrain_model" }

// SelectSamplesArgs scores a cycle's (large) pool and enqueues its batch.
type SelectSamplesArgs struct {
	CycleID store.ID `json:"cycle_id"`
}

// Kind is the job kind, "select_samples".
func (SelectSamplesArgs) Kind() string { return "select_samples" }

// ImportCompoundsArgs carries a large import: the service's own JSON
// encoding of the rows and the actor, passed back to Importer.RunImport.
type ImportCompoundsArgs struct {
	Payload []byte `json:"payload"`
}

// Kind is the job kind, "import_compounds".
func (ImportCompoundsArgs) Kind() string { return "import_compounds" }

// ScoreShardArgs scores one slice of a large selection's pool: the pool's
// compounds with IDs in [FirstID, LastID], shard Shard of Shards.
type ScoreShardArgs struct {
	CycleID store.ID `json:"cycle_id"`
	Shard   int      `json:"shard"`
	Shards  int      `json:"shards"`
	FirstID store.ID `json:"first_id"`
	LastID  store.ID `json:"last_id"`
}

// Kind is the job kind, "score_shard".
func (ScoreShardArgs) Kind() string { return "score_shard" }

// InsertOpts puts train_model on the training queue.
func (TrainModelArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueTraining} }

// InsertOpts puts retrain_model on the training queue.
func (RetrainModelArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueTraining} }
