package ml

import (
	"fmt"
	"math"
	"runtime"
)

// Task is what an ensemble predicts.
type Task uint8

const (
	// Regression predicts a real value; members' outputs are averaged.
	Regression Task = iota
	// Classification predicts the probability of class 1 of a binary label
	// (targets must be 0 or 1); members' probabilities are averaged.
	Classification
)

// String returns "regression" or "classification".
func (t Task) String() string {
	switch t {
	case Regression:
		return "regression"
	case Classification:
		return "classification"
	}
	return fmt.Sprintf("Task(%d)", uint8(t))
}

// ParseTask returns the Task named "regression" or "classification".
func ParseTask(s string) (Task, error) {
	switch s {
	case "regression":
		return Regression, nil
	case "classification":
		return Classification, nil
	}
	return 0, &ConfigError{Field: "Task", Reason: fmt.Sprintf("unknown task %q (want regression or classification)", s)}
}

// LearnerKind selects the model every ensemble member is.
type LearnerKind uint8

const (
	// Forest members are decision trees (a bootstrap ensemble of trees with
	// per-split feature subsampling is a random forest). The default.
	Forest LearnerKind = iota
	// Linear members are ridge regression (Regression) or L2-penalised
	// logistic regression (Classification) on the bits and the standardised
	// descriptors.
	Linear
	// ForestLinear ensembles mix both: the first ceil(Members/2) members
	// are trees, the others linear models, each on its own bootstrap
	// resample. The mean averages all members, so the two kinds' errors
	// partly cancel (on ESOL and BBBP the mix beats either kind alone),
	// and the spread includes their disagreement.
	ForestLinear
)

// String returns "forest", "linear" or "forest+linear".
func (k LearnerKind) String() string {
	switch k {
	case Forest:
		return "forest"
	case Linear:
		return "linear"
	case ForestLinear:
		return "forest+linear"
	}
	return fmt.Sprintf("LearnerKind(%d)", uint8(k))
}

// DefaultLearner is the learner the product and the simulator use unless
// told otherwise: on ESOL and BBBP the forest+linear mix predicts better
// than either kind alone with the same labels (docs/simulation). The zero
// EnsembleConfig still means Forest.
const DefaultLearner = ForestLinear

// ParseLearner returns the LearnerKind named "forest", "linear" or
// "forest+linear".
func ParseLearner(s string) (LearnerKind, error) {
	for _, k := range []LearnerKind{Forest, Linear, ForestLinear} {
		if s == k.String() {
			return k, nil
		}
	}
	return 0, &ConfigError{Field: "Learner", Reason: fmt.Sprintf("unknown learner %q (want forest, linear or forest+linear)", s)}
}

// valid reports whether k is a known learner kind.
func (k LearnerKind) valid() bool { return k <= ForestLinear }

// treeMembers returns how many of members are trees.
func (k LearnerKind) treeMembers(members int) int {
	switch k {
	case Forest:
		return members
	case ForestLinear:
		return (members + 1) / 2
	}
	return 0
}

// TreeConfig holds the decision-tree settings. Zero values select the
// defaults, chosen to match scikit-learn's RandomForest growth (full depth,
// one sample per leaf) except for how candidate features are drawn (see
// MaxDenseFeatures).
type TreeConfig struct {
	// MaxDepth limits the depth of a tree (root = depth 0); 0 = unlimited.
	MaxDepth int
	// MinSamplesLeaf is the least number of distinct training rows in a
	// leaf; default 1.
	MinSamplesLeaf int
	// MinSamplesSplit is the least number of distinct rows a node needs to
	// be split; default 2.
	MinSamplesSplit int
	// MaxBitFeatures is how many non-constant fingerprint bits are
	// evaluated per split; default ceil(sqrt(NBits)); -1 means all.
	MaxBitFeatures int
	// MaxDenseFeatures is how many non-constant descriptors are evaluated
	// per split, drawn separately from the bits so that a few informative
	// descriptors are not drowned among 2048 bits; default
	// ceil(NDense/3); -1 means all.
	MaxDenseFeatures int
	// MaxBins is the number of quantile bins of each descriptor (split
	// thresholds are bin edges, as in LightGBM); default 64, at most 256.
	MaxBins int
}

