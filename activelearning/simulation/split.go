package simulation

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Split modes of Config.Split.
const (
	SplitRandom   = "random"   // validation rows drawn at random (the default)
	SplitScaffold = "scaffold" // whole Bemis–Murcko scaffolds held out, see ScaffoldSplit
)

// DefaultNovel is the fraction of the pool ScaffoldSplit keeps out of
// every initial set when Config.Novel is 0.
const DefaultNovel = 0.5

// ScaffoldSplit splits rows by Bemis–Murcko scaffold, so the validation
// set and part of the pool are chemotypes the initial labels never show:
//
//   - rows are grouped by scaffold (every acyclic molecule shares the
//     empty scaffold); the groups are shuffled with seed;
//   - groups larger than half the validation size (such as the acyclic
//     group) always go to the familiar pool, as chemprop's balanced
//     scaffold split does, so no single chemotype dominates validation;
//   - whole groups are taken in shuffled order into validation until it
//     holds round(validation·n) rows or more, then into the novel pool
//     until it holds round(novel·(pool rows)) or more;
//   - the rest is the familiar pool, where initial labels are drawn.
//
// No scaffold is in two of validation, novel and familiar. The slices are
// sorted by row; pool is novel ∪ familiar.
func ScaffoldSplit(scaffolds []string, validation, novel float64, seed uint64) (val, pool, familiar []int) {
	n := len(scaffolds)
	groups := map[string][]int{}
	var keys []string
	for i, s := range scaffolds {
		if _, ok := groups[s]; !ok {
			keys = append(keys, s)
		}
		groups[s] = append(groups[s], i)
	}
	slices.Sort(keys) // map order must not leak into the shuffle
	rng := rand.New(rand.NewPCG(seed, 0x5caf_f01d))
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	nVal := int(math.Round(validation * float64(n)))
	nNovel := int(math.Round(novel * float64(n-nVal)))
	var nov []int
	for _, k := range keys {
		g := groups[k]
		switch {
		case 2*len(g) > nVal:
			familiar = append(familiar, g...)
		case len(val) < nVal:
			val = append(val, g...)
		case len(nov) < nNovel:
			nov = append(nov, g...)
		default:
			familiar = append(familiar, g...)
		}
	}
	pool = append(slices.Clone(nov), familiar...)
	return sortedCopy(val), sortedCopy(pool), sortedCopy(familiar)
}
