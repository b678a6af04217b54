package chem

import (
	"os"
	"path/filepath"
	"testing"
)

// benchDescMols parses the golden molecules (the full set when shared/data
// is present, else the testdata subset).
func benchDescMols(b *testing.B) []*Mol {
	b.Helper()
	path := filepath.Join(descSharedDataDir(), "chem-golden.jsonl")
	if _, err := os.Stat(path); err != nil {
		b.Logf("shared/data absent (%v): benchmarking the testdata subset", err)
		path = filepath.Join("testdata", "desc_golden.jsonl")
	}
	var mols []*Mol
	for _, r := range readDescGolden(b, path) {
		m, err := Parse(r.SMILES)
		if err != nil {
			continue
		}
		mols = append(mols, m)
	}
	return mols
}

// BenchmarkDescribe measures Describe (all descriptors) per pass over the
// golden molecules; mol/s is the throughput on one core.
func BenchmarkDescribe(b *testing.B) {
	mols := benchDescMols(b)
	b.Run("golden", func(b *testing.B) { benchmarkDescribe(b, mols, Describe) })
	b.Run("crippen", func(b *testing.B) {
		benchmarkDescribe(b, mols, func(m *Mol) Descriptors {
			l, r := crippen(newQGraph(m, true))
			return Descriptors{CrippenLogP: l, CrippenMR: r}
		})
	})
}

func benchmarkDescribe(b *testing.B, mols []*Mol, f func(*Mol) Descriptors) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, m := range mols {
			_ = f(m)
		}
		n += len(mols)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "mol/s")
}
