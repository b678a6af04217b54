package sampling

import (
	"fmt"
	"math"
	"slices"
)

// Task says whether the model predicts a value or a class probability.
type Task int

const (
	// Regression: candidates carry Mean and Std; Prob is ignored.
	Regression Task = iota
	// Classification: Prob is the positive-class probability and Std the
	// spread of the members' probabilities.
	Classification
)

// Strategy names.
const (
	Uncertainty         = "uncertainty" // score = Std
	Margin              = "margin"      // score = 0.5 − |Prob − 0.5|; multi-class (1 − (p1 − p2))/2
	Entropy             = "entropy"     // score = entropy of Prob, or of Probs over K classes (nats)
	Random              = "random"      // score = seeded uniform [0, 1)
	Hybrid              = "hybrid"      // weighted normalised uncertainty, margin, applicability
	Greedy              = "greedy"      // score = Mean (or −Mean when minimising)
	UCB                 = "ucb"         // score = Mean + κ·Std (or −Mean + κ·Std)
	ExpectedImprovement = "ei"          // expected improvement over Options.Best
)

// Names lists every strategy name, in the order error messages show them.
var Names = []string{Uncertainty, Margin, Entropy, Random, Hybrid, Greedy, UCB, ExpectedImprovement}

// Candidate is one unlabeled compound as the model sees it.
type Candidate struct {
	Index    int     // caller's identifier, unique in the pool; ties rank by ascending Index
	Mean     float64 // predicted value (regression) or mean member probability
	Std      float64 // ensemble standard deviation (the uncertainty), >= 0
	Prob     float64 // positive-class probability in [0, 1] (classification)
	Distance float64 // applicability-domain distance 1 − max Tanimoto to the training set, in [0, 1]
	// Probs, when not nil, are the class probabilities of a multi-class
	// model (K >= 2 values in [0, 1] summing to 1 within 1e-6); Margin,
	// Entropy and Hybrid's margin then read them instead of Prob. With
	// K = 2 and Probs = {1 − p, p} every score equals Prob = p's.
	Probs []float64
}

// Ranked is one selected candidate with its priority score: higher is more
// informative (or more promising, for the optimisation strategies).
type Ranked struct {
	Index int
	Score float64
	// Explore reports that the candidate was drawn uniformly at random: one
	// of the Options.Explore share's picks, or any pick of the Random
	// strategy without a batch mode (diversity, clusters or softrank make
	// a sample that is not uniform). Such picks are the control group against which the
	// strategy's own picks can be judged (activelearning/selfcheck).
	Explore bool
}

// HybridWeights weight the three normalised components of Hybrid.
type HybridWeights struct {
	Uncertainty   float64
	Margin        float64
	Applicability float64
}

// DefaultHybridWeights are the specification's weights.
var DefaultHybridWeights = HybridWeights{Uncertainty: 0.5, Margin: 0.3, Applicability: 0.2}

// DefaultKappa is UCB's κ when Options.Kappa is zero.
const DefaultKappa = 2.0

// EntropyClip bounds probabilities before the entropy is taken.
const EntropyClip = 1e-10

// Options configure a selection. The zero value of every optional field
// means its documented default.
type Options struct {
	Strategy  string // one of Names
	Task      Task
	BatchSize int           // number of candidates to return, > 0
	Exclude   map[int]bool  // candidate Indexes never returned (labeled, validation set, queued)
	Seed      uint64        // seed of Random, of the explore picks, of the cluster seeding and of the softrank draw
	Weights   HybridWeights // Hybrid's weights; zero value = DefaultHybridWeights
	Minimize  bool          // Greedy/UCB/EI: lower Mean is better (default: higher is better)
	Kappa     float64       // UCB's κ >= 0; zero = DefaultKappa (use Greedy for κ = 0)
	Best      *float64      // EI: best value observed so far (required for EI)
	Xi        float64       // EI: improvement margin ξ >= 0 (default 0)
	Diversity *Diversity    // optional diversity-aware batch mode, for any strategy
	Cluster   *Cluster      // optional clustered batch mode, for any strategy (not with Diversity)
	Softrank  *Softrank     // optional stochastic batch mode, for any strategy (not with Diversity or Cluster)
	// Explore in [0, 1) is the fraction of the batch (rounded to the
	// nearest count) filled with seeded random picks (Random with Seed)
	// among the candidates the strategy did not pick: an ε-greedy batch that
	// guards against a strategy's cold-start bias. 0 = off.
	Explore float64
}

