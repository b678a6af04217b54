package ml

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// Ensemble is a trained bootstrap ensemble. It is immutable and safe for
// concurrent use.
type Ensemble struct {
	task    Task
	learner LearnerKind
	cfg     EnsembleConfig // resolved settings (Workers is not persisted)
	nBits   int
	nDense  int
	nTrain  int
	trees   []tree        // tree members: members 0 .. len(trees)-1
	layout  edgeLayout    // trees' descriptor bin edges and extended features
	fast    []fastTree    // tree members flattened for prediction
	linear  []linearModel // linear members: members len(trees) .. Members-1
	block   linearBlock   // linear members transposed for prediction
	std     *Standardizer // linear members' descriptor scaling
	oob     [][]uint64    // per member, bitset over training rows not drawn
	cal     calibration   // from the out-of-bag predictions (calibrate.go)
}

// Task returns what the ensemble predicts.
func (e *Ensemble) Task() Task { return e.task }

// Learner returns the members' learner kind.
func (e *Ensemble) Learner() LearnerKind { return e.learner }

// Members returns the number of members.
func (e *Ensemble) Members() int { return e.cfg.Members }

// Config returns the resolved configuration the ensemble was trained with
// (defaults filled in).
func (e *Ensemble) Config() EnsembleConfig { return e.cfg }

// FeatureSet returns the feature layout name the ensemble was trained with
// (EnsembleConfig.FeatureSet; empty for version 1 artifacts).
func (e *Ensemble) FeatureSet() string { return e.cfg.FeatureSet }

// Shape returns the fingerprint bit count and descriptor count the
// ensemble expects of every Features it predicts.
func (e *Ensemble) Shape() (nBits, nDense int) { return e.nBits, e.nDense }

// TrainRows returns the number of rows of the training matrix.
func (e *Ensemble) TrainRows() int { return e.nTrain }

// OutOfBag returns the training rows member m did not draw in its
// bootstrap resample (rows of weight 0 are never drawn, so they are always
// listed), in increasing order. Panics if m is out of range.
func (e *Ensemble) OutOfBag(m int) []int {
	set := e.oob[m]
	var out []int
	for i := 0; i < e.nTrain; i++ {
		if set[i>>6]>>(uint(i)&63)&1 == 1 {
			out = append(out, i)
		}
	}
	return out
}

// prepare derives the prediction structures from the trained members.
func (e *Ensemble) prepare() {
	e.block = newLinearBlock(e.linear)
	if len(e.trees) == 0 {
		return
	}
	e.fast = make([]fastTree, len(e.trees))
	for m := range e.trees {
		e.fast[m] = newFastTree(&e.trees[m], &e.layout)
	}
}

// memberRNG returns member m's random stream: a PCG seeded from the
// ensemble seed and the member index only.
func memberRNG(seed uint64, m int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9E3779B97F4A7C15^(uint64(m)+1)*0xBF58476D1CE4E5B9))
}

// TrainEnsemble trains cfg.Members models, each on a bootstrap resample of
// the rows of X (drawn with probability proportional to nothing but row
// identity: n draws with replacement among the rows of positive weight;
// a row drawn k times weighs k*w[row]). w may be nil (all 1); rows of
// weight 0 take no part in training at all. Members are trained in parallel
// on cfg.Workers goroutines; the result depends on cfg.Seed and the data
// only. Classification targets must be 0 or 1; regression targets finite
// and within ±MaxTarget, weights in [0, MaxWeight], descriptors finite:
// anything else is an *InputError naming the row. A model holding a
// non-finite number is never returned (*NonFiniteError). A cancelled ctx
// stops the training with ctx's error.
func TrainEnsemble(ctx context.Context, X *Features, y, w []float64, cfg EnsembleConfig) (*Ensemble, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := validateTraining(X, y, w, cfg.Task); err != nil {
		return nil, err
	}
	return train(ctx, X, y, w, cfg)
}

