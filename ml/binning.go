package ml

import (
	"slices"
)

// binEdges computes, per descriptor, increasing float32 split edges from the
// values of the given rows: all midpoints between distinct values when there
// are at most maxBins of them, else midpoints at equally spaced quantiles.
// A value x falls in bin k = the first k with x <= edges[k] (len(edges)
// when none), so "bin <= k" is exactly "x <= edges[k]".
func binEdges(X *Features, rows []int32, maxBins int) [][]float32 {
	edges := make([][]float32, X.nDense)
	vals := make([]float32, len(rows))
	for j := range edges {
		for k, r := range rows {
			vals[k] = X.dense[int(r)*X.nDense+j]
		}
		slices.Sort(vals)
		uniq := slices.Compact(slices.Clone(vals))
		var e []float32
		if len(uniq) <= maxBins {
			for k := 0; k+1 < len(uniq); k++ {
				e = append(e, midpoint(uniq[k], uniq[k+1]))
			}
		} else {
			// Quantile edges over all values (duplicates weigh as rows do).
			for q := 1; q < maxBins; q++ {
				pos := q * len(vals) / maxBins
				lo, hi := vals[pos-1], vals[pos]
				if lo == hi {
					// Put the edge just after the run of equal values when
					// possible, so the bin boundary falls between values.
					i, _ := slices.BinarySearch(uniq, hi)
					if i+1 >= len(uniq) {
						continue
					}
					lo, hi = uniq[i], uniq[i+1]
				}
				m := midpoint(lo, hi)
				if len(e) == 0 || m > e[len(e)-1] {
					e = append(e, m)
				}
			}
		}
		edges[j] = e
	}
	return edges
}

// midpoint returns a float32 m with a <= m < b (a < b), as close to the
// middle as float32 allows.
func midpoint(a, b float32) float32 {
	m := float32((float64(a) + float64(b)) / 2)
	if !(m < b) || m < a {
		m = a
	}
	return m
}

// binOf returns the bin of x for the given edges: the first k with
// x <= edges[k], or len(edges) when there is none (NaN included).
func binOf(edges []float32, x float32) uint8 {
	lo, hi := 0, len(edges)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if x <= edges[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return uint8(lo)
}

// binMatrix returns the bins of every row of X, column-major:
// out[j*rows+i] is the bin of descriptor j of row i.
func binMatrix(X *Features, edges [][]float32) []uint8 {
	out := make([]uint8, X.rows*X.nDense)
	for j, e := range edges {
		col := out[j*X.rows : (j+1)*X.rows]
		for i := range col {
			col[i] = binOf(e, X.dense[i*X.nDense+j])
		}
	}
	return out
}
