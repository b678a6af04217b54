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
	// One pass for the three ranges over the non-excluded pool. Prob is
	// only read when the margin has weight (regression leaves it unset).
	useMargin := w.Margin > 0
	lo := [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
	hi := [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for i := range cands {
		c := &cands[i]
		if opt.Exclude != nil && opt.Exclude[c.Index] {
			continue
		}
		m := 0.0
		if useMargin {
			m = candMargin(c)
		}
		for k, v := range [3]float64{c.Std, m, c.Distance} {
			lo[k], hi[k] = min(lo[k], v), max(hi[k], v)
		}
	}
	var scale [3]float64 // weight / range, 0 for a constant component
	for k, wk := range [3]float64{w.Uncertainty, w.Margin, w.Applicability} {
		if hi[k] > lo[k] {
			scale[k] = wk / sum / (hi[k] - lo[k])
		}
	}
	if !useMargin {
		return func(i int) float64 {
			c := &cands[i]
			return scale[0]*(c.Std-lo[0]) + scale[2]*(c.Distance-lo[2])
		}, nil
	}
	return func(i int) float64 {
		c := &cands[i]
		return scale[0]*(c.Std-lo[0]) + scale[1]*(candMargin(c)-lo[1]) + scale[2]*(c.Distance-lo[2])
	}, nil
}

// marginScore is Margin's score 0.5 − |p − 0.5|.
func marginScore(p float64) float64 { return 0.5 - math.Abs(p-0.5) }
