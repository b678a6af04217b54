package chem

import "testing"

// BenchmarkCanonicalSMILES measures canonical SMILES of parsed molecules
// over the golden set.
func BenchmarkCanonicalSMILES(b *testing.B) {
	mols := goldenMols(b)
	b.Run("n=3120", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range mols {
				_ = CanonicalSMILES(m)
			}
		}
		b.ReportMetric(float64(len(mols)*b.N)/b.Elapsed().Seconds(), "mols/s")
	})
}
