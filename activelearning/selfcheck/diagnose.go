package selfcheck

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"activelab/ml/metrics"
)

// Minimum numbers of labeled picks below which a diagnostic is not
// computed (and the sentence says there were too few).
const (
	MinGroup    = 3 // exploit picks and explore picks each, for the hardness ratio
	MinRho      = 5 // labeled picks for Spearman(|error|, std)
	MinCoverage = 5 // labeled picks with an interval, for coverage
)

// Task is the kind of endpoint the batch was labeled for.
type Task int

// Tasks.
const (
	Regression     Task = iota // numeric labels; error = |label − mean|
	Classification             // labels 0 or 1; error = |label − p(class 1)|
)

// Pick is one compound of a batch: what the model said when the batch was
// selected, what the scientist measured, and whether it was a random
// (explore) pick.
type Pick struct {
	Label float64 // the scientist's value; 0 or 1 for classification
	Mean  float64 // the model's prediction at selection (for classification p(class 1))
	Std   float64 // the ensemble's spread at selection, >= 0
	// Low and High bound the prediction interval given at selection; only
	// read when HasInterval.
	Low, High   float64
	HasInterval bool
	Explore     bool // picked at random: the control group
}

// Gain is the optional ablation behind the per-label gains: the
// validation metric before the batch, and of models retrained on the
// earlier labels plus only the exploit picks, and plus only the explore
// picks.
type Gain struct {
	Before      float64
	WithExploit float64
	WithExplore float64
	// HigherIsBetter is the metric's direction (ROC-AUC true, RMSE false).
	HigherIsBetter bool
	// Metric names the metric in the sentence, e.g. "RMSE".
	Metric string
}

// Input is one cycle's labeled batch.
type Input struct {
	Task  Task
	Picks []Pick
	// Level is the nominal level of the picks' intervals (e.g. 0.9); only
	// read when some pick HasInterval, then it must be in (0, 1).
	Level float64
	// Gain, when not nil, gives the per-label gains.
	Gain *Gain
}

// ErrInput marks an invalid Input; the *InputError wrapping it names the
// pick and field.
var ErrInput = errors.New("selfcheck: invalid input")

// InputError says which pick (-1 for the input as a whole) and field of an
// Input is invalid, and why.
type InputError struct {
	Pick   int
	Field  string
	Reason string
}

