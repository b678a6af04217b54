package simulation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"activelab/ml"
	"activelab/ml/metrics"
	"activelab/ml/sampling"
)

// ErrConfig marks an invalid simulation configuration.
var ErrConfig = errors.New("invalid simulation config")

// Config is the simulation protocol.
type Config struct {
	Task       ml.Task
	Strategies []string // sampling specs, e.g. "random", "uncertainty", "hybrid+diverse", "default"
	Batch      int      // labels revealed per cycle
	Cycles     int      // selection cycles after the initial model
	Seeds      int      // repetitions, seeds FirstSeed .. FirstSeed+Seeds-1
	FirstSeed  int      // first seed (0 in the protocol; others check a choice on unseen seeds)
	Initial    float64  // fraction of the non-validation pool labeled at cycle 0
	Validation float64  // fraction of all rows held out, drawn once with SplitSeed
	SplitSeed  uint64
	// Model configures every ensemble (Members is the --ensemble flag; Task
	// and Seed are set by the simulator).
	Model ml.EnsembleConfig
	// Progress receives one line per finished (strategy, seed) run; may be nil.
	Progress io.Writer
}

// Point is one row of curves.csv: the model of one cycle, scored on the
// validation set.
type Point struct {
	Strategy string
	Seed     int
	Cycle    int
	Labels   int
	Metrics  []float64 // in the order of MetricNames(Task)
	// Extra holds the metrics of ExtraMetricNames(Task) (uncertainty and
	// calibration quality), reported in summary.json only.
	Extra []float64
}

// Result holds every learning curve of a simulation.
type Result struct {
	Config     Config
	Validation int // validation rows
	Pool       int // rows available for labeling (including the initial set)
	Points     []Point
}

// MetricNames are the columns of curves.csv after the labels column; the
// first is the primary metric of the summary.
func MetricNames(t ml.Task) []string {
	if t == ml.Classification {
		return []string{"roc_auc", "pr_auc", "accuracy", "log_loss"}
	}
	return []string{"rmse", "mae", "r2", "spearman"}
}

// ExtraMetricNames are the quality metrics summary.json reports for the
// final models beyond curves.csv's columns: uncertainty quality for
// regression (Spearman(|error|, std), miscalibration area with 100
// proportions, ENCE with 10 bins, Gaussian NLL, coverage of ±1.96σ),
// F1, Brier and ECE (10 bins) for classification.
func ExtraMetricNames(t ml.Task) []string {
	if t == ml.Classification {
		return []string{"f1", "brier", "ece_10"}
	}
	return []string{"spearman_abs_error_std", "miscalibration_area", "ence_10", "gaussian_nll", "coverage_1.96sd"}
}

// HigherIsBetter reports the direction of the task's primary metric
// (ROC-AUC up, RMSE down).
func HigherIsBetter(t ml.Task) bool { return t == ml.Classification }

func (c *Config) validate(rows int) ([]sampling.Spec, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...)
	}
	switch {
	case c.Task != ml.Regression && c.Task != ml.Classification:
		return nil, bad("task %d", c.Task)
	case len(c.Strategies) == 0:
		return nil, bad("no strategies")
	case c.Batch <= 0:
		return nil, bad("batch %d must be positive", c.Batch)
	case c.Cycles < 0:
		return nil, bad("cycles %d must be >= 0", c.Cycles)
	case c.Seeds <= 0:
		return nil, bad("seeds %d must be positive", c.Seeds)
	case c.FirstSeed < 0:
		return nil, bad("first seed %d must be >= 0", c.FirstSeed)
	case !(c.Initial > 0 && c.Initial < 1):
		return nil, bad("initial fraction %g must be in (0, 1)", c.Initial)
	case !(c.Validation > 0 && c.Validation < 1):
		return nil, bad("validation fraction %g must be in (0, 1)", c.Validation)
	}
	specs := make([]sampling.Spec, len(c.Strategies))
	seen := map[string]bool{}
	for i, s := range c.Strategies {
		sp, err := sampling.ParseSpec(s)
		if err != nil {
			return nil, fmt.Errorf("%w: strategy %q: %w", ErrConfig, s, err)
		}
		if c.Task == ml.Regression && (sp.Strategy == sampling.Margin || sp.Strategy == sampling.Entropy) {
			return nil, fmt.Errorf("%w: strategy %q: %w: margin and entropy need class probabilities", ErrConfig, s, sampling.ErrTask)
		}
		if seen[s] {
			return nil, bad("strategy %q listed twice", s)
		}
		seen[s] = true
		specs[i] = sp
	}
	nVal := int(math.Round(c.Validation * float64(rows)))
	pool := rows - nVal
	nInit := int(math.Round(c.Initial * float64(pool)))
	if nVal < 2 || nInit < 2 {
		return nil, bad("%d rows give %d validation and %d initial rows; need at least 2 of each", rows, nVal, nInit)
	}
	if nInit+c.Batch*c.Cycles > pool {
		return nil, bad("%d initial + %d cycles × %d labels exceed the pool of %d rows", nInit, c.Cycles, c.Batch, pool)
	}
	return specs, nil
}

