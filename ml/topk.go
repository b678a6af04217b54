package ml

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
)

// ScoreFunc turns a row's ensemble mean and standard deviation into a
// priority score (higher is better). Returning NaN excludes the row (use
// it for exclusion lists: the row index is that of the scored matrix).
type ScoreFunc func(row int, mean, std float64) float64

// ByStd scores a row by its standard deviation across members (uncertainty
// sampling).
func ByStd(_ int, _, std float64) float64 { return std }

// Scored is one row of a ScoreTopK result.
type Scored struct {
	Row   int
	Score float64
	Mean  float64
	Std   float64
}

// better is the ranking order: higher score first, then lower row.
func better(a, b Scored) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Row < b.Row
}

// worstFirst is a binary heap whose root is the worst kept candidate.
type worstFirst []Scored

// offer keeps s if it is among the k best seen.
func (h *worstFirst) offer(s Scored, k int) {
	if len(*h) < k {
		*h = append(*h, s)
		h.up(len(*h) - 1)
	} else if better(s, (*h)[0]) {
		(*h)[0] = s
		h.down(0)
	}
}

func (h worstFirst) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(h[p], h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (h worstFirst) down(i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && better(h[c], h[c+1]) {
			c++
		}
		if !better(h[i], h[c]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// ScoreTopK predicts every row of X in parallel row chunks and returns the
// k rows of highest score (fewer if fewer rows have a non-NaN score),
// best first, ties broken by lower row index, so the result is the same
// whatever the number of workers. score nil means ByStd. Memory is O(k)
// per worker beyond the members' outputs of one chunk.
func (e *Ensemble) ScoreTopK(ctx context.Context, X *Features, k int, score ScoreFunc) ([]Scored, error) {
	if err := e.checkShape(X); err != nil {
		return nil, err
	}
	if k < 0 {
		return nil, &InputError{What: "k", Row: -1, Reason: fmt.Sprintf("negative k %d", k)}
	}
	if score == nil {
		score = ByStd
	}
	if k == 0 {
		return []Scored{}, nil
	}
	var mu sync.Mutex
	global := make(worstFirst, 0, min(k, X.rows))
	M := e.cfg.Members
	err := e.forChunks(ctx, X.rows, func(from, to int, s *scratch) {
		e.memberOutputs(X, from, to, s)
		buf := s.out
		c := to - from
		local := make(worstFirst, 0, min(k, c))
		for i := 0; i < c; i++ {
			mean, std := meanStd(buf, M, c, i)
			s := score(from+i, mean, std)
			if math.IsNaN(s) {
				continue
			}
			local.offer(Scored{Row: from + i, Score: s, Mean: mean, Std: std}, k)
		}
		mu.Lock()
		for _, s := range local {
			global.offer(s, k)
		}
		mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	out := []Scored(global)
	slices.SortFunc(out, func(a, b Scored) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return out, nil
}
