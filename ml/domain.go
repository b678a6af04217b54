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
// vectors: |a AND b| / |a OR b|, and 1 when both are empty (two empty
// fingerprints are identical), as RDKit's DataStructs.TanimotoSimilarity
// (checked with RDKit 2022.09) and chem.Tanimoto. It is the one similarity
// of packed fingerprints in the product: applicability domains, diversity
// and clustering in ml/sampling, and similar-compound search use it.
// Panics if the lengths differ.
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
		return 1
	}
	return float64(common) / float64(total-common)
}

// Domain is the applicability domain of a model: the fingerprints of its
// training rows, indexed by bit (for each bit, the training rows that have
// it), so a query touches only the rows sharing at least one of its bits.
// Distances are exact. A Domain is immutable and safe for concurrent use.
type Domain struct {
	nBits     int
	rows      int
	count     []int32 // on bits per training row
	postStart []int32 // rows having bit j: postRows[postStart[j]:postStart[j+1]]
	postRows  []int32
	empty     int // training rows with no bit set
}

// NewDomain indexes the fingerprints of train.
func NewDomain(train *Features) *Domain {
	d := &Domain{nBits: train.nBits, rows: train.rows, count: make([]int32, train.rows),
		postStart: make([]int32, train.nBits+1)}
	for i := 0; i < train.rows; i++ {
		for k, w := range train.BitsRow(i) {
			d.count[i] += int32(bits.OnesCount64(w))
			for w != 0 {
				d.postStart[k*64+bits.TrailingZeros64(w)+1]++
				w &= w - 1
			}
		}
	}
	for j := 0; j < train.nBits; j++ {
		d.postStart[j+1] += d.postStart[j]
	}
	for _, c := range d.count {
		if c == 0 {
			d.empty++
		}
	}
	d.postRows = make([]int32, d.postStart[train.nBits])
	fill := append([]int32(nil), d.postStart[:train.nBits]...)
	for i := 0; i < train.rows; i++ {
		for k, w := range train.BitsRow(i) {
			for w != 0 {
				j := k*64 + bits.TrailingZeros64(w)
				d.postRows[fill[j]] = int32(i)
				fill[j]++
				w &= w - 1
			}
		}
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
			q := &domainQuery{common: make([]int32, d.rows), top: make([]float64, 0, k)}
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks || ctx.Err() != nil {
					return
				}
				for i := c * chunk; i < min(n, (c+1)*chunk); i++ {
					top := d.nearest(X.BitsRow(i), k, q)
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

// domainQuery is one worker's scratch space.
type domainQuery struct {
	common  []int32 // bits in common with the query, per training row
	touched []int32 // training rows with common > 0
	top     []float64
}

// nearest returns the k highest similarities of q to the training rows,
// in decreasing order. Rows sharing no bit have similarity 0, except that
// an empty query is identical to an empty training row (similarity 1, as
// Tanimoto).
func (d *Domain) nearest(qbits []uint64, k int, q *domainQuery) []float64 {
	cq := int32(0)
	touched := q.touched[:0]
	for w, word := range qbits {
		cq += int32(bits.OnesCount64(word))
		for word != 0 {
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
	top := q.top[:0]
	if cq == 0 {
		for range min(k, d.empty) {
			top = append(top, 1)
		}
	}
	for _, r := range touched {
		common := q.common[r]
		q.common[r] = 0
		sim := float64(common) / float64(cq+d.count[r]-common)
		if len(top) == k && sim <= top[k-1] {
			continue
		}
		if len(top) < k {
			top = append(top, sim)
		} else {
			top[k-1] = sim
		}
		for p := len(top) - 1; p > 0 && top[p] > top[p-1]; p-- {
			top[p], top[p-1] = top[p-1], top[p]
		}
	}
	for len(top) < k {
		top = append(top, 0)
	}
	q.touched, q.top = touched, top
	return top
}
