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

	"activelab/activelearning/selfcheck"
	"activelab/ml"
	"activelab/ml/metrics"
	"activelab/ml/sampling"
)

// Adaptive is the strategy name of the adaptive explore share
// (selfcheck.Adaptive): each batch is AdaptiveBase with the explore share
// a selfcheck.Policy chooses from the earlier batches' diagnostics (a
// share of 1 is a random batch). The name "default" (selfcheck.Default)
// runs it too, as the product does.
const Adaptive = selfcheck.Adaptive

// AdaptiveBase is the exploit half of the adaptive strategy's batches:
// clustered uncertainty (selfcheck.AdaptiveBase).
const AdaptiveBase = selfcheck.AdaptiveBase

// TopFraction is the share of the pool, by highest value, whose discovery
// the goal-directed report follows (Point.TopFound).
const TopFraction = 0.05

// CheckStrategy reports whether s names a strategy the simulator runs: a
// sampling spec (sampling.ParseSpec), Adaptive or "default".
func CheckStrategy(s string) error {
	if selfcheck.IsAdaptive(s) {
		return nil
	}
	_, err := sampling.ParseSpec(s)
	return err
}

// ErrConfig marks an invalid simulation configuration.
var ErrConfig = errors.New("invalid simulation config")

// Config is the simulation protocol.
type Config struct {
	Task       ml.Task
	Strategies []string // sampling specs, e.g. "random", "uncertainty", "hybrid+diverse", "mix", or "default" / Adaptive
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
	// Split is SplitRandom (or "") or SplitScaffold.
	Split string
	// Novel is SplitScaffold's fraction of the pool whose scaffolds never
	// start a run (0: DefaultNovel).
	Novel float64
	// Level is the level of the prediction intervals whose coverage the
	// diagnostics check on each batch's labels (0: 0.9; regression only).
	Level float64
	// Ablation retrains two extra models after every batch that has both
	// exploit and random picks (earlier labels plus only one group), so
	// the diagnostics carry the validation gain per label of each group.
	Ablation bool
	// Margin is the adaptive policy's margin (0: selfcheck.DefaultMargin).
	Margin float64
	// Classes, with more than two names, make a classification a
	// multi-class one: the values are class indexes 0..K−1 (see BinValues),
	// every model is an ml.MultiClass (one-vs-rest ensembles), margin and
	// entropy read the K probabilities, and the metrics are
	// MultiClassMetricNames. Two or none: binary (values 0 or 1).
	Classes []string
}

// multi reports whether c simulates more than two classes.
func (c *Config) multi() bool { return c.Task == ml.Classification && len(c.Classes) > 2 }

// MetricNames are curves.csv's metric columns for c: MetricNames(c.Task),
// or MultiClassMetricNames for more than two classes.
func (c *Config) MetricNames() []string {
	if c.multi() {
		return MultiClassMetricNames
	}
	return MetricNames(c.Task)
}

// ExtraMetricNames are summary.json's quality metrics for c:
// ExtraMetricNames(c.Task), none for more than two classes (their ECE is
// in the curves).
func (c *Config) ExtraMetricNames() []string {
	if c.multi() {
		return nil
	}
	return ExtraMetricNames(c.Task)
}

// MultiClassMetricNames are the metrics of a multi-class simulation:
// macro one-vs-rest ROC-AUC, accuracy, log loss and top-label ECE with 10
// bins (ml/metrics.MultiClassSummary).
var MultiClassMetricNames = []string{"roc_auc", "accuracy", "log_loss", "ece_10"}

// BinValues turns numeric values into class indexes by ascending
// cut-offs: a value below cuts[0] is class 0, below cuts[1] class 1, …,
// at or above the last cut-off class len(cuts). Panics unless cuts
// ascend strictly.
func BinValues(y []float64, cuts []float64) []float64 {
	for i := 1; i < len(cuts); i++ {
		if !(cuts[i] > cuts[i-1]) {
			panic("simulation: BinValues cut-offs must ascend")
		}
	}
	out := make([]float64, len(y))
	for i, v := range y {
		k := 0
		for k < len(cuts) && v >= cuts[k] {
			k++
		}
		out[i] = float64(k)
	}
	return out
}

