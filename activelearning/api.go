package activelearning

import (
	"activelab/activelearning/ingest"

	"activelab/store"
)

// ImportInput is a batch of compounds to import into the named set
// (created as a pool when missing; "" = no set). Rows with a Value become
// measurements of Endpoint with Source (default experimental).
type ImportInput struct {
	SetName  string
	Endpoint string
	Source   store.Source
	// File names the input in the import's record (may be empty).
	File string
	Rows []ingest.Row
	// Errors are rows the reader already rejected; they are passed through
	// into the report.
	Errors []ingest.RowError
}

// ImportReport says what an import did. JobID is set (and the counts are
// zero) when the import was handed to an import_compounds job.
type ImportReport struct {
	Rows, Created, Existing, Measurements int
	Errors                                []ingest.RowError
	// ErrorsNotListed counts rejected rows left out of Errors (a background
	// import lists the first MaxJobReportErrors).
	ErrorsNotListed int
	SetID           store.ID
	JobID           int64
	// ImportID is the import's record (store.Import): its state and
	// exact counts, readable after a crash.
	ImportID store.ID
	// LastRow is the last input row applied (or rejected) so far; the rows
	// after it were not applied.
	LastRow int
}

// MaxJobReportErrors is how many rejected rows a background import's
// report lists; the rest are counted in ErrorsNotListed.
const MaxJobReportErrors = 10000

// ImportJob is a background import as its submitter sees it.
type ImportJob struct {
	ID int64
	// State is jobs.StateQueued, StateRunning, StateComplete or StateFailed.
	State string
	// Fraction of the valid rows stored so far, and what the import is doing.
	Fraction float64
	Message  string
	// Error is why the job failed, or the last attempt's error while it is
	// retried.
	Error string
	// Report is what the import did, once State is complete.
	Report *ImportReport
	// Import is the import's record: what it has applied so far, exact
	// whatever happened to the job (nil for a job enqueued before records
	// existed).
	Import *store.Import
}

// CreateModelInput describes a new model lineage.
type CreateModelInput struct {
	Name     string
	Endpoint string
	Task     store.Task
	// Members is the ensemble size (default 32).
	Members int
	// Learner is "forest+linear" (default: half trees, half ridge or
	// logistic models), "forest", "ridge" or "logistic".
	Learner string
	// Params are learner settings: "l2" (linear members), "max_depth",
	// "min_samples_leaf" (trees).
	Params map[string]any
	// TrainingSetID restricts training to compounds of this set that have
	// measurements for Endpoint; 0 = every measured compound.
	TrainingSetID store.ID
	Split         SplitInput
	// Seed seeds the ensemble (default: Split.Seed).
	Seed int64
	// PromotionTolerance is how much worse than the active version a
	// retrained version may be on the validation set and still be
	// activated: relative RMSE increase for regression (default
	// DefaultRegressionTolerance), absolute ROC-AUC drop for
	// classification (default DefaultClassificationTolerance). Nil means
	// the default; it must be finite and >= 0.
	PromotionTolerance *float64
	// Classes are a classification model's class names in index order
	// (2 to ml.MaxClasses; empty: the binary "0", "1"). The endpoint's
	// measurements must be class indexes 0..K−1 (import them by name
	// with ImportInput.Classes). Regression takes none.
	Classes []string
	// GainCheck makes every retrain also train two models, with only the
	// strategy's picks and with only the random picks of the cycle's
	// labels, so the cycle's diagnosis gives the validation gain per label
	// of each group (about three times the retrain's training time).
	GainCheck bool
}

// SplitInput is the validation split, fixed when the model is created.
type SplitInput struct {
	// Kind is "random" (default) or "scaffold" (Bemis–Murcko).
	Kind string
	// Fraction held out, in (0, 0.5]; default 0.2.
	Fraction float64
	Seed     int64
}

// SelectInput asks for a batch of compounds to label.
type SelectInput struct {
	// ModelID is the model's lineage id.
	ModelID store.ID
	// Pool: SetID (a compound set), CompoundIDs or SMILES (a pasted list,
	// see PastedPool); all zero = every compound not labeled for the
	// endpoint.
	SetID       store.ID
	CompoundIDs []store.ID
	// SMILES is a pasted pool, one entry a line (line N is SMILES[N-1]):
	// a SMILES, optionally followed by whitespace and a name (as in a .smi
	// file); blank lines are ignored. At most Config.MaxPastedPool lines.
	SMILES []string
	// Strategy is "default" (also when empty) or "adaptive", the same
	// thing: the explore share chosen from the lineage's earlier cycles
	// (selfcheck.Adaptive, see AdaptiveShare); or a sampling spec
	// ("mix", "uncertainty", "hybrid+diverse", ...).
	Strategy string
	// Diversity, when > 0, is the Tanimoto threshold of diversity-aware
	// batching: it becomes the spec's "+diverse=T" (replacing the spec's
	// threshold, or the mix's batch mode; rejected with a "+cluster" or
	// "+softrank" asked for by name, and with the adaptive default).
	Diversity float64
	// BatchSize is how many compounds to select (the API's default is
	// DefaultBatchSize).
	BatchSize int
	Seed      int64
	// IncludeLabeled lets compounds already labeled for the endpoint into
	// the pool (the default, false, excludes them).
	IncludeLabeled bool
	// IncludeSkipped lets compounds skipped in the lineage's queue back
	// into the pool. By default a skipped compound is not selected again:
	// labelers skip what they cannot measure, and an uncertainty sampler
	// would otherwise pick the same compound at the top of every cycle.
	IncludeSkipped bool
}

