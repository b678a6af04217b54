package sampling

import "math"

// DefaultSoftrankPower is the softrank exponent when Softrank.Power is zero
// (Kirsch et al. 2023 use 1).
const DefaultSoftrankPower = 1.0

// softrankStream separates the softrank draws from Random's and the
// explore picks' draws with the same seed.
const softrankStream = 0x5851f42d4c957f2d

// Softrank turns on the stochastic batch mode of "Stochastic Batch
// Acquisition" (Kirsch et al. 2023, TMLR): the eligible candidates are
// ranked by the strategy's score (rank r = 1 for the best) and the batch is
// drawn without replacement with probability proportional to r^−Power, by
// the Gumbel-top-k trick with Options.Seed (deterministic for a seed). It
// spends the batch mostly near the top of the ranking but not only there
// (the paper's remedy for redundant top-k batches; on ESOL and BBBP it did
// not beat the clustered mode, docs/simulation). The ranking makes it
// independent of the scores' scale, so it works with any strategy. Time O(n log n) for n eligible candidates (the ranking), memory
// O(n).
type Softrank struct {
	// Power > 0 (the paper's β) sharpens the draw towards the top of the
	// ranking (large Power approaches the plain top-k, small Power a
	// uniform draw); zero means DefaultSoftrankPower.
	Power float64
}

// selectSoftrank draws opt.BatchSize candidates; each comes with its
// strategy score, in draw order.
func selectSoftrank(cands []Candidate, opt *Options, score scorer) ([]Ranked, error) {
	power := opt.Softrank.Power
	if power == 0 {
		power = DefaultSoftrankPower
	}
	if !(power > 0) || math.IsInf(power, 0) {
		return nil, optionErr("softrank power %g must be a finite number > 0", opt.Softrank.Power)
	}
	ranked := make([]item, 0, len(cands))
	for i := range cands {
		if !opt.Exclude[cands[i].Index] {
			ranked = append(ranked, item{Ranked{Index: cands[i].Index, Score: score(i)}, i})
		}
	}
	sortItems(ranked)
	if len(ranked) <= opt.BatchSize {
		return ranks(ranked), nil
	}
	// Gumbel-top-k: the k largest log p_r + G_r, G_r standard Gumbel noise,
	// are a draw of k without replacement with probability ∝ p_r.
	seed := opt.Seed ^ softrankStream
	k := opt.BatchSize
	h := make([]item, 0, k)
	for r, it := range ranked {
		g := -math.Log(-math.Log(uniform(seed, it.Index))) // uniform 0 gives −Inf: last
		h = keep(h, item{Ranked{Index: it.Index, Score: -power*math.Log(float64(r+1)) + g}, r}, k)
	}
	sortItems(h)
	out := make([]Ranked, len(h))
	for i, x := range h {
		out[i] = ranked[x.pos].Ranked
	}
	return out, nil
}
