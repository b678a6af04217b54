package ml

import (
	"context"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
)

// Nearest returns, for every row of X, the index of its most similar
// training fingerprint (the row of the matrix the Domain was built from)
// and that Tanimoto similarity, so 1 - sim[i] is Distances' maxSimDist.
// Ties go to the lowest training row, so results do not depend on the
// number of workers (GOMAXPROCS goroutines over chunks of rows). A query
// sharing no bit with any training row is nearest to training row 0 with
// similarity 0 (or to the first empty training row, similarity 1, when the
// query is empty too).
func (d *Domain) Nearest(ctx context.Context, X *Features) (row []int, sim []float64, err error) {
	if X == nil || X.nBits != d.nBits {
		return nil, nil, &InputError{What: "X", Row: -1, Reason: fmt.Sprintf("fingerprint length differs from the domain's %d bits", d.nBits)}
	}
	if d.rows == 0 {
		return nil, nil, &InputError{What: "domain", Row: -1, Reason: "no training fingerprints"}
	}
	n := X.rows
	row, sim = make([]int, n), make([]float64, n)
	const chunk = 64
	chunks := (n + chunk - 1) / chunk
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), chunks)) {
		wg.Go(func() {
			q := &domainQuery{common: make([]int32, d.rows)}
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks || ctx.Err() != nil {
					return
				}
				for i := c * chunk; i < min(n, (c+1)*chunk); i++ {
					row[i], sim[i] = d.nearestRow(X.BitsRow(i), q)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("ml: nearest training rows: %w", err)
	}
	return row, sim, nil
}

// nearestRow is nearest for k = 1 that also says which training row.
func (d *Domain) nearestRow(qbits []uint64, q *domainQuery) (int, float64) {
	cq := int32(0)
	touched := q.touched[:0]
	for w, word := range qbits {
		for word != 0 {
			cq++
			j := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			for _, r := range d.postRows[d.postStart[j]:d.postStart[j+1]] {
				if q.common[r] == 0 {
					touched = append(touched, r)
				}
				q.common[r]++
			}
		}
	}
	best, bestSim := 0, 0.0
	if cq == 0 && d.empty > 0 {
		for r, c := range d.count {
			if c == 0 {
				best, bestSim = r, 1
				break
			}
		}
	}
	for _, r := range touched {
		common := q.common[r]
		q.common[r] = 0
		s := float64(common) / float64(cq+d.count[r]-common)
		if s > bestSim || (s == bestSim && bestSim > 0 && int(r) < best) {
			best, bestSim = int(r), s
		}
	}
	q.touched = touched
	return best, bestSim
}
