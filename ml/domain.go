package ml

import (
	"context"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
)

// Tanimoto returns the Tanimoto (Jaccard) similarity of two packed bit
// vectors: |a AND b| / |a OR b|, and 0 when both are empty (as RDKit's
// TanimotoSimilarity). Panics if the lengths differ.
func Tanimoto(a, b []uint64) float64 {
	if len(a) != len(b) {
		panic("ml: Tanimoto of bit vectors of different lengths")
	}
	var common, total int
	for k := range a {
		common += bits.OnesCount64(a[k] & b[k])
		total += bits.OnesCount64(a[k]) + bits.OnesCount64(b[k])
	}
	if total == 0 {
		return 0
	}
	return float64(common) / float64(total-common)
}

// Domain is the applicability domain of a model: the fingerprints of its
// training rows. Distances are exact (every training row is compared).
// A Domain is immutable and safe for concurrent use.
type Domain struct {
	words int
	nBits int
	rows  int
	bits  []uint64
	count []int32
}

// NewDomain copies the fingerprints of train.
func NewDomain(train *Features) *Domain {
	d := &Domain{words: train.words, nBits: train.nBits, rows: train.rows,
		bits: append([]uint64(nil), train.bits...), count: make([]int32, train.rows)}
	for i := range d.count {
		c := 0
		for _, w := range d.bits[i*d.words : (i+1)*d.words] {
			c += bits.OnesCount64(w)
		}
		d.count[i] = int32(c)
	}
	return d
}

// Rows returns the number of training fingerprints.
func (d *Domain) Rows() int { return d.rows }

// Distances returns, for every row of X, maxSimDist = 1 - the highest
// Tanimoto similarity to a training fingerprint, and meanKNNDist = the mean
// of 1 - similarity over its k most similar training fingerprints (k is
// capped at the number of training rows). Rows are processed in parallel
// on GOMAXPROCS goroutines; results do not depend on that number.
func (d *Domain) Distances(ctx context.Context, X *Features, k int) (maxSimDist, meanKNNDist []float64, err error) {
	if X == nil || X.nBits != d.nBits {
		return nil, nil, &InputError{What: "X", Row: -1, Reason: fmt.Sprintf("fingerprint length differs from the domain's %d bits", d.nBits)}
	}
	if k < 1 {
		return nil, nil, &InputError{What: "k", Row: -1, Reason: fmt.Sprintf("k = %d, want at least 1", k)}
	}
	if d.rows == 0 {
		return nil, nil, &InputError{What: "domain", Row: -1, Reason: "no training fingerprints"}
	}
	k = min(k, d.rows)
	n := X.rows
	maxSimDist = make([]float64, n)
	meanKNNDist = make([]float64, n)
	const chunk = 64
	chunks := (n + chunk - 1) / chunk
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), chunks)) {
		wg.Go(func() {
			top := make([]float64, 0, k) // k highest similarities, descending
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks || ctx.Err() != nil {
					return
				}
				for i := c * chunk; i < min(n, (c+1)*chunk); i++ {
					top = d.nearest(X.BitsRow(i), k, top[:0])
					var s float64
					for _, v := range top {
						s += 1 - v
					}
					maxSimDist[i] = 1 - top[0]
					meanKNNDist[i] = s / float64(len(top))
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("ml: domain distances: %w", err)
	}
	return maxSimDist, meanKNNDist, nil
}

// nearest returns the k highest similarities of q to the training rows,
// in decreasing order, appended to top.
func (d *Domain) nearest(q []uint64, k int, top []float64) []float64 {
	cq := 0
	for _, w := range q {
		cq += bits.OnesCount64(w)
	}
	words := d.words
	for r := 0; r < d.rows; r++ {
		row := d.bits[r*words : (r+1)*words]
		common := 0
		for j, w := range row {
			common += bits.OnesCount64(w & q[j])
		}
		total := cq + int(d.count[r])
		sim := 0.0
		if total > 0 {
			sim = float64(common) / float64(total-common)
		}
		if len(top) == k && sim <= top[k-1] {
			continue
		}
		// Insert keeping descending order.
		if len(top) < k {
			top = append(top, sim)
		} else {
			top[k-1] = sim
		}
		for p := len(top) - 1; p > 0 && top[p] > top[p-1]; p-- {
			top[p], top[p-1] = top[p-1], top[p]
		}
	}
	return top
}