// Point is one row of curves.csv: the model of one cycle, scored on the
// validation set.
type Point struct {
	Strategy string
	Seed     int
	Cycle    int
	Labels   int
	Metrics  []float64 // in the order of Config.MetricNames
	// Extra holds the metrics of Config.ExtraMetricNames (uncertainty and
	// calibration quality), reported in summary.json only.
	Extra []float64
	// TopFound is the fraction of the pool's top TopFraction rows (highest
	// values) labeled so far; NaN for classification.
	TopFound float64
	// Share is the explore share of the batch this cycle's model picked
	// (1 for random, 0 without random picks); NaN at the last cycle.
	Share float64
	// Diag is what the labels of that batch said (nil at the last cycle).
	Diag *selfcheck.Diagnostics
}

// Result holds every learning curve of a simulation.
type Result struct {
	Config     Config
	Validation int // validation rows
	Pool       int // rows available for labeling (including the initial set)
	Familiar   int // pool rows initial sets are drawn from (the pool, unless a scaffold split)
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
// proportions, ENCE with 10 bins, Gaussian NLL, coverage of ±1.96σ, and
// the calibrated intervals at Config.Level: their coverage and mean
// width, and the width of the constant interval, mean ± w/2, that covers
// as many validation rows: see intervalQuality), F1, Brier and ECE (10
// bins) for classification.
func ExtraMetricNames(t ml.Task) []string {
	if t == ml.Classification {
		return []string{"f1", "brier", "ece_10"}
	}
	return []string{"spearman_abs_error_std", "miscalibration_area", "ence_10", "gaussian_nll", "coverage_1.96sd",
		"interval_coverage", "interval_width", "constant_width"}
}

// The indices of the calibrated interval's metrics in a regression
// Point's Extra.
const (
	extraIntervalCoverage = 5
	extraIntervalWidth    = 6
	extraConstantWidth    = 7
)

// intervalQuality measures a model's calibrated intervals at level on
// rows with truth y, means mu and stds sd: the fraction of rows inside
// their interval, the intervals' mean width, and the width of the
// narrowest constant-width interval around mu that covers as many rows
// (twice the k-th smallest |y - mu|, k the rows covered), an oracle
// fitted on the rows themselves. An interval that adapts to the model's
// uncertainty should be narrower on average than that constant one at
// the same coverage. NaN (all three) when the model has no calibration.
func intervalQuality(model *ml.Ensemble, y, mu, sd []float64, level float64) (coverage, width, constant float64) {
	nan := math.NaN()
	inside := 0
	var sum float64
	for i := range y {
		lo, hi, err := model.Interval(mu[i], sd[i], level)
		if err != nil {
			return nan, nan, nan
		}
		if lo <= y[i] && y[i] <= hi {
			inside++
		}
		sum += hi - lo
	}
	if len(y) == 0 {
		return nan, nan, nan
	}
	return float64(inside) / float64(len(y)), sum / float64(len(y)), constantWidth(y, mu, inside)
}

// constantWidth is the width of the narrowest interval mu ± w/2 that
// covers k of the rows: twice the k-th smallest |y - mu| (0 for k = 0).
func constantWidth(y, mu []float64, k int) float64 {
	if k <= 0 {
		return 0
	}
	abs := make([]float64, len(y))
	for i := range y {
		abs[i] = math.Abs(y[i] - mu[i])
	}
	slices.Sort(abs)
	return 2 * abs[min(k, len(abs))-1]
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
	switch c.Split {
	case "", SplitRandom, SplitScaffold:
	default:
		return nil, bad("split %q must be %s or %s", c.Split, SplitRandom, SplitScaffold)
	}
	if !(c.Novel >= 0 && c.Novel < 1) || !(c.Level >= 0 && c.Level < 1) || !(c.Margin == 0 || c.Margin >= 1) {
		return nil, bad("novel %g and level %g must be in [0, 1), margin %g 0 or >= 1", c.Novel, c.Level, c.Margin)
	}
	specs := make([]sampling.Spec, len(c.Strategies))
	seen := map[string]bool{}
	for i, s := range c.Strategies {
		name := s
		if selfcheck.IsAdaptive(s) {
			name = AdaptiveBase
		}
		sp, err := sampling.ParseSpec(name)
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
		k := max(2, len(cfg.Classes))
		for i, y := range ds.Y {
			if y < 0 || y >= float64(k) || y != math.Trunc(y) {
				return nil, fmt.Errorf("%w: line %d: classification value %g is not a class index 0 to %d", ErrData, ds.Records[i].Line, y, k-1)
			}
		}
	}
	valRows, poolRows := Split(n, cfg.Validation, cfg.SplitSeed)
	familiar := poolRows
	if cfg.Split == SplitScaffold {
		if len(ds.Scaffolds) != n {
			return nil, fmt.Errorf("%w: scaffold split needs every row's scaffold (%d of %d)", ErrConfig, len(ds.Scaffolds), n)
		}
		novel := cfg.Novel
		if novel == 0 {
			novel = DefaultNovel
		}
		valRows, poolRows, familiar = ScaffoldSplit(ds.Scaffolds, cfg.Validation, novel, cfg.SplitSeed)
	}
	res := &Result{Config: cfg, Validation: len(valRows), Pool: len(poolRows), Familiar: len(familiar)}
	val := newEvaluator(ds, valRows, cfg.Task, len(cfg.Classes), cfg.Level)
	nInit := int(math.Round(cfg.Initial * float64(len(poolRows))))
	if nInit > len(familiar) || nInit+cfg.Batch*cfg.Cycles > len(poolRows) {
		return nil, fmt.Errorf("%w: %d initial rows from %d familiar and %d cycles × %d labels from a pool of %d",
			ErrConfig, nInit, len(familiar), cfg.Cycles, cfg.Batch, len(poolRows))
	}
	top := topRows(ds, poolRows, cfg.Task)
	for si, spec := range specs {
		for seed := cfg.FirstSeed; seed < cfg.FirstSeed+cfg.Seeds; seed++ {
			start := time.Now()
			run := &runner{ds: ds, cfg: cfg, spec: spec, name: cfg.Strategies[si], seed: seed, pool: poolRows, val: val, top: top}
			pts, err := run.run(ctx, initialSet(familiar, nInit, seed))
			if err != nil {
				return nil, fmt.Errorf("strategy %s seed %d: %w", cfg.Strategies[si], seed, err)
			}
			res.Points = append(res.Points, pts...)
			if cfg.Progress != nil {
				last := pts[len(pts)-1]
				fmt.Fprintf(cfg.Progress, "simulate: %-22s seed %d: %s %.4f -> %.4f after %d labels (%s)\n",
					cfg.Strategies[si], seed, cfg.MetricNames()[0], pts[0].Metrics[0], last.Metrics[0], last.Labels,
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

// topRows marks the pool's top TopFraction rows by value (at least one;
// ties broken by row); nil for classification.
func topRows(ds *Dataset, pool []int, task ml.Task) map[int]bool {
	if task != ml.Regression {
		return nil
	}
	rows := slices.Clone(pool)
	slices.SortStableFunc(rows, func(a, b int) int {
		switch {
		case ds.Y[a] > ds.Y[b]:
			return -1
		case ds.Y[a] < ds.Y[b]:
			return 1
		}
		return a - b
	})
	k := max(1, int(math.Round(TopFraction*float64(len(pool)))))
	top := make(map[int]bool, k)
	for _, r := range rows[:k] {
		top[r] = true
	}
	return top
}

// runner simulates one strategy for one seed.
type runner struct {
	ds   *Dataset
	cfg  Config
	spec sampling.Spec
	name string
	seed int
	pool []int
	val  *evaluator
	top  map[int]bool
}

func (r *runner) modelConfig(cycle int) ml.EnsembleConfig {
	mcfg := r.cfg.Model
	mcfg.Task = r.cfg.Task
	mcfg.Seed = uint64(r.seed)*1_000_003 + uint64(cycle)
	return mcfg
}

// model is one cycle's model: an ensemble, or with more than two
// classes a MultiClass.
type model struct {
	ens   *ml.Ensemble
	multi *ml.MultiClass
}

// scored is a model's view of some rows: per row the mean and spread
// (more than two classes: the probability of the most probable class and
// the mean of the classes' spreads) and, with more than two classes, the
// class probabilities.
type scored struct {
	mean, std []float64
	probs     [][]float64
}

func (m model) predict(ctx context.Context, X *ml.Features) (*scored, error) {
	if m.multi == nil {
		p, err := m.ens.Predict(ctx, X)
		if err != nil {
			return nil, err
		}
		return &scored{mean: p.Mean, std: p.Std}, nil
	}
	p, err := m.multi.Predict(ctx, X)
	if err != nil {
		return nil, err
	}
	out := &scored{mean: make([]float64, len(p.Proba)), std: make([]float64, len(p.Proba)), probs: p.Proba}
	for i, row := range p.Proba {
		out.mean[i] = slices.Max(row)
		var s float64
		for _, sd := range p.Std[i] {
			s += sd
		}
		out.std[i] = s / float64(len(row))
	}
	return out, nil
}

func (r *runner) train(ctx context.Context, rows []int, cycle int) (model, *ml.Features, error) {
	Xl := r.ds.X.Subset(rows)
	if r.cfg.multi() {
		yl := make([]int, len(rows))
		for i, row := range rows {
			yl[i] = int(r.ds.Y[row])
		}
		m, err := ml.TrainMultiClass(ctx, Xl, yl, r.cfg.Classes, nil, r.modelConfig(cycle))
		return model{multi: m}, Xl, err
	}
	yl := make([]float64, len(rows))
	for i, row := range rows {
		yl[i] = r.ds.Y[row]
	}
	m, err := ml.TrainEnsemble(ctx, Xl, yl, nil, r.modelConfig(cycle))
	return model{ens: m}, Xl, err
}

func (r *runner) topFound(isLabeled map[int]bool) float64 {
	if r.top == nil {
		return math.NaN()
	}
	found := 0
	for row := range r.top {
		if isLabeled[row] {
			found++
		}
	}
	return float64(found) / float64(len(r.top))
}

func (r *runner) run(ctx context.Context, labeled []int) ([]Point, error) {
	isLabeled := make(map[int]bool, len(r.pool))
	for _, row := range labeled {
		isLabeled[row] = true
	}
	var policy *selfcheck.Policy
	if selfcheck.IsAdaptive(r.name) {
		var err error
		if policy, err = selfcheck.NewPolicy(nil, r.cfg.Margin, uint64(r.seed)); err != nil {
			return nil, err
		}
	}
	var pts []Point
	for cycle := 0; ; cycle++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		model, Xl, err := r.train(ctx, labeled, cycle)
		if err != nil {
			return nil, fmt.Errorf("cycle %d: train: %w", cycle, err)
		}
		m, extra, err := r.val.score(ctx, model)
		if err != nil {
			return nil, fmt.Errorf("cycle %d: validation metrics: %w", cycle, err)
		}
		pt := Point{Strategy: r.name, Seed: r.seed, Cycle: cycle, Labels: len(labeled), Metrics: m, Extra: extra,
			TopFound: r.topFound(isLabeled), Share: math.NaN()}
		if cycle == r.cfg.Cycles {
			return append(pts, pt), nil
		}
		spec := r.spec
		if policy != nil {
			pt.Share = policy.Choose()
			if pt.Share >= 1 {
				spec = sampling.Spec{Strategy: sampling.Random}
			} else {
				spec.Explore = pt.Share
			}
		}
		picks, err := r.selectBatch(ctx, spec, cycle, model, Xl, isLabeled)
		if err != nil {
			return nil, fmt.Errorf("cycle %d: select: %w", cycle, err)
		}
		if policy == nil {
			pt.Share = spec.Explore
			if spec.Strategy == sampling.Random {
				pt.Share = 1
			}
		}
		d, err := r.diagnose(ctx, picks, labeled, cycle, m[0])
		if err != nil {
			return nil, fmt.Errorf("cycle %d: diagnostics: %w", cycle, err)
		}
		pt.Diag = &d
		if policy != nil {
			policy.Observe(pt.Share, d)
		}
		pts = append(pts, pt)
		for _, p := range picks {
			isLabeled[p.row] = true
			labeled = append(labeled, p.row)
		}
	}
}

// pick is a selected row with what the model said about it.
type pick struct {
	row int
	selfcheck.Pick
	probs []float64 // class probabilities (more than two classes)
}

// diagnose checks a batch against its revealed labels; with
// Config.Ablation it also trains the two one-group models.
func (r *runner) diagnose(ctx context.Context, picks []pick, labeled []int, cycle int, before float64) (selfcheck.Diagnostics, error) {
	in := selfcheck.Input{Task: selfcheck.Regression, Level: r.level()}
	if r.cfg.Task == ml.Classification {
		in.Task = selfcheck.Classification
	}
	var exploit, explore []int
	for _, p := range picks {
		p.Label = r.ds.Y[p.row]
		if p.probs != nil { // more than two classes: judged by p(labeled class), as the product does
			p.Label, p.Mean = 1, p.probs[int(r.ds.Y[p.row])]
		}
		in.Picks = append(in.Picks, p.Pick)
		if p.Explore {
			explore = append(explore, p.row)
		} else {
			exploit = append(exploit, p.row)
		}
	}
	if r.cfg.Ablation && len(exploit) > 0 && len(explore) > 0 {
		g := &selfcheck.Gain{Before: before, HigherIsBetter: HigherIsBetter(r.cfg.Task), Metric: r.cfg.MetricNames()[0]}
		for k, group := range [][]int{exploit, explore} {
			rows := append(slices.Clone(labeled), group...)
			model, _, err := r.train(ctx, rows, cycle+1)
			if err != nil {
				return selfcheck.Diagnostics{}, fmt.Errorf("ablation: %w", err)
			}
			m, _, err := r.val.score(ctx, model)
			if err != nil {
				return selfcheck.Diagnostics{}, fmt.Errorf("ablation: %w", err)
			}
			if k == 0 {
				g.WithExploit = m[0]
			} else {
				g.WithExplore = m[0]
			}
		}
		if !math.IsNaN(g.Before) && !math.IsNaN(g.WithExploit) && !math.IsNaN(g.WithExplore) {
			in.Gain = g
		}
	}
	return selfcheck.Diagnose(in)
}

func (r *runner) level() float64 {
	if r.cfg.Level == 0 {
		return 0.9
	}
	return r.cfg.Level
}

// selectBatch scores the unlabeled pool with the model and picks a batch;
// each pick keeps the model's mean, spread and (regression) interval, and
// whether it was a random pick (the explore share of the batch, or every
// pick of a random batch).
func (r *runner) selectBatch(ctx context.Context, spec sampling.Spec, cycle int, m model, Xl *ml.Features, isLabeled map[int]bool) ([]pick, error) {
	ds, cfg := r.ds, r.cfg
	var unl []int
	for _, row := range r.pool {
		if !isLabeled[row] {
			unl = append(unl, row)
		}
	}
	Xu := ds.X.Subset(unl)
	pred, err := m.predict(ctx, Xu)
	if err != nil {
		return nil, err
	}
	dist, _, err := ml.NewDomain(Xl).Distances(ctx, Xu, 1)
	if err != nil {
		return nil, err
	}
	cands := make([]sampling.Candidate, len(unl))
	pos := make(map[int]int, len(unl))
	for i, row := range unl {
		pos[row] = i
		cands[i] = sampling.Candidate{Index: row, Mean: pred.mean[i], Std: pred.std[i], Distance: dist[i]}
		if cfg.Task == ml.Classification {
			cands[i].Prob = pred.mean[i]
		}
		if pred.probs != nil {
			cands[i].Probs = pred.probs[i]
		}
	}
	opt := sampling.Options{
		Task:      sampling.Regression,
		BatchSize: cfg.Batch,
		Seed:      uint64(r.seed)*1_000_003 + uint64(cycle),
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
		for row := range isLabeled {
			best = max(best, ds.Y[row])
		}
		opt.Best = &best
	}
	spec.Apply(&opt, fps)
	ranked, err := sampling.Select(cands, opt)
	if err != nil {
		return nil, err
	}
	out := make([]pick, len(ranked))
	for i, rk := range ranked {
		j := pos[rk.Index]
		p := pick{row: rk.Index, Pick: selfcheck.Pick{Mean: pred.mean[j], Std: pred.std[j], Explore: rk.Explore}}
		if pred.probs != nil {
			p.probs = pred.probs[j]
		}
		if cfg.Task == ml.Regression {
			if lo, hi, err := m.ens.Interval(pred.mean[j], pred.std[j], r.level()); err == nil {
				p.Low, p.High, p.HasInterval = lo, hi, true
			}
		}
		out[i] = p
	}
	return out, nil
}

// evaluator scores models on the fixed validation set.
type evaluator struct {
	X       *ml.Features
	y       []float64
	task    ml.Task
	classes int // more than two: a multi-class simulation
	// level is the calibrated intervals' level (Config.Level, 0.9 when 0).
	level float64
}

func newEvaluator(ds *Dataset, rows []int, task ml.Task, classes int, level float64) *evaluator {
	y := make([]float64, len(rows))
	for i, r := range rows {
		y[i] = ds.Y[r]
	}
	if level == 0 {
		level = 0.9
	}
	return &evaluator{X: ds.X.Subset(rows), y: y, task: task, classes: classes, level: level}
}

func (e *evaluator) score(ctx context.Context, m model) (main, extra []float64, err error) {
	p, err := m.predict(ctx, e.X)
	if err != nil {
		return nil, nil, err
	}
	type metric func() (float64, error)
	var ms, xs []metric
	y, mu, sd := e.y, p.mean, p.std
	if p.probs != nil {
		yi := make([]int, len(y))
		for i, v := range y {
			yi[i] = int(v)
		}
		ms = []metric{
			func() (float64, error) { return metrics.MacroROCAUC(yi, p.probs, nil) },
			func() (float64, error) { return metrics.MultiAccuracy(yi, p.probs, nil) },
			func() (float64, error) { return metrics.MultiLogLoss(yi, p.probs, nil) },
			func() (float64, error) { return metrics.TopLabelECE(yi, p.probs, nil, metrics.DefaultECEBins) },
		}
	} else if e.task == ml.Classification {
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
		cov, width, constant := intervalQuality(m.ens, y, mu, sd, e.level)
		for _, v := range []float64{cov, width, constant} {
			xs = append(xs, func() (float64, error) { return v, nil })
		}
	}
	eval := func(fs []metric) ([]float64, error) {
		out := make([]float64, len(fs))
		for i, f := range fs {
			v, err := f()
			if errors.Is(err, metrics.ErrUndefined) || errors.Is(err, metrics.ErrStd) || errors.Is(err, metrics.ErrSingleClass) {
				// e.g. Spearman of a constant prediction, a zero std
				// (all members agree) where NLL divides by it, or a
				// class missing from a small validation set: NaN.
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