// EnsembleConfig configures TrainEnsemble.
type EnsembleConfig struct {
	Task    Task
	Members int         // number of bootstrap members; default 32
	Learner LearnerKind // Forest (default), Linear or ForestLinear
	Tree    TreeConfig  // tree members' settings (Forest, ForestLinear)
	// L2 is the penalty on the coefficients (not the intercept) of linear
	// members (Linear, ForestLinear): ridge minimises sum_i w_i (y_i - x_i b)^2 + L2 |b|^2
	// (scikit-learn's Ridge alpha), logistic regression
	// sum_i w_i logloss_i + L2/2 |b|^2 (LogisticRegression C = 1/L2).
	// Default 1.
	L2 float64
	// Seed makes training reproducible: member m draws from a PCG stream
	// derived from (Seed, m) only, so the model is the same whatever the
	// number of cores.
	Seed uint64
	// Workers bounds the number of goroutines; 0 = runtime.GOMAXPROCS(0).
	Workers int
	// FeatureSet names the feature layout the ensemble is trained on
	// (e.g. "morgan-r2-2048+dense34.v1"), at most 255 printable ASCII
	// bytes. ml does not interpret it: it is saved with the model so that
	// a caller can refuse to predict with features of another layout of
	// the same shape. Optional.
	FeatureSet string
}

const (
	defaultMembers = 32
	defaultMaxBins = 64
	maxMembers     = 1 << 16
	maxFeatureSet  = 255
)

// withDefaults returns c with zero fields replaced by defaults and checks it.
func (c EnsembleConfig) withDefaults() (EnsembleConfig, error) {
	if c.Task != Regression && c.Task != Classification {
		return c, &ConfigError{Field: "Task", Reason: fmt.Sprintf("unknown task %d", c.Task)}
	}
	if !c.Learner.valid() {
		return c, &ConfigError{Field: "Learner", Reason: fmt.Sprintf("unknown learner %d", c.Learner)}
	}
	if c.Members == 0 {
		c.Members = defaultMembers
	}
	if c.Members < 1 || c.Members > maxMembers {
		return c, &ConfigError{Field: "Members", Reason: fmt.Sprintf("%d outside [1,%d]", c.Members, maxMembers)}
	}
	if c.Workers < 0 {
		return c, &ConfigError{Field: "Workers", Reason: "negative"}
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.L2 == 0 {
		c.L2 = 1
	}
	if len(c.FeatureSet) > maxFeatureSet {
		return c, &ConfigError{Field: "FeatureSet", Reason: fmt.Sprintf("%d bytes, at most %d", len(c.FeatureSet), maxFeatureSet)}
	}
	for _, r := range []byte(c.FeatureSet) {
		if r < 0x20 || r > 0x7e {
			return c, &ConfigError{Field: "FeatureSet", Reason: fmt.Sprintf("byte %#x is not printable ASCII", r)}
		}
	}
	if c.L2 < 0 || math.IsNaN(c.L2) || math.IsInf(c.L2, 0) {
		return c, &ConfigError{Field: "L2", Reason: fmt.Sprintf("%v is not a finite non-negative penalty", c.L2)}
	}
	t := &c.Tree
	if t.MaxDepth < 0 {
		return c, &ConfigError{Field: "Tree.MaxDepth", Reason: "negative"}
	}
	if t.MinSamplesLeaf == 0 {
		t.MinSamplesLeaf = 1
	}
	if t.MinSamplesLeaf < 1 {
		return c, &ConfigError{Field: "Tree.MinSamplesLeaf", Reason: "negative"}
	}
	if t.MinSamplesSplit == 0 {
		t.MinSamplesSplit = 2
	}
	if t.MinSamplesSplit < 2 {
		return c, &ConfigError{Field: "Tree.MinSamplesSplit", Reason: "must be at least 2"}
	}
	if t.MaxBitFeatures < -1 {
		return c, &ConfigError{Field: "Tree.MaxBitFeatures", Reason: "must be -1 (all), 0 (default) or positive"}
	}
	if t.MaxDenseFeatures < -1 {
		return c, &ConfigError{Field: "Tree.MaxDenseFeatures", Reason: "must be -1 (all), 0 (default) or positive"}
	}
	if t.MaxBins == 0 {
		t.MaxBins = defaultMaxBins
	}
	if t.MaxBins < 2 || t.MaxBins > 256 {
		return c, &ConfigError{Field: "Tree.MaxBins", Reason: fmt.Sprintf("%d outside [2,256]", t.MaxBins)}
	}
	return c, nil
}

// featureCounts resolves the per-split candidate counts for a matrix shape.
func (t TreeConfig) featureCounts(nBits, nDense int) (mb, md int) {
	switch {
	case t.MaxBitFeatures == -1 || t.MaxBitFeatures > nBits:
		mb = nBits
	case t.MaxBitFeatures == 0:
		mb = int(math.Ceil(math.Sqrt(float64(nBits))))
	default:
		mb = t.MaxBitFeatures
	}
	switch {
	case t.MaxDenseFeatures == -1 || t.MaxDenseFeatures > nDense:
		md = nDense
	case t.MaxDenseFeatures == 0:
		md = (nDense + 2) / 3
	default:
		md = t.MaxDenseFeatures
	}
	return mb, md
}
