package chem

import (
	"testing"
)

// Fingerprint settings of the benchmarks: ECFP4-like, as RDKit's
// GetMorganFingerprintAsBitVect(mol, 2, nBits=2048).
const (
	benchRadius = 2
	benchBits   = 2048
)

// goldenSmiles returns the input SMILES of the golden records.
func goldenSmiles(b *testing.B) []string {
	g := loadGolden(b)
	out := make([]string, 0, len(g.Records))
	for _, r := range g.Records {
		out = append(out, r.Smiles)
	}
	return out
}

// goldenMols parses the golden SMILES.
func goldenMols(b *testing.B) []*Mol {
	var out []*Mol
	for _, s := range goldenSmiles(b) {
		if m, err := Parse(s); err == nil {
			out = append(out, m)
		}
	}
	return out
}

// BenchmarkParseMorgan measures Parse + Morgan(2, 2048) bits per molecule
// over the golden set (RDKit 2022.09 Chem.MolFromSmiles +
// GetMorganFingerprintAsBitVect does about 5,500 molecules/s on one core of
// this machine).
func BenchmarkParseMorgan(b *testing.B) {
	smiles := goldenSmiles(b)
	b.Run("n=3120/api=MorganBits", func(b *testing.B) {
		b.ReportAllocs()
		mols := 0
		for b.Loop() {
			for _, s := range smiles {
				m, err := Parse(s)
				if err != nil {
					continue
				}
				_ = MorganBits(m, benchRadius, benchBits)
				mols++
			}
		}
		b.ReportMetric(float64(mols)/b.Elapsed().Seconds(), "mols/s")
	})
	b.Run("n=3120/api=Generator", func(b *testing.B) {
		b.ReportAllocs()
		var g MorganGenerator
		v := NewBitVec(benchBits)
		mols := 0
		for b.Loop() {
			for _, s := range smiles {
				m, err := Parse(s)
				if err != nil {
					continue
				}
				clear(v.words)
				g.FoldInto(v, m, benchRadius)
				mols++
			}
		}
		b.ReportMetric(float64(mols)/b.Elapsed().Seconds(), "mols/s")
	})
}

// BenchmarkMorgan measures the fingerprint alone on parsed molecules.
func BenchmarkMorgan(b *testing.B) {
	mols := goldenMols(b)
	b.Run("n=3120/bits", func(b *testing.B) {
		b.ReportAllocs()
		var g MorganGenerator
		v := NewBitVec(benchBits)
		for b.Loop() {
			for _, m := range mols {
				clear(v.words)
				g.FoldInto(v, m, benchRadius)
			}
		}
		b.ReportMetric(float64(len(mols)*b.N)/b.Elapsed().Seconds(), "mols/s")
	})
	b.Run("n=3120/counts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range mols {
				_ = MorganCounts(m, benchRadius)
			}
		}
		b.ReportMetric(float64(len(mols)*b.N)/b.Elapsed().Seconds(), "mols/s")
	})
}