// Candidate is one ranked compound of a selection.
type Candidate struct {
	CompoundID            store.ID
	Prediction            float64
	Uncertainty           float64
	ApplicabilityDistance float64
	Priority              float64
	Rank                  int
	// Explore marks a pick drawn at random (the explore share of the
	// batch, or any pick of the random strategy), not by the strategy.
	Explore bool
	// IntervalLow and IntervalHigh bound the version's PredictInterval
	// (90 %) interval when HasInterval (not for classification or an
	// uncalibrated version).
	IntervalLow, IntervalHigh float64
	HasInterval               bool
	// Probabilities are the class probabilities (index order) of a model
	// of more than two classes, whose Prediction is then the probability
	// of the most probable class; nil otherwise.
	Probabilities []float64
	// classes are the model's classes (nil for regression).
	classes []string
	// calibration gives the interval at other levels (IntervalAt).
	calibration *Calibration
}

// interval returns the candidate's interval bounds as pointers, nil, nil
// without one.
func (c Candidate) interval() (low, high *float64) {
	if !c.HasInterval {
		return nil, nil
	}
	return &c.IntervalLow, &c.IntervalHigh
}

// DefaultMinNewLabels is how many labels new since the active version was
// trained a retrain needs when none is given (the specification's 10).
const DefaultMinNewLabels = 10

// DefaultBatchSize is a selection's batch size when none is given (the
// specification's 50).
const DefaultBatchSize = 50

// SubmitLabelInput is a labeler's answer for a queue item.
type SubmitLabelInput struct {
	ItemID store.ID
	Value  float64
	// Class, when not empty, is a classification label by class name (or
	// index 0..K−1 written as an integer); it sets Value to the class
	// index.
	Class string
	// NoValue says the caller gave neither a value nor a class (the API's
	// value is optional): an *InputError on value, after the role check.
	NoValue    bool
	Source     store.Source
	Confidence store.Confidence
	Notes      string
	// Confirm keeps a value the plausibility check refuses (it is stored
	// flagged as implausible).
	Confirm bool
}

// QueueFilter restricts LabelQueue. ModelID is a lineage id (0 = every model).
type QueueFilter struct {
	ModelID    store.ID
	Status     []store.QueueStatus
	AssignedTo store.ID
	// Archived, when set, keeps only archived items (true: labeled items
	// a version trained on since became active) or only the others
	// (false); nil keeps both. The API's default view is false.
	Archived *bool
}

// QueueOrder orders LabelQueue.
type QueueOrder string

// The queue orders.
const (
	OrderPriorityDesc  QueueOrder = "PRIORITY_DESC"
	OrderCreatedAtAsc  QueueOrder = "CREATED_AT_ASC"
	OrderCreatedAtDesc QueueOrder = "CREATED_AT_DESC"
	OrderLabeledAtDesc QueueOrder = "LABELED_AT_DESC"
)

// QueuePage is one page of the label queue with opaque cursors: Cursors[i]
// continues the listing after Items[i] (a Relay edge cursor), EndCursor is
// the last item's.
type QueuePage struct {
	Items     []*store.LabelQueueItem
	Cursors   []string
	HasNext   bool
	EndCursor string
	// Total is how many items the filter keeps, on every page; -1 unless
	// asked for (counting scans every matching item).
	Total int
	// Compounds are the items' compounds by id, read with the page and
	// without their computed columns (store.CompoundSummariesByIDs).
	Compounds map[store.ID]*store.Compound
}

// CurvePoint is one point of a learning curve: after a cycle, how many
// labels the model had and its validation metrics.
type CurvePoint struct {
	// Cycle is the cycle whose retrain trained the version (0 for
	// version 1).
	Cycle int
	// Version is the version the point measures.
	Version int
	// Labels is how many labels the version trained on: its training
	// rows that carry a label (MLModel.TrainedLabels), not a sum of the
	// cycles' counts, which overlapping cycles would get wrong.
	Labels int
	// Metrics are the version's validation metrics.
	Metrics map[string]float64
}

// LabelerStats counts one labeler's work.
type LabelerStats struct {
	UserID           store.ID
	Labeled, Skipped int
}

// Stats summarises a model lineage's active learning.
type Stats struct {
	Cycles        int
	LearningCurve []CurvePoint
	Counts        map[store.QueueStatus]int
	Labelers      []LabelerStats
}

// SimilarCompound is a compound and its Tanimoto similarity to a query.
type SimilarCompound struct {
	Compound   *store.Compound
	Similarity float64
}