// train is TrainEnsemble after validation of the inputs' shapes and
// values (cfg has its defaults). It refuses, with a *NonFiniteError, a
// model whose training produced a non-finite number (which the bounds on
// the inputs should make impossible).
func train(ctx context.Context, X *Features, y, w []float64, cfg EnsembleConfig) (*Ensemble, error) {
	if w == nil {
		w = make([]float64, len(y))
		for i := range w {
			w[i] = 1
		}
	}
	var pos []int32 // rows of positive weight
	for i, wi := range w {
		if wi > 0 {
			pos = append(pos, int32(i))
		}
	}
	if len(pos) == 0 {
		return nil, &InputError{What: "w", Row: -1, Reason: "no row has a positive weight"}
	}
	e := &Ensemble{task: cfg.Task, learner: cfg.Learner, cfg: cfg, nBits: X.nBits, nDense: X.nDense, nTrain: X.rows,
		oob: make([][]uint64, cfg.Members)}

	// Shared, read-only training structures.
	nTrees := cfg.Learner.treeMembers(cfg.Members)
	var td *trainData
	var ld *linearData
	if nTrees > 0 {
		td = newTrainData(X, y, pos, cfg.Tree.MaxBins)
		e.trees = make([]tree, nTrees)
	}
	if nTrees < cfg.Members {
		posInt := make([]int, len(pos))
		for k, r := range pos {
			posInt[k] = int(r)
		}
		e.std = FitStandardizer(X, posInt, w)
		ld = newLinearData(X, y, e.std, cfg.Task, cfg.L2)
		e.linear = make([]linearModel, cfg.Members-nTrees)
	}

	jobs := make(chan int)
	var wg sync.WaitGroup
	workers := min(cfg.Workers, cfg.Members)
	for range workers {
		wg.Go(func() {
			var tb *treeBuilder // made on this worker's first tree
			var sw []float64    // linear members' bootstrap weights
			for m := range jobs {
				rng := memberRNG(cfg.Seed, m)
				if m < nTrees {
					if tb == nil {
						tb = newTreeBuilder(td, cfg.Tree)
					}
					e.oob[m] = bootstrap(rng, pos, w, tb.sw)
					e.trees[m] = tb.build(rng)
					continue
				}
				if sw == nil {
					sw = make([]float64, X.rows)
				}
				e.oob[m] = bootstrap(rng, pos, w, sw)
				e.linear[m-nTrees] = ld.train(sw)
			}
		})
	}
	var cerr error
feed:
	for m := 0; m < cfg.Members; m++ {
		select {
		case jobs <- m:
		case <-ctx.Done():
			cerr = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if cerr != nil {
		return nil, fmt.Errorf("ml: train ensemble: %w", cerr)
	}
	if td != nil {
		e.layout = td.layout
	}
	if err := e.checkFinite(); err != nil {
		return nil, fmt.Errorf("ml: train ensemble: %w", err)
	}
	e.prepare()
	if err := e.calibrate(ctx, X, y, w); err != nil {
		return nil, fmt.Errorf("ml: train ensemble: calibrate: %w", err)
	}
	if err := e.checkFinite(); err != nil {
		return nil, fmt.Errorf("ml: train ensemble: %w", err)
	}
	return e, nil
}

// bootstrap draws len(pos) rows with replacement from pos into sw
// (sw[r] = draws * w[r]) and returns the out-of-bag bitset.
func bootstrap(rng *rand.Rand, pos []int32, w, sw []float64) []uint64 {
	clear(sw)
	n := len(pos)
	for range n {
		r := pos[rng.IntN(n)]
		sw[r] += w[r]
	}
	oob := make([]uint64, WordsFor(len(sw)))
	for r, v := range sw {
		if v == 0 {
			oob[r>>6] |= 1 << (uint(r) & 63)
		}
	}
	return oob
}

// validateTraining checks shapes and values of the training inputs.
func validateTraining(X *Features, y, w []float64, task Task) error {
	if X == nil {
		return &InputError{What: "X", Row: -1, Reason: "nil matrix"}
	}
	if X.rows == 0 {
		return &InputError{What: "X", Row: -1, Reason: "no rows"}
	}
	if X.nBits+X.nDense == 0 {
		return &InputError{What: "X", Row: -1, Reason: "no features"}
	}
	if len(y) != X.rows {
		return &InputError{What: "y", Row: -1, Reason: fmt.Sprintf("%d targets for %d rows", len(y), X.rows)}
	}
	if w != nil && len(w) != X.rows {
		return &InputError{What: "w", Row: -1, Reason: fmt.Sprintf("%d weights for %d rows", len(w), X.rows)}
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &InputError{What: "y", Row: i, Reason: fmt.Sprintf("target %v is not finite", v)}
		}
		if math.Abs(v) > MaxTarget {
			return &InputError{What: "y", Row: i, Reason: fmt.Sprintf("target %v exceeds the bound ±%g", v, float64(MaxTarget))}
		}
		if task == Classification && v != 0 && v != 1 {
			return &InputError{What: "y", Row: i, Reason: fmt.Sprintf("classification target %v is not 0 or 1", v)}
		}
	}
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > MaxWeight {
			return &InputError{What: "w", Row: i, Reason: fmt.Sprintf("weight %v is not in [0, %g]", v, float64(MaxWeight))}
		}
	}
	return X.checkFinite()
}
