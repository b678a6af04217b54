package sampling

import "math"

// Fields a strategy reads.
const (
	needMean = 1 << iota
	needStd
	needProb
	needDistance
)

func fieldsFor(strategy string, task Task) int {
	switch strategy {
	case Uncertainty:
		return needStd
	case Margin, Entropy:
		return needProb
	case Hybrid:
		if task == Classification {
			return needStd | needProb | needDistance
		}
		return needStd | needDistance
	case Greedy:
		return needMean
	case UCB, ExpectedImprovement:
		return needMean | needStd
	}
	return 0 // Random
}

// validate checks the fields in need of every non-excluded candidate.
func validate(cands []Candidate, exclude map[int]bool, need int) error {
	bad := func(pos int, field string, v float64, reason string) error {
		return &CandidateError{Position: pos, Index: cands[pos].Index, Field: field, Value: v, Reason: reason}
	}
	for i := range cands {
		c := &cands[i]
		if exclude[c.Index] {
			continue
		}
		if need&needMean != 0 && !finite(c.Mean) {
			return bad(i, "Mean", c.Mean, "must be finite")
		}
		if need&needStd != 0 && !(finite(c.Std) && c.Std >= 0) {
			return bad(i, "Std", c.Std, "must be finite and >= 0")
		}
		if need&needProb != 0 && c.Probs != nil {
			if len(c.Probs) < 2 {
				return bad(i, "Probs", float64(len(c.Probs)), "needs at least 2 classes")
			}
			var sum float64
			for _, p := range c.Probs {
				if !(p >= 0 && p <= 1) {
					return bad(i, "Probs", p, "must be in [0, 1]")
				}
				sum += p
			}
			if math.Abs(sum-1) > probSumTol {
				return bad(i, "Probs", sum, "must sum to 1")
			}
		} else if need&needProb != 0 && !(c.Prob >= 0 && c.Prob <= 1) {
			return bad(i, "Prob", c.Prob, "must be in [0, 1]")
		}
		if need&needDistance != 0 && !(c.Distance >= 0 && c.Distance <= 1) {
			return bad(i, "Distance", c.Distance, "must be in [0, 1]")
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
