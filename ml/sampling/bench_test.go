package sampling

import (
	"math/rand/v2"
	"testing"
)

// Pool sizes and batch size of the selection benchmarks.
const (
	benchPool100k = 100_000
	benchPool1M   = 1_000_000
	benchBatch    = 100
)

func benchPool(n int) ([]Candidate, [][]uint64) {
	rng := rand.New(rand.NewPCG(42, 0))
	cands := make([]Candidate, n)
	fps := make([][]uint64, n)
	for i := range cands {
		p := rng.Float64()
		cands[i] = Candidate{Index: i, Mean: rng.NormFloat64(), Std: rng.Float64(), Prob: p, Distance: rng.Float64()}
		f := make([]uint64, 32)
		for range 40 {
			b := rng.IntN(2048)
			f[b/64] |= 1 << (b % 64)
		}
		fps[i] = f
	}
	return cands, fps
}

func benchmarkSelect(b *testing.B, n int, strategy, mode string) {
	cands, fps := benchPool(n)
	opt := Options{Strategy: strategy, Task: Classification, BatchSize: benchBatch, Exclude: map[int]bool{1: true, 2: true}}
	switch mode {
	case "diverse":
		opt.Diversity = &Diversity{Fingerprints: fps}
	case "cluster":
		opt.Cluster = &Cluster{Fingerprints: fps}
	case "softrank":
		opt.Softrank = &Softrank{}
	case "mix":
		sp, err := ParseSpec(Mix)
		if err != nil {
			b.Fatal(err)
		}
		sp.Apply(&opt, fps)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Select(cands, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelect takes the top 100 of a scored pool (the ensemble's
// predictions are given: this measures the selection alone).
func BenchmarkSelect(b *testing.B) {
	for _, n := range []struct {
		name string
		n    int
	}{{"n=100k", benchPool100k}, {"n=1M", benchPool1M}} {
		b.Run(n.name+"/uncertainty", func(b *testing.B) { benchmarkSelect(b, n.n, Uncertainty, "") })
		b.Run(n.name+"/hybrid", func(b *testing.B) { benchmarkSelect(b, n.n, Hybrid, "") })
		b.Run(n.name+"/uncertainty+diverse", func(b *testing.B) { benchmarkSelect(b, n.n, Uncertainty, "diverse") })
		b.Run(n.name+"/uncertainty+cluster", func(b *testing.B) { benchmarkSelect(b, n.n, Uncertainty, "cluster") })
		b.Run(n.name+"/uncertainty+softrank", func(b *testing.B) { benchmarkSelect(b, n.n, Uncertainty, "softrank") })
		b.Run(n.name+"/mix", func(b *testing.B) { benchmarkSelect(b, n.n, Uncertainty, "mix") })
	}
}