func (e *InputError) Error() string {
	if e.Pick < 0 {
		return fmt.Sprintf("selfcheck: %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("selfcheck: pick %d: %s: %s", e.Pick, e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInput) true.
func (e *InputError) Unwrap() error { return ErrInput }

// Diagnostics is what one labeled batch says about the strategy. Optional
// numbers are nil when there were too few picks to compute them (the
// counts say how many there were).
type Diagnostics struct {
	Exploit int `json:"exploit"` // labeled picks the strategy chose
	Explore int `json:"explore"` // labeled random picks

	// ExploitError and ExploreError are the groups' mean absolute errors
	// (nil for an empty group); Hardness is their ratio, exploit over
	// explore, when both groups have MinGroup picks and the explore error
	// is not 0. HardnessLogSE is the delta-method standard error of
	// ln(Hardness): sqrt(var_u/(n_u·mean_u²) + var_e/(n_e·mean_e²)).
	ExploitError  *float64 `json:"exploit_error"`
	ExploreError  *float64 `json:"explore_error"`
	Hardness      *float64 `json:"hardness"`
	HardnessLogSE *float64 `json:"hardness_log_se"`

	// Rho is Spearman(|error|, std) over all RhoN labeled picks; nil with
	// fewer than MinRho or a constant error or spread.
	Rho  *float64 `json:"rho"`
	RhoN int      `json:"rho_n"`

	// Coverage is the fraction of the CoverageN picks with an interval
	// whose label lies within it (bounds included); nil with fewer than
	// MinCoverage. Level is the intervals' nominal level.
	Coverage  *float64 `json:"coverage"`
	CoverageN int      `json:"coverage_n"`
	Level     float64  `json:"level,omitempty"`

	// GainPerExploitLabel and GainPerExploreLabel are the validation
	// metric's improvement (positive is better, whatever the metric's
	// direction) per label from each group alone; GainRatio is exploit
	// over explore when the explore gain is positive. Nil unless Gain was
	// given and the group is not empty.
	GainPerExploitLabel *float64 `json:"gain_per_exploit_label"`
	GainPerExploreLabel *float64 `json:"gain_per_explore_label"`
	GainRatio           *float64 `json:"gain_ratio"`

	// Sentence says all of it in plain words with the numbers.
	Sentence string `json:"sentence"`
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (in *Input) validate() error {
	bad := func(i int, field, format string, a ...any) error {
		return &InputError{Pick: i, Field: field, Reason: fmt.Sprintf(format, a...)}
	}
	if in.Task != Regression && in.Task != Classification {
		return bad(-1, "task", "unknown task %d", in.Task)
	}
	intervals := false
	for i, p := range in.Picks {
		switch {
		case !finite(p.Label):
			return bad(i, "label", "%g is not a finite number", p.Label)
		case !finite(p.Mean):
			return bad(i, "mean", "%g is not a finite number", p.Mean)
		case !finite(p.Std) || p.Std < 0:
			return bad(i, "std", "%g is not a finite number >= 0", p.Std)
		case in.Task == Classification && p.Label != 0 && p.Label != 1:
			return bad(i, "label", "classification label %g is not 0 or 1", p.Label)
		case in.Task == Classification && !(p.Mean >= 0 && p.Mean <= 1):
			return bad(i, "mean", "probability %g is not in [0, 1]", p.Mean)
		}
		if p.HasInterval {
			intervals = true
			if !finite(p.Low) || !finite(p.High) || p.Low > p.High {
				return bad(i, "interval", "[%g, %g] is not a finite interval with low <= high", p.Low, p.High)
			}
		}
	}
	if intervals && !(in.Level > 0 && in.Level < 1) {
		return bad(-1, "level", "interval level %g must be in (0, 1)", in.Level)
	}
	if g := in.Gain; g != nil {
		if !finite(g.Before) || !finite(g.WithExploit) || !finite(g.WithExplore) {
			return bad(-1, "gain", "metrics %g, %g, %g must be finite numbers", g.Before, g.WithExploit, g.WithExplore)
		}
	}
	return nil
}

// Diagnose computes the diagnostics of one labeled batch. It returns an
// error wrapping ErrInput (an *InputError) for non-finite numbers, a
// negative spread, a classification label other than 0/1 or a
// probability outside [0, 1], an interval with low > high, or intervals
// without a level in (0, 1). An empty batch is not an error: its
// diagnostics say there were no labels.
func Diagnose(in Input) (Diagnostics, error) {
	if err := in.validate(); err != nil {
		return Diagnostics{}, err
	}
	var d Diagnostics
	var errU, errE, absErr, std []float64
	inside, withInterval := 0, 0
	for _, p := range in.Picks {
		e := math.Abs(p.Label - p.Mean)
		absErr = append(absErr, e)
		std = append(std, p.Std)
		if p.Explore {
			errE = append(errE, e)
		} else {
			errU = append(errU, e)
		}
		if p.HasInterval {
			withInterval++
			if p.Label >= p.Low && p.Label <= p.High {
				inside++
			}
		}
	}
	d.Exploit, d.Explore = len(errU), len(errE)
	mu, vu := meanVar(errU)
	me, ve := meanVar(errE)
	if d.Exploit > 0 {
		d.ExploitError = ptr(mu)
	}
	if d.Explore > 0 {
		d.ExploreError = ptr(me)
	}
	if d.Exploit >= MinGroup && d.Explore >= MinGroup && me > 0 && mu > 0 {
		d.Hardness = ptr(mu / me)
		d.HardnessLogSE = ptr(math.Sqrt(vu/(float64(d.Exploit)*mu*mu) + ve/(float64(d.Explore)*me*me)))
	}
	d.RhoN = len(absErr)
	if d.RhoN >= MinRho {
		rho, err := metrics.Spearman(absErr, std)
		switch {
		case err == nil:
			d.Rho = ptr(rho)
		case !errors.Is(err, metrics.ErrUndefined):
			return Diagnostics{}, fmt.Errorf("selfcheck: spearman: %w", err)
		}
	}
	d.CoverageN = withInterval
	if withInterval > 0 {
		d.Level = in.Level
	}
	if withInterval >= MinCoverage {
		d.Coverage = ptr(float64(inside) / float64(withInterval))
	}
	if g := in.Gain; g != nil {
		improve := func(after float64) float64 {
			if g.HigherIsBetter {
				return after - g.Before
			}
			return g.Before - after
		}
		if d.Exploit > 0 {
			d.GainPerExploitLabel = ptr(improve(g.WithExploit) / float64(d.Exploit))
		}
		if d.Explore > 0 {
			d.GainPerExploreLabel = ptr(improve(g.WithExplore) / float64(d.Explore))
		}
		if d.GainPerExploitLabel != nil && d.GainPerExploreLabel != nil && *d.GainPerExploreLabel > 0 {
			d.GainRatio = ptr(*d.GainPerExploitLabel / *d.GainPerExploreLabel)
		}
	}
	d.Sentence = sentence(&d, in.Gain)
	return d, nil
}

// meanVar is the mean and the sample variance (n−1 divisor; 0 for fewer
// than two values) of x; 0, 0 for an empty x.
func meanVar(x []float64) (mean, variance float64) {
	if len(x) == 0 {
		return 0, 0
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(x)-1)
}

func ptr(v float64) *float64 { return &v }

// RhoStrength words a Spearman correlation between |error| and spread:
// "does not rank errors" (|rho| < 0.1), "ranks errors weakly" (< 0.3),
// "moderately" (< 0.5), "strongly", or "ranks errors backwards" for
// rho <= −0.1.
func RhoStrength(rho float64) string {
	switch {
	case rho <= -0.1:
		return "ranks errors backwards"
	case rho < 0.1:
		return "does not rank errors"
	case rho < 0.3:
		return "ranks errors weakly"
	case rho < 0.5:
		return "ranks errors moderately"
	}
	return "ranks errors strongly"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// sentence writes the diagnostics as one line of plain clauses joined by
// "; ".
func sentence(d *Diagnostics, g *Gain) string {
	if d.Exploit+d.Explore == 0 {
		return "no labels in this batch yet"
	}
	var parts []string
	switch {
	case d.Hardness != nil:
		h := *d.Hardness
		cmp := fmt.Sprintf("%.1fx harder than", h)
		if h < 0.95 {
			cmp = fmt.Sprintf("easier than (%.1fx)", h)
		} else if h < 1.05 {
			cmp = fmt.Sprintf("as hard as (%.1fx)", h)
		}
		parts = append(parts, fmt.Sprintf("uncertainty picks were %s random picks (mean |error| %.3g vs %.3g, %s vs %s)",
			cmp, *d.ExploitError, *d.ExploreError, plural(d.Exploit, "label", "labels"), plural(d.Explore, "label", "labels")))
	case d.Exploit >= MinGroup && d.Explore >= MinGroup:
		parts = append(parts, "the model predicted every random pick exactly, so there is no ratio of errors")
	default:
		parts = append(parts, fmt.Sprintf("too few picks to compare uncertainty with random picks (%d uncertainty, %d random; need %d of each)",
			d.Exploit, d.Explore, MinGroup))
	}
	switch {
	case d.Rho != nil:
		parts = append(parts, fmt.Sprintf("the model's uncertainty %s: rho %.2f over %s", RhoStrength(*d.Rho), *d.Rho, plural(d.RhoN, "label", "labels")))
	case d.RhoN >= MinRho:
		parts = append(parts, "the uncertainty cannot rank errors here (constant spread or error)")
	default:
		parts = append(parts, fmt.Sprintf("too few labels to rank errors by uncertainty (%d; need %d)", d.RhoN, MinRho))
	}
	switch {
	case d.Coverage != nil:
		parts = append(parts, fmt.Sprintf("%.0f%% intervals covered %d of %d new labels (%.0f%%)",
			100*d.Level, int(math.Round(*d.Coverage*float64(d.CoverageN))), d.CoverageN, 100**d.Coverage))
	case d.CoverageN > 0:
		parts = append(parts, fmt.Sprintf("too few labels to check interval coverage (%d; need %d)", d.CoverageN, MinCoverage))
	}
	if g != nil && d.GainPerExploitLabel != nil && d.GainPerExploreLabel != nil {
		name := g.Metric
		if name == "" {
			name = "the validation metric"
		}
		parts = append(parts, fmt.Sprintf("per label, uncertainty picks improved %s by %.2g and random picks by %.2g",
			name, *d.GainPerExploitLabel, *d.GainPerExploreLabel))
	}
	return strings.Join(parts, "; ")
}
