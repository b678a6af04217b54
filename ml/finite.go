package ml

import "math"

// MaxTarget bounds the magnitude of a regression target: TrainEnsemble
// refuses |y| > MaxTarget with an *InputError naming the row. No property
// on a sensible scale reaches it (log units, percentages, kJ/mol;
// potencies in nM belong on a log scale), so a larger value is a typing
// or unit error, and the bound keeps every sum the learners form (sums of
// squared targets over millions of rows, times weights up to MaxWeight)
// many orders of magnitude below float64 overflow.
const MaxTarget = 1e6

// MaxWeight bounds a sample weight: TrainEnsemble refuses w > MaxWeight
// (label confidences are in [0, 1]; any useful relative weighting fits).
const MaxWeight = 1e6

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkFinite returns a *NonFiniteError for the first non-finite number
// the model holds, nil when every stored number is finite (so the model
// can be encoded and decoded).
func (e *Ensemble) checkFinite() error {
	for m := range e.trees {
		for i, n := range e.trees[m].nodes {
			if !finite(n.val) {
				return &NonFiniteError{Part: "tree node", Member: m, Index: i, Value: n.val}
			}
		}
	}
	nt := len(e.trees)
	for k := range e.linear {
		for j, v := range e.linear[k].coef {
			if !finite(v) {
				return &NonFiniteError{Part: "linear coefficient", Member: nt + k, Index: j, Value: v}
			}
		}
	}
	if e.std != nil {
		for j, v := range e.std.Mean {
			if !finite(v) {
				return &NonFiniteError{Part: "descriptor mean", Member: -1, Index: j, Value: v}
			}
		}
		for j, v := range e.std.Scale {
			if !finite(v) || v <= 0 {
				return &NonFiniteError{Part: "descriptor scale", Member: -1, Index: j, Value: v}
			}
		}
	}
	for j, edges := range e.layout.edges {
		for _, v := range edges {
			if !finite(float64(v)) {
				return &NonFiniteError{Part: "descriptor bin edge", Member: -1, Index: j, Value: float64(v)}
			}
		}
	}
	for i, v := range e.cal.scores {
		if !finite(v) {
			return &NonFiniteError{Part: "conformal score", Member: -1, Index: i, Value: v}
		}
	}
	if len(e.cal.scores) > 0 && !(finite(e.cal.eps) && e.cal.eps > 0) {
		return &NonFiniteError{Part: "conformal eps", Member: -1, Index: 0, Value: e.cal.eps}
	}
	for i := range e.cal.isoX {
		if !finite(e.cal.isoX[i]) {
			return &NonFiniteError{Part: "calibration map", Member: -1, Index: i, Value: e.cal.isoX[i]}
		}
		if !finite(e.cal.isoY[i]) {
			return &NonFiniteError{Part: "calibration map", Member: -1, Index: i, Value: e.cal.isoY[i]}
		}
	}
	return nil
}