// Split returns the validation rows and the pool rows: a permutation of
// 0..n-1 drawn with seed, the first round(fraction·n) held out. Both are
// sorted by row for stable output.
func Split(n int, fraction float64, seed uint64) (validation, pool []int) {
	perm := rand.New(rand.NewPCG(seed, 0x5eed_5917)).Perm(n)
	nVal := int(math.Round(fraction * float64(n)))
	validation = sortedCopy(perm[:nVal])
	pool = sortedCopy(perm[nVal:])
	return validation, pool
}

// Run simulates every strategy for every seed on ds and returns the
// learning curves. For seed s, every strategy starts from the same initial
// labeled set and trains its cycle-c model with the same ensemble seed, so
// strategies differ only by what they select.
func Run(ctx context.Context, ds *Dataset, cfg Config) (*Result, error) {
	n := ds.X.Rows()
	specs, err := cfg.validate(n)
	if err != nil {
		return nil, err
	}
	if cfg.Task == ml.Classification {
		for i, y := range ds.Y {
			if y != 0 && y != 1 {
				return nil, fmt.Errorf("%w: line %d: classification value %g is not 0 or 1", ErrData, ds.Records[i].Line, y)
			}
		}
	}
	valRows, poolRows := Split(n, cfg.Validation, cfg.SplitSeed)
	res := &Result{Config: cfg, Validation: len(valRows), Pool: len(poolRows)}
	val := newEvaluator(ds, valRows, cfg.Task)
	nInit := int(math.Round(cfg.Initial * float64(len(poolRows))))
	for si, spec := range specs {
		for seed := cfg.FirstSeed; seed < cfg.FirstSeed+cfg.Seeds; seed++ {
			start := time.Now()
			pts, err := runOne(ctx, ds, cfg, spec, cfg.Strategies[si], seed, poolRows, nInit, val)
			if err != nil {
				return nil, fmt.Errorf("strategy %s seed %d: %w", cfg.Strategies[si], seed, err)
			}
			res.Points = append(res.Points, pts...)
			if cfg.Progress != nil {
				last := pts[len(pts)-1]
				fmt.Fprintf(cfg.Progress, "simulate: %-22s seed %d: %s %.4f -> %.4f after %d labels (%s)\n",
					cfg.Strategies[si], seed, MetricNames(cfg.Task)[0], pts[0].Metrics[0], last.Metrics[0], last.Labels,
					time.Since(start).Round(time.Millisecond))
			}
		}
	}
	return res, nil
}

// initialSet draws the seed's initial labeled rows from the pool.
func initialSet(poolRows []int, nInit, seed int) []int {
	perm := rand.New(rand.NewPCG(uint64(seed), 0x1417_1a1)).Perm(len(poolRows))
	out := make([]int, nInit)
	for i := range out {
		out[i] = poolRows[perm[i]]
	}
	return out
}

func runOne(ctx context.Context, ds *Dataset, cfg Config, spec sampling.Spec, name string, seed int, poolRows []int, nInit int, val *evaluator) ([]Point, error) {
	labeled := initialSet(poolRows, nInit, seed)
	isLabeled := make(map[int]bool, len(poolRows))
	for _, r := range labeled {
		isLabeled[r] = true
	}
	var pts []Point
	for cycle := 0; ; cycle++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mcfg := cfg.Model
		mcfg.Task = cfg.Task
		mcfg.Seed = uint64(seed)*1_000_003 + uint64(cycle)
		Xl := ds.X.Subset(labeled)
		yl := make([]float64, len(labeled))
		for i, r := range labeled {
			yl[i] = ds.Y[r]
		}
		model, err := ml.TrainEnsemble(ctx, Xl, yl, nil, mcfg)
		if err != nil {
			return nil, fmt.Errorf("cycle %d: train: %w", cycle, err)
		}
		m, extra, err := val.score(ctx, model)
		if err != nil {
			return nil, fmt.Errorf("cycle %d: validation metrics: %w", cycle, err)
		}
		pts = append(pts, Point{Strategy: name, Seed: seed, Cycle: cycle, Labels: len(labeled), Metrics: m, Extra: extra})
		if cycle == cfg.Cycles {
			return pts, nil
		}
		picked, err := selectBatch(ctx, ds, cfg, spec, seed, cycle, model, Xl, poolRows, isLabeled)
		if err != nil {
			return nil, fmt.Errorf("cycle %d: select: %w", cycle, err)
		}
		for _, r := range picked {
			isLabeled[r] = true
			labeled = append(labeled, r)
		}
	}
}

