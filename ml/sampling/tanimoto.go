package sampling

import "math/bits"

// Tanimoto is the Tanimoto (Jaccard) similarity |a ∧ b| / |a ∨ b| of two
// packed bit vectors, by popcount; 0 when both are empty. Vectors of
// different lengths are compared as if the shorter were zero-padded.
func Tanimoto(a, b []uint64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var and, or int
	for i, x := range a {
		y := b[i]
		and += bits.OnesCount64(x & y)
		or += bits.OnesCount64(x | y)
	}
	for _, y := range b[len(a):] {
		or += bits.OnesCount64(y)
	}
	if or == 0 {
		return 0
	}
	return float64(and) / float64(or)
}