// scorer returns the priority score of candidate i of the pool.
type scorer func(i int) float64

// newScorer validates the options and the fields of the non-excluded
// candidates the strategy reads, and returns the strategy's score function.
func newScorer(cands []Candidate, opt *Options) (scorer, error) {
	if !slices.Contains(Names, opt.Strategy) {
		return nil, &UnknownStrategyError{Name: opt.Strategy, Valid: slices.Clone(Names)}
	}
	if opt.Task != Regression && opt.Task != Classification {
		return nil, optionErr("task %d", opt.Task)
	}
	need := fieldsFor(opt.Strategy, opt.Task)
	if need&needProb != 0 && opt.Task != Classification {
		return nil, fmt.Errorf("sampling: %w: %s needs class probabilities (classification)", ErrTask, opt.Strategy)
	}
	if err := validate(cands, opt.Exclude, need); err != nil {
		return nil, err
	}
	sign := 1.0
	if opt.Minimize {
		sign = -1
	}
	switch opt.Strategy {
	case Uncertainty:
		return func(i int) float64 { return cands[i].Std }, nil
	case Margin:
		return func(i int) float64 { return candMargin(&cands[i]) }, nil
	case Entropy:
		return func(i int) float64 { return candEntropy(&cands[i]) }, nil
	case Random:
		seed := opt.Seed
		return func(i int) float64 { return uniform(seed, cands[i].Index) }, nil
	case Hybrid:
		return hybridScorer(cands, opt)
	case Greedy:
		return func(i int) float64 { return sign * cands[i].Mean }, nil
	case UCB:
		k := opt.Kappa
		if k == 0 {
			k = DefaultKappa
		}
		if k < 0 || math.IsNaN(k) || math.IsInf(k, 0) {
			return nil, optionErr("kappa %g must be a finite number >= 0", opt.Kappa)
		}
		return func(i int) float64 { return sign*cands[i].Mean + k*cands[i].Std }, nil
	default: // ExpectedImprovement
		if opt.Best == nil || math.IsNaN(*opt.Best) || math.IsInf(*opt.Best, 0) {
			return nil, optionErr("expected improvement needs a finite Best (the best observed value)")
		}
		if opt.Xi < 0 || math.IsNaN(opt.Xi) || math.IsInf(opt.Xi, 0) {
			return nil, optionErr("xi %g must be a finite number >= 0", opt.Xi)
		}
		best, xi := *opt.Best, opt.Xi
		return func(i int) float64 {
			return expectedImprovement(sign*cands[i].Mean-sign*best-xi, cands[i].Std)
		}, nil
	}
}

// binaryEntropy is −p ln p − (1−p) ln(1−p) with p clipped to
// [EntropyClip, 1 − EntropyClip].
func binaryEntropy(p float64) float64 {
	p = max(EntropyClip, min(1-EntropyClip, p))
	return -p*math.Log(p) - (1-p)*math.Log(1-p)
}

// expectedImprovement is E[max(improvement, 0)] for a normal prediction
// whose mean improves on the best by imp with standard deviation sd:
// imp·Φ(imp/sd) + sd·φ(imp/sd), and max(imp, 0) when sd = 0.
func expectedImprovement(imp, sd float64) float64 {
	if sd == 0 {
		return max(imp, 0)
	}
	z := imp / sd
	cdf := 0.5 * math.Erfc(-z/math.Sqrt2)
	pdf := math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi)
	return imp*cdf + sd*pdf
}

// uniform is a deterministic uniform number in [0, 1) for (seed, index),
// from the splitmix64 finaliser: it does not depend on the pool's order or
// size, so the same seed ranks the same compounds the same way.
func uniform(seed uint64, index int) float64 {
	z := seed + 0x9e3779b97f4a7c15*(uint64(index)+1)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}