// selectBatch scores the unlabeled pool with the model and picks a batch.
func selectBatch(ctx context.Context, ds *Dataset, cfg Config, spec sampling.Spec, seed, cycle int, model *ml.Ensemble, Xl *ml.Features, poolRows []int, isLabeled map[int]bool) ([]int, error) {
	var unl []int
	for _, r := range poolRows {
		if !isLabeled[r] {
			unl = append(unl, r)
		}
	}
	Xu := ds.X.Subset(unl)
	pred, err := model.Predict(ctx, Xu)
	if err != nil {
		return nil, err
	}
	dist, _, err := ml.NewDomain(Xl).Distances(ctx, Xu, 1)
	if err != nil {
		return nil, err
	}
	cands := make([]sampling.Candidate, len(unl))
	for i, r := range unl {
		cands[i] = sampling.Candidate{Index: r, Mean: pred.Mean[i], Std: pred.Std[i], Distance: dist[i]}
		if cfg.Task == ml.Classification {
			cands[i].Prob = pred.Mean[i]
		}
	}
	opt := sampling.Options{
		Task:      sampling.Regression,
		BatchSize: cfg.Batch,
		Seed:      uint64(seed)*1_000_003 + uint64(cycle),
	}
	if cfg.Task == ml.Classification {
		opt.Task = sampling.Classification
	}
	var fps [][]uint64
	if spec.NeedsFingerprints() {
		fps = make([][]uint64, len(unl))
		for i := range unl {
			fps[i] = Xu.BitsRow(i)
		}
	}
	if spec.Strategy == sampling.ExpectedImprovement {
		best := math.Inf(-1)
		for r := range isLabeled {
			best = max(best, ds.Y[r])
		}
		opt.Best = &best
	}
	spec.Apply(&opt, fps)
	ranked, err := sampling.Select(cands, opt)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(ranked))
	for i, r := range ranked {
		out[i] = r.Index
	}
	return out, nil
}

// evaluator scores models on the fixed validation set.
type evaluator struct {
	X    *ml.Features
	y    []float64
	task ml.Task
}

func newEvaluator(ds *Dataset, rows []int, task ml.Task) *evaluator {
	y := make([]float64, len(rows))
	for i, r := range rows {
		y[i] = ds.Y[r]
	}
	return &evaluator{X: ds.X.Subset(rows), y: y, task: task}
}

func (e *evaluator) score(ctx context.Context, model *ml.Ensemble) (main, extra []float64, err error) {
	p, err := model.Predict(ctx, e.X)
	if err != nil {
		return nil, nil, err
	}
	type metric func() (float64, error)
	var ms, xs []metric
	y, mu, sd := e.y, p.Mean, p.Std
	if e.task == ml.Classification {
		ms = []metric{
			func() (float64, error) { return metrics.ROCAUC(y, mu, nil) },
			func() (float64, error) { return metrics.AveragePrecision(y, mu, nil) },
			func() (float64, error) { return metrics.Accuracy(y, mu, nil) },
			func() (float64, error) { return metrics.LogLoss(y, mu, nil) },
		}
		xs = []metric{
			func() (float64, error) { return metrics.F1(y, mu, nil) },
			func() (float64, error) { return metrics.Brier(y, mu, nil) },
			func() (float64, error) { return metrics.ECE(y, mu, nil, metrics.DefaultECEBins) },
		}
	} else {
		ms = []metric{
			func() (float64, error) { return metrics.RMSE(y, mu, nil) },
			func() (float64, error) { return metrics.MAE(y, mu, nil) },
			func() (float64, error) { return metrics.R2(y, mu, nil) },
			func() (float64, error) { return metrics.Spearman(y, mu) },
		}
		xs = []metric{
			func() (float64, error) { return metrics.SpearmanErrorStd(y, mu, sd) },
			func() (float64, error) { return metrics.MiscalibrationArea(y, mu, sd, metrics.DefaultCalibrationBins) },
			func() (float64, error) { return metrics.ENCE(y, mu, sd, min(metrics.DefaultENCEBins, len(y))) },
			func() (float64, error) { return metrics.GaussianNLL(y, mu, sd, nil) },
			func() (float64, error) { return metrics.Coverage(y, mu, sd, nil, metrics.Z95) },
		}
	}
	eval := func(fs []metric) ([]float64, error) {
		out := make([]float64, len(fs))
		for i, f := range fs {
			v, err := f()
			if errors.Is(err, metrics.ErrUndefined) || errors.Is(err, metrics.ErrStd) {
				// e.g. Spearman of a constant prediction, or a zero std
				// (all members agree) where NLL divides by it: NaN.
				v = math.NaN()
			} else if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	if main, err = eval(ms); err != nil {
		return nil, nil, err
	}
	if extra, err = eval(xs); err != nil {
		return nil, nil, err
	}
	return main, extra, nil
}

func sortedCopy(x []int) []int {
	out := slices.Clone(x)
	slices.Sort(out)
	return out
}
