package sampling

import (
	"activelab/ml"
	"math"
	"math/rand/v2"
)

// DefaultClusterBeta is how many candidates per batch slot the clustered
// batch mode considers (Zhdanov 2019 uses 10).
const DefaultClusterBeta = 10

// clusterIterations bounds the k-medoids refinement.
const clusterIterations = 10

// Cluster turns on the clustered batch mode of "diverse mini-batch active
// learning" (Zhdanov 2019): the Beta·k best candidates by score are
// grouped into k clusters by weighted k-medoids on Tanimoto distance
// (1 − similarity), and the k medoids are the batch. A candidate weighs
// its score (shifted to be non-negative when some score is negative), so
// the medoids lean towards the informative end of each cluster. Seeding is
// k-means++ (the best candidate first, then draws with Options.Seed), so the
// result is deterministic. Time is O(10·(Beta·k·k + Σ cluster size²))
// Tanimoto evaluations, memory O(Beta·k).
type Cluster struct {
	// Fingerprints holds one packed bit vector per candidate, parallel to
	// the candidate slice (not keyed by Index).
	Fingerprints [][]uint64
	// Beta >= 1; zero means DefaultClusterBeta.
	Beta float64
}

// selectClustered runs the clustered pick of opt.BatchSize candidates.
func selectClustered(cands []Candidate, opt *Options, score scorer) ([]Ranked, error) {
	c := opt.Cluster
	if len(c.Fingerprints) != len(cands) {
		return nil, optionErr("clustering needs one fingerprint per candidate: %d fingerprints for %d candidates", len(c.Fingerprints), len(cands))
	}
	beta := c.Beta
	if beta == 0 {
		beta = DefaultClusterBeta
	}
	if !(beta >= 1) || math.IsInf(beta, 0) {
		return nil, optionErr("cluster beta %g must be a finite number >= 1", c.Beta)
	}
	k := opt.BatchSize
	n := int(math.Min(beta*float64(k), float64(len(cands))))
	top := topK(cands, opt.Exclude, score, n)
	if len(top) <= k {
		return ranks(top), nil
	}
	fp := func(a int) []uint64 { return c.Fingerprints[top[a].pos] }
	dist := func(a, b int) float64 { return 1 - ml.Tanimoto(fp(a), fp(b)) }
	w := clusterWeights(top)
	meds := seedMedoids(len(top), k, w, dist, opt.Seed)
	assign := make([]int, len(top))
	for range clusterIterations {
		for a := range top {
			best, bd := 0, math.Inf(1)
			for j, m := range meds {
				if d := dist(a, m); d < bd {
					best, bd = j, d
				}
			}
			assign[a] = best
		}
		changed := false
		for j := range meds {
			bm, bc := meds[j], math.Inf(1)
			for a := range top { // ascending a: ties keep the better-scored
				if assign[a] != j {
					continue
				}
				var cost float64
				for b := range top {
					if assign[b] == j {
						cost += w[b] * dist(a, b)
					}
				}
				if cost < bc {
					bm, bc = a, cost
				}
			}
			if bm != meds[j] {
				meds[j], changed = bm, true
			}
		}
		if !changed {
			break
		}
	}
	picked := make([]item, 0, k)
	for _, m := range meds {
		picked = append(picked, top[m])
	}
	sortItems(picked)
	return ranks(picked), nil
}

// clusterWeights returns the candidates' weights, their informativeness
// as DMBAL weighs them: the score itself when no score of top is negative
// (uncertainty, entropy, hybrid), else the score minus the lowest (margin,
// greedy); all 1 when every weight would be 0.
func clusterWeights(top []item) []float64 {
	lo := top[len(top)-1].Score
	shift := math.Min(lo, 0)
	w := make([]float64, len(top))
	var total float64
	for a, it := range top {
		w[a] = it.Score - shift
		total += w[a]
	}
	if !(total > 0) || math.IsInf(total, 0) {
		for a := range w {
			w[a] = 1
		}
	}
	return w
}

// seedMedoids picks k of n points by weighted k-means++: point 0 (the best
// scored) first, then each next with probability proportional to its
// weight times its squared distance to the nearest medoid so far; when
// every remaining point coincides with a medoid, the best-scored unpicked.
func seedMedoids(n, k int, w []float64, dist func(a, b int) float64, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0xc1a5_7e25))
	near := make([]float64, n)
	for a := range near {
		near[a] = math.Inf(1)
	}
	chosen := make([]bool, n)
	meds := []int{0}
	chosen[0] = true
	for len(meds) < k {
		last := meds[len(meds)-1]
		var total float64
		for a := range near {
			near[a] = math.Min(near[a], dist(a, last))
			if !chosen[a] {
				total += w[a] * near[a] * near[a]
			}
		}
		pick := -1
		if total > 0 {
			r := rng.Float64() * total
			for a := range near {
				if chosen[a] {
					continue
				}
				pick = a
				if r -= w[a] * near[a] * near[a]; r <= 0 {
					break
				}
			}
		} else {
			for a := range chosen {
				if !chosen[a] {
					pick = a
					break
				}
			}
		}
		chosen[pick] = true
		meds = append(meds, pick)
	}
	return meds
}
