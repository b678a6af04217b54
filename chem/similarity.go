package chem

import (
	"fmt"
	"math/bits"
)

// Tanimoto returns the Tanimoto (Jaccard) similarity |a∧b| / |a∨b| of two
// bit vectors, as RDKit's DataStructs.TanimotoSimilarity: 1 when both are
// empty. Panics if the lengths differ.
func Tanimoto(a, b BitVec) float64 {
	if a.n != b.n {
		panic(fmt.Sprintf("chem: Tanimoto: lengths differ (%d and %d)", a.n, b.n))
	}
	and, or := 0, 0
	bw := b.words[:len(a.words)]
	for i, x := range a.words {
		y := bw[i]
		and += bits.OnesCount64(x & y)
		or += bits.OnesCount64(x | y)
	}
	if or == 0 {
		return 1
	}
	return float64(and) / float64(or)
}

// TanimotoCounts returns the generalised Tanimoto similarity of two sparse
// count fingerprints, Σmin / Σmax over all ids (RDKit's TanimotoSimilarity
// on SparseIntVect computes the same ratio). Two empty fingerprints have
// similarity 1, as two empty bit vectors do.
func TanimotoCounts(a, b map[uint32]uint32) float64 {
	var minSum, maxSum uint64
	for id, ca := range a {
		cb := b[id]
		minSum += uint64(min(ca, cb))
		maxSum += uint64(max(ca, cb))
	}
	for id, cb := range b {
		if _, ok := a[id]; !ok {
			maxSum += uint64(cb)
		}
	}
	if maxSum == 0 {
		return 1
	}
	return float64(minSum) / float64(maxSum)
}
