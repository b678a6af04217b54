package chem

import (
	"strconv"
	"testing"
)

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

// BenchmarkCanonicalSMILESStereo measures canonical SMILES of the stereo
// families of testdata/stereo-pairs.jsonl, where most marks sit on centres
// that only other stereo elements make stereogenic (pseudo-asymmetric and
// ring-stereo centres), the costly path of stereo perception.
func BenchmarkCanonicalSMILESStereo(b *testing.B) {
	recs := loadStereoPairs(b)
	mols := make([]*Mol, len(recs))
	for i, r := range recs {
		mols[i] = mustParse(b, r.Smiles)
	}
	b.Run("n="+strconv.Itoa(len(mols)), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range mols {
				_ = CanonicalSMILES(m)
			}
		}
		b.ReportMetric(float64(len(mols)*b.N)/b.Elapsed().Seconds(), "mols/s")
	})
}
