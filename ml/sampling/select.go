package sampling

import (
	"fmt"
	"math"
	"slices"
)

// Select returns the BatchSize highest-priority candidates that are not in
// Exclude, best first; equal scores rank by ascending Index. It returns
// fewer when the pool holds fewer eligible candidates. Without diversity it
// runs in O(n log k) time and O(k) extra memory for n candidates and batch
// size k. With Options.Diversity set it picks greedily by score, skipping
// candidates too similar to one already picked (see Diversity); with
// Options.Cluster it picks the medoids of the best candidates' clusters
// (see Cluster); with Options.Softrank it draws the batch with probability
// falling with the rank (see Softrank). The Options.Explore share of random
// picks comes last, each marked Ranked.Explore (as is every pick of the
// Random strategy without a batch mode: a uniform sample of the pool).
func Select(cands []Candidate, opt Options) ([]Ranked, error) {
	if opt.BatchSize <= 0 {
		return nil, fmt.Errorf("sampling: %w: got %d", ErrBatchSize, opt.BatchSize)
	}
	if !(opt.Explore >= 0 && opt.Explore < 1) {
		return nil, optionErr("explore fraction %g must be in [0, 1)", opt.Explore)
	}
	score, err := newScorer(cands, &opt)
	if err != nil {
		return nil, err
	}
	nRandom := int(math.Round(opt.Explore * float64(opt.BatchSize)))
	main := opt
	main.BatchSize -= nRandom
	var picked []Ranked
	modes := countTrue(opt.Diversity != nil, opt.Cluster != nil, opt.Softrank != nil)
	if modes > 1 {
		return nil, optionErr("diversity, clustering and softrank are three batch modes: choose one")
	}
	if main.BatchSize > 0 {
		switch {
		case opt.Diversity != nil:
			picked, err = selectDiverse(cands, &main, score)
			if err != nil {
				return nil, err
			}
		case opt.Cluster != nil:
			picked, err = selectClustered(cands, &main, score)
			if err != nil {
				return nil, err
			}
		case opt.Softrank != nil:
			picked, err = selectSoftrank(cands, &main, score)
			if err != nil {
				return nil, err
			}
		default:
			picked = ranks(topK(cands, opt.Exclude, score, main.BatchSize))
		}
	}
	if opt.Strategy == Random && modes == 0 {
		for i := range picked {
			picked[i].Explore = true
		}
	}
	if nRandom == 0 {
		return picked, nil
	}
	// The exploration picks: Random's scores among the candidates left.
	excl := make(map[int]bool, len(opt.Exclude)+len(picked))
	for k, v := range opt.Exclude {
		excl[k] = v
	}
	for _, r := range picked {
		excl[r.Index] = true
	}
	seed := opt.Seed
	rnd := func(i int) float64 { return uniform(seed, cands[i].Index) }
	explore := ranks(topK(cands, excl, rnd, nRandom))
	for i := range explore {
		explore[i].Explore = true
	}
	return append(picked, explore...), nil
}

// Rank returns every eligible candidate ranked best first, with its
// priority score (Select with the batch size set to the pool size).
func Rank(cands []Candidate, opt Options) ([]Ranked, error) {
	opt.BatchSize = max(1, len(cands))
	return Select(cands, opt)
}

// Scores returns the priority score of every candidate, in pool order;
// excluded candidates get −Inf. BatchSize and Diversity are ignored.
func Scores(cands []Candidate, opt Options) ([]float64, error) {
	score, err := newScorer(cands, &opt)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(cands))
	for i := range cands {
		if opt.Exclude[cands[i].Index] {
			out[i] = math.Inf(-1)
			continue
		}
		out[i] = score(i)
	}
	return out, nil
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// item is a ranked candidate with its position in the pool.
type item struct {
	Ranked
	pos int
}

func ranks(items []item) []Ranked {
	out := make([]Ranked, len(items))
	for i, it := range items {
		out[i] = it.Ranked
	}
	return out
}

// better reports whether a ranks before b: higher score, then lower Index.
func better(a, b item) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Index < b.Index
}

// topK keeps the k best eligible candidates in a heap whose root is the
// worst kept one, then sorts them best first.
func topK(cands []Candidate, exclude map[int]bool, score scorer, k int) []item {
	h := make([]item, 0, min(k, len(cands)))
	for i := range cands {
		idx := cands[i].Index
		if exclude != nil && exclude[idx] {
			continue
		}
		h = keep(h, item{Ranked{Index: idx, Score: score(i)}, i}, k)
	}
	sortItems(h)
	return h
}

// keep adds x to the bounded heap h of at most k items (root: the worst
// kept), dropping the worst when full.
func keep(h []item, x item, k int) []item {
	if len(h) < k {
		h = append(h, x)
		siftUp(h, len(h)-1)
		return h
	}
	if better(x, h[0]) {
		h[0] = x
		siftDown(h, 0)
	}
	return h
}

// sortItems orders items best first.
func sortItems(h []item) {
	slices.SortFunc(h, func(a, b item) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
}

// The heap is ordered so that the worst element is at the root.
func siftUp(h []item, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(h[p], h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown(h []item, i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		w := l // the worse child
		if r := l + 1; r < n && better(h[l], h[r]) {
			w = r
		}
		if !better(h[i], h[w]) {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}
