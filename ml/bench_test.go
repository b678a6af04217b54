package ml

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// Benchmark sizes (rows of synthetic data: 2048-bit fingerprints with
// ~40-60 bits on and 20 descriptors, fixed seeds).
const (
	benchTrainSmall  = 1_000
	benchTrainMedium = 5_000
	benchTrainLarge  = 20_000
	benchPoolSmall   = 100_000
	benchPoolLarge   = 1_000_000
	benchMembers     = 32
	benchTopK        = 100
	benchDomainPool  = 100_000
	benchDomainK     = 5
)

// BenchmarkTrainEnsemble trains the product's default (forest+linear) and
// a pure forest.
func BenchmarkTrainEnsemble(b *testing.B) {
	for _, learner := range []LearnerKind{DefaultLearner, Forest} {
		for _, n := range []int{benchTrainSmall, benchTrainMedium, benchTrainLarge} {
			b.Run(fmt.Sprintf("learner=%v/n=%d", learner, n), func(b *testing.B) { benchmarkTrain(b, learner, n) })
		}
	}
}

func benchmarkTrain(b *testing.B, learner LearnerKind, n int) {
	X, y := synth(n, 3)
	cfg := EnsembleConfig{Members: benchMembers, Seed: 1, Learner: learner}
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		if _, err := TrainEnsemble(context.Background(), X, y, nil, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	benchPoolOnce sync.Once
	benchPool     *Features
	benchModels   map[LearnerKind]*Ensemble
)

// benchSetup builds the large pool once (generation takes seconds) and
// 32-member models (the default forest+linear and a forest) trained on
// 5,000 rows of the same distribution.
func benchSetup(b *testing.B) (*Features, map[LearnerKind]*Ensemble) {
	benchPoolOnce.Do(func() {
		m := newSynthModel(defaultSynth(0, 1))
		X, y := m.generate(benchTrainMedium, 3, 0.3)
		benchModels = map[LearnerKind]*Ensemble{}
		for _, k := range []LearnerKind{DefaultLearner, Forest} {
			e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: benchMembers, Seed: 1, Learner: k})
			if err != nil {
				panic(err)
			}
			benchModels[k] = e
		}
		benchPool, _ = m.generate(benchPoolLarge, 1234, 0.3)
	})
	return benchPool, benchModels
}

func BenchmarkScoreTopK(b *testing.B) {
	for _, learner := range []LearnerKind{DefaultLearner, Forest} {
		for _, n := range []int{benchPoolSmall, benchPoolLarge} {
			b.Run(fmt.Sprintf("learner=%v/n=%d", learner, n), func(b *testing.B) { benchmarkScoreTopK(b, learner, n) })
		}
	}
}

func benchmarkScoreTopK(b *testing.B, learner LearnerKind, n int) {
	pool, models := benchSetup(b)
	e := models[learner]
	X := pool.Slice(0, n)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		top, err := e.ScoreTopK(context.Background(), X, benchTopK, ByStd)
		if err != nil || len(top) != benchTopK {
			b.Fatal(err, len(top))
		}
	}
	reportCPU(b, start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	// Memory the process holds: the pool's features plus the model plus
	// whatever scoring allocated (see README for the process RSS).
	b.ReportMetric(float64(after.HeapSys)/(1<<20), "heapsys-MiB")
	b.ReportMetric(float64(len(X.bits)*8+len(X.dense)*4)/(1<<20), "features-MiB")
}

// BenchmarkDomainDistances: exact max-Tanimoto and 5-NN distances of a
// pool to a 5,000-row training set.
func BenchmarkDomainDistances(b *testing.B) {
	pool, _ := benchSetup(b)
	train, _ := synth(benchTrainMedium, 3)
	d := NewDomain(train)
	X := pool.Slice(0, benchDomainPool)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, _, err := d.Distances(context.Background(), X, benchDomainK); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}
