package ml

import (
	"math"
	"math/rand/v2"
)

// synthConfig describes a synthetic, fixed-seed data set shaped like
// chemistry features: fingerprints with ~50 of 2048 bits on, drawn around
// a few hundred "scaffolds" (so rows have near neighbours, as analog
// series do), and 20 descriptors, some of which carry the signal.
type synthConfig struct {
	rows, nBits, nDense int
	clusters            int
	seed                uint64
}

func defaultSynth(rows int, seed uint64) synthConfig {
	return synthConfig{rows: rows, nBits: 2048, nDense: 20, clusters: 300, seed: seed}
}

// synthModel is the hidden truth behind a synthetic data set.
type synthModel struct {
	cfg       synthConfig
	scaffolds [][]int
	bitEffect []float64
	centers   [][]float64
}

func newSynthModel(cfg synthConfig) *synthModel {
	rng := rand.New(rand.NewPCG(cfg.seed, 42))
	m := &synthModel{cfg: cfg, bitEffect: make([]float64, cfg.nBits)}
	for range cfg.clusters {
		base := make([]int, 40)
		for k := range base {
			base[k] = rng.IntN(cfg.nBits)
		}
		m.scaffolds = append(m.scaffolds, base)
		c := make([]float64, cfg.nDense)
		for j := range c {
			c[j] = rng.NormFloat64()
		}
		m.centers = append(m.centers, c)
	}
	for k := 0; k < 150; k++ {
		m.bitEffect[rng.IntN(cfg.nBits)] = rng.NormFloat64() * 0.5
	}
	return m
}

// generate draws rows from the model with its own seed; noise is the sd
// of the label noise.
func (m *synthModel) generate(rows int, seed uint64, noise float64) (*Features, []float64) {
	cfg := m.cfg
	rng := rand.New(rand.NewPCG(seed, 7))
	X := NewFeatures(cfg.nBits, cfg.nDense, rows)
	y := make([]float64, rows)
	bitsRow := make([]uint64, WordsFor(cfg.nBits))
	dense := make([]float32, cfg.nDense)
	for i := range rows {
		clear(bitsRow)
		c := rng.IntN(len(m.scaffolds))
		var t float64
		set := func(j int) {
			if bitsRow[j>>6]>>(uint(j)&63)&1 == 0 {
				bitsRow[j>>6] |= 1 << (uint(j) & 63)
				t += m.bitEffect[j]
			}
		}
		for _, j := range m.scaffolds[c] {
			if rng.Float64() < 0.85 {
				set(j)
			}
		}
		for range 8 + rng.IntN(10) {
			set(rng.IntN(cfg.nBits))
		}
		for j := range dense {
			dense[j] = float32(m.centers[c][j] + 0.5*rng.NormFloat64())
		}
		if cfg.nDense >= 4 {
			t += 1.5*float64(dense[0]) - float64(dense[1]) + 0.5*float64(dense[2])*float64(dense[3]) + math.Sin(2*float64(dense[1]))
		}
		y[i] = t + noise*rng.NormFloat64()
		if err := X.AppendRow(bitsRow, dense); err != nil {
			panic(err)
		}
	}
	return X, y
}

// synth returns a training set of the default shape.
func synth(rows int, seed uint64) (*Features, []float64) {
	return newSynthModel(defaultSynth(rows, 1)).generate(rows, seed, 0.3)
}
