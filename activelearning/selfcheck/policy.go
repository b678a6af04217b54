package selfcheck

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Defaults of NewPolicy (see the package documentation).
var DefaultShares = []float64{0.25, 0.5, 0.75, 1.0}

// Adaptive is the strategy name of the adaptive explore share, in the
// product (activelearning) and the simulator alike: each batch is
// AdaptiveBase with the explore share a Policy chooses from the earlier
// batches' diagnostics (a share of 1 is a random batch).
const Adaptive = "adaptive"

// Default is the name of the product's default strategy (what a selection
// that names none plays): Adaptive. The adaptive strategy became the
// default because it meets issue 16's target on all three development sets
// (area no worse than random's, docs/simulation/adaptive) while keeping
// the safety the fixed mix lacks: a model whose uncertainty does not find
// its errors drifts to random batches instead of losing to them.
const Default = "default"

// IsAdaptive reports whether a strategy name plays the adaptive policy:
// Adaptive or Default (surrounding space ignored).
func IsAdaptive(name string) bool {
	name = strings.TrimSpace(name)
	return name == Adaptive || name == Default
}

// AdaptiveBase is the sampling spec (ml/sampling) of the adaptive
// strategy's exploit picks: clustered uncertainty without an explore
// share. The fixed mix sampling.Mix, AdaptiveBase with explore=0.5, is
// the policy's arm 0.5.
const AdaptiveBase = "uncertainty+cluster=20"

// Policy defaults.
const (
	DefaultMargin = 1.25 // hardness exploitation must exceed to earn a positive reward
	PriorSD       = 0.5  // prior sd of every exploit arm's reward (log scale)
	MinNoiseSD    = 0.05 // floor of an observation's sd, so one batch never settles an arm
)

// Arm is one batch composition and the posterior of its reward.
type Arm struct {
	// Share is the fraction of the batch picked at random, in (0, 1]; 1
	// is a random batch.
	Share float64 `json:"share"`
	// Mean and Var are the Gaussian posterior of the arm's reward (the
	// random arm: 0 and 0, fixed).
	Mean float64 `json:"mean"`
	Var  float64 `json:"var"`
	// Played counts the cycles the arm was chosen; Observed the
	// observations that updated it.
	Played   int `json:"played"`
	Observed int `json:"observed"`
}

// Policy is the adaptive explore share: a Thompson-sampling bandit over
// batch compositions whose reward comes from Diagnostics. The zero value
// is not usable; make one with NewPolicy. All fields are exported so the
// state round-trips through encoding/json unchanged.
type Policy struct {
	Arms   []Arm   `json:"arms"`
	Margin float64 `json:"margin"`
	Seed   uint64  `json:"seed"`
	// Step counts Choose calls; the draw of call k comes from
	// PCG(Seed, k), so a restored policy continues the same sequence.
	Step uint64 `json:"step"`
}

// NewPolicy returns a policy over the given explore shares (nil:
// DefaultShares), each in (0, 1], distinct, with the given margin (0:
// DefaultMargin; otherwise it must be >= 1) and seed. It returns an error
// wrapping ErrInput for invalid shares or margin.
func NewPolicy(shares []float64, margin float64, seed uint64) (*Policy, error) {
	if shares == nil {
		shares = DefaultShares
	}
	if len(shares) == 0 {
		return nil, &InputError{Pick: -1, Field: "shares", Reason: "no arms"}
	}
	if margin == 0 {
		margin = DefaultMargin
	}
	if !finite(margin) || margin < 1 {
		return nil, &InputError{Pick: -1, Field: "margin", Reason: fmt.Sprintf("%g must be a finite number >= 1", margin)}
	}
	p := &Policy{Margin: margin, Seed: seed}
	seen := map[float64]bool{}
	for _, s := range shares {
		if !(s > 0 && s <= 1) || seen[s] {
			return nil, &InputError{Pick: -1, Field: "shares", Reason: fmt.Sprintf("share %g must be in (0, 1] and listed once", s)}
		}
		seen[s] = true
		a := Arm{Share: s, Var: PriorSD * PriorSD}
		if s == 1 {
			a.Var = 0 // the control earns exactly 0
		}
		p.Arms = append(p.Arms, a)
	}
	return p, nil
}

// Choose draws one reward from every arm's posterior and returns the share
// of the best draw (ties: the first arm); it advances Step and counts the
// play. Deterministic given Seed and Step.
func (p *Policy) Choose() float64 {
	rng := rand.New(rand.NewPCG(p.Seed, p.Step))
	p.Step++
	best, bestDraw := 0, math.Inf(-1)
	for i, a := range p.Arms {
		draw := a.Mean + math.Sqrt(a.Var)*rng.NormFloat64()
		if draw > bestDraw {
			best, bestDraw = i, draw
		}
	}
	p.Arms[best].Played++
	return p.Arms[best].Share
}

// Reward is the reward a batch played with the given share earned, from
// its diagnostics, and the variance of that observation:
// (1 − share)·(ln Hardness − ln Margin), variance (1 − share)²·max(
// HardnessLogSE, MinNoiseSD)². ok is false when the hardness was not
// measurable (too few picks in a group) or the share is 1.
func (p *Policy) Reward(share float64, d Diagnostics) (reward, variance float64, ok bool) {
	if share >= 1 || d.Hardness == nil || d.HardnessLogSE == nil {
		return 0, 0, false
	}
	w := 1 - share
	se := max(*d.HardnessLogSE, MinNoiseSD)
	return w * (math.Log(*d.Hardness) - math.Log(p.Margin)), w * w * se * se, true
}

// Observe updates the posterior of the arm with the given share with the
// batch's diagnostics (a conjugate Gaussian update) and reports whether it
// did: a batch whose hardness was not measurable, a random batch and a
// share that is not an arm change nothing.
func (p *Policy) Observe(share float64, d Diagnostics) bool {
	r, v, ok := p.Reward(share, d)
	if !ok {
		return false
	}
	for i := range p.Arms {
		a := &p.Arms[i]
		if a.Share != share {
			continue
		}
		prec := 1/a.Var + 1/v
		a.Mean = (a.Mean/a.Var + r/v) / prec
		a.Var = 1 / prec
		a.Observed++
		return true
	}
	return false
}
