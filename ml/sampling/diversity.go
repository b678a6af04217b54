package sampling

import (
	"activelab/ml"
	"math"
)

// DefaultDiversityThreshold is the Tanimoto similarity above which a
// candidate is skipped as a near-duplicate of one already in the batch.
const DefaultDiversityThreshold = 0.7

// Diversity turns on the diversity-aware batch mode: candidates are taken in
// score order, and one whose Tanimoto similarity to a compound already
// picked exceeds Threshold is skipped. If fewer than BatchSize candidates
// pass, the batch is topped up with the best skipped ones, in score order,
// so the batch size is honoured whenever the pool allows.
type Diversity struct {
	// Fingerprints holds one packed bit vector per candidate, parallel to
	// the candidate slice (not keyed by Index).
	Fingerprints [][]uint64
	// Threshold in (0, 1]; zero means DefaultDiversityThreshold.
	Threshold float64
}

// selectDiverse runs the greedy diverse pick. It ranks a growing prefix of
// the pool (4k, 16k, ... best) with topK, so it stays O(n log m) for a
// prefix of m candidates, and only falls back to the whole pool when the
// batch cannot be filled from a prefix. The greedy pick over a prefix of
// the sorted pool is a prefix of the pick over the whole pool, so growing
// the prefix does not change earlier choices.
func selectDiverse(cands []Candidate, opt *Options, score scorer) ([]Ranked, error) {
	d := opt.Diversity
	if len(d.Fingerprints) != len(cands) {
		return nil, optionErr("diversity needs one fingerprint per candidate: %d fingerprints for %d candidates", len(d.Fingerprints), len(cands))
	}
	th := d.Threshold
	if th == 0 {
		th = DefaultDiversityThreshold
	}
	if !(th > 0 && th <= 1) || math.IsNaN(th) {
		return nil, optionErr("diversity threshold %g must be in (0, 1]", d.Threshold)
	}
	k := opt.BatchSize
	for m := 4 * k; ; m *= 4 {
		ranked := topK(cands, opt.Exclude, score, m)
		picked, skipped := greedyDiverse(ranked, k, th, d.Fingerprints)
		exhausted := len(ranked) < m // the prefix is the whole eligible pool
		if len(picked) == k || exhausted {
			for _, r := range skipped {
				if len(picked) == k {
					break
				}
				picked = append(picked, r)
			}
			return ranks(picked), nil
		}
	}
}

// greedyDiverse picks up to k of ranked (best first) so that no two picked
// exceed similarity th, and returns the skipped ones in order.
func greedyDiverse(ranked []item, k int, th float64, fingerprints [][]uint64) (picked, skipped []item) {
	var fps [][]uint64
	for _, r := range ranked {
		if len(picked) == k {
			break
		}
		f := fingerprints[r.pos]
		ok := true
		for _, g := range fps {
			if ml.Tanimoto(f, g) > th {
				ok = false
				break
			}
		}
		if ok {
			picked = append(picked, r)
			fps = append(fps, f)
		} else {
			skipped = append(skipped, r)
		}
	}
	return picked, skipped
}
