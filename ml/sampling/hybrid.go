package sampling

import "math"

// hybridScorer builds Hybrid's score. Each component is min-max scaled over
// the candidate pool (the non-excluded candidates) to [0, 1]:
//
//	u = (Std − min Std) / (max Std − min Std)                  uncertainty
//	m = (g − min g) / (max g − min g), g = 0.5 − |Prob − 0.5|  margin (closeness to 0.5)
//	a = (Distance − min) / (max − min)                         applicability (far from training data)
//
// A component that is constant over the pool contributes 0. The score is
// (w_u·u + w_m·m + w_a·a) / (w_u + w_m + w_a), in [0, 1]. For regression the
// margin is not defined: its weight is dropped and the other two are
// renormalised (the defaults become 0.5/0.7 and 0.2/0.7).
func hybridScorer(cands []Candidate, opt *Options) (scorer, error) {
	w := opt.Weights
	if w == (HybridWeights{}) {
		w = DefaultHybridWeights
	}
	for _, v := range []float64{w.Uncertainty, w.Margin, w.Applicability} {
		if v < 0 || !finite(v) {
			return nil, optionErr("hybrid weights %+v must be finite and >= 0", w)
		}
	}
	if opt.Task == Regression {
		w.Margin = 0
	}
	sum := w.Uncertainty + w.Margin + w.Applicability
	if sum <= 0 {
		return nil, optionErr("hybrid weights %+v give no weight to any component of this task", opt.Weights)
	}
	margin := func(i int) float64 { return 0.5 - math.Abs(cands[i].Prob-0.5) }
	std := func(i int) float64 { return cands[i].Std }
	dist := func(i int) float64 { return cands[i].Distance }
	u := minMax(cands, opt.Exclude, std)
	a := minMax(cands, opt.Exclude, dist)
	m := func(int) float64 { return 0 }
	if w.Margin > 0 {
		m = minMax(cands, opt.Exclude, margin)
	}
	wu, wm, wa := w.Uncertainty/sum, w.Margin/sum, w.Applicability/sum
	return func(i int) float64 { return wu*u(i) + wm*m(i) + wa*a(i) }, nil
}

// minMax returns f scaled to [0, 1] by its range over the non-excluded
// candidates; a constant f scales to 0.
func minMax(cands []Candidate, exclude map[int]bool, f func(int) float64) func(int) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range cands {
		if exclude[cands[i].Index] {
			continue
		}
		v := f(i)
		lo, hi = min(lo, v), max(hi, v)
	}
	if !(hi > lo) {
		return func(int) float64 { return 0 }
	}
	span := hi - lo
	return func(i int) float64 { return (f(i) - lo) / span }
}
