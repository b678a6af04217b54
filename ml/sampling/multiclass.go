package sampling

import "math"

// probSumTol is how far a candidate's class probabilities may sum from 1.
const probSumTol = 1e-6

// EntropyK is the entropy −Σ p ln p (nats) of class probabilities, each
// clipped to [EntropyClip, 1 − EntropyClip] (for two classes, the binary
// entropy Entropy ranks by). It is largest, ln K, when the classes are
// equally likely.
func EntropyK(probs []float64) float64 {
	var h float64
	for _, p := range probs {
		p = max(EntropyClip, min(1-EntropyClip, p))
		h -= p * math.Log(p)
	}
	return h
}

// MarginK is p(first) − p(second), the gap between the two most probable
// classes (0 when they tie, 1 when one class is certain); Margin ranks by
// (1 − MarginK)/2, which for two classes is 0.5 − |p − 0.5|. Panics with
// fewer than two classes.
func MarginK(probs []float64) float64 {
	if len(probs) < 2 {
		panic("sampling: MarginK needs at least two classes")
	}
	first, second := math.Inf(-1), math.Inf(-1)
	for _, p := range probs {
		switch {
		case p > first:
			first, second = p, first
		case p > second:
			second = p
		}
	}
	return first - second
}

// candMargin is Margin's score of a candidate: 0.5 − |Prob − 0.5|, or
// (1 − MarginK(Probs))/2 for a multi-class candidate.
func candMargin(c *Candidate) float64 {
	if c.Probs != nil {
		return (1 - MarginK(c.Probs)) / 2
	}
	return marginScore(c.Prob)
}

// candEntropy is Entropy's score of a candidate: the binary entropy of
// Prob, or EntropyK(Probs) for a multi-class candidate.
func candEntropy(c *Candidate) float64 {
	if c.Probs != nil {
		return EntropyK(c.Probs)
	}
	return binaryEntropy(c.Prob)
}
