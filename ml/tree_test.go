package ml

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBinEdges(t *testing.T) {
	t.Parallel()
	X := NewFeatures(0, 2, 0)
	for i := range 1000 {
		X.AppendRow(nil, []float32{float32(i % 4), float32(i)})
	}
	rows := make([]int32, X.Rows())
	for i := range rows {
		rows[i] = int32(i)
	}
	edges := binEdges(X, rows, 64)
	// Four distinct values: the three midpoints.
	if !slices.Equal(edges[0], []float32{0.5, 1.5, 2.5}) {
		t.Errorf("edges of 4 values = %v", edges[0])
	}
	// 1000 distinct values in 64 quantile bins: 63 increasing edges.
	if len(edges[1]) != 63 || !slices.IsSorted(edges[1]) {
		t.Errorf("quantile edges: %d, sorted %v", len(edges[1]), slices.IsSorted(edges[1]))
	}
	for _, c := range []struct {
		x    float32
		want uint8
	}{{-1, 0}, {0, 0}, {0.5, 0}, {0.6, 1}, {2.5, 2}, {3, 3}, {float32(math.NaN()), 3}} {
		if got := binOf(edges[0], c.x); got != c.want {
			t.Errorf("binOf(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}

func TestMidpoint(t *testing.T) {
	t.Parallel()
	a := float32(1)
	b := math.Nextafter32(a, 2)
	if m := midpoint(a, b); m != a {
		t.Errorf("midpoint of adjacent floats = %v, want %v", m, a)
	}
	if m := midpoint(1, 3); m != 2 {
		t.Errorf("midpoint(1,3) = %v", m)
	}
}

// The fast extended-row walk must agree exactly with walking the nodes'
// thresholds, NaN descriptors included.
func TestFastTreeMatchesThresholdWalk(t *testing.T) {
	t.Parallel()
	m := newSynthModel(defaultSynth(0, 1))
	X, y := m.generate(800, 3, 0.3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 4, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	P, _ := m.generate(300, 4, 0.3)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < P.Rows(); i += 7 {
		P.Dense(i)[rng.IntN(P.NDense())] = float32(math.NaN())
	}
	p, err := e.PredictMembers(context.Background(), P)
	if err != nil {
		t.Fatal(err)
	}
	for mi := range e.trees {
		for i := 0; i < P.Rows(); i++ {
			want := e.trees[mi].predictRow(P.BitsRow(i), P.Dense(i), &e.layout)
			if got := p.Members[mi][i]; got != want {
				t.Fatalf("member %d row %d: fast %v, threshold walk %v", mi, i, got, want)
			}
		}
	}
}

func TestSetRange(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ from, to int }{{0, 0}, {0, 64}, {3, 70}, {60, 200}, {64, 128}, {5, 6}} {
		w := make([]uint64, 4)
		setRange(w, c.from, c.to)
		for b := 0; b < 256; b++ {
			got := w[b>>6]>>(uint(b)&63)&1 == 1
			if got != (b >= c.from && b < c.to) {
				t.Fatalf("setRange(%d,%d): bit %d = %v", c.from, c.to, b, got)
			}
		}
	}
}

// A single tree grown to full depth without bootstrap noise reproduces
// its distinct training rows exactly (min leaf 1, as scikit-learn).
func TestTreeFitsTrainingRowsAtFullDepth(t *testing.T) {
	t.Parallel()
	X, y := synth(300, 5)
	pos := make([]int32, X.Rows())
	for i := range pos {
		pos[i] = int32(i)
	}
	cfg, _ := EnsembleConfig{}.withDefaults()
	d := newTrainData(X, y, pos, cfg.Tree.MaxBins)
	b := newTreeBuilder(d, cfg.Tree)
	for i := range b.sw {
		b.sw[i] = 1
	}
	tr := b.build(rand.New(rand.NewPCG(1, 2)))
	for i := 0; i < X.Rows(); i++ {
		if got := tr.predictRow(X.BitsRow(i), X.Dense(i), &d.layout); math.Abs(got-y[i]) > 1e-9 {
			t.Fatalf("row %d: predicted %v, label %v", i, got, y[i])
		}
	}
	// MaxDepth bounds the depth.
	cfg.Tree.MaxDepth = 3
	b = newTreeBuilder(d, cfg.Tree)
	for i := range b.sw {
		b.sw[i] = 1
	}
	if tr := b.build(rand.New(rand.NewPCG(1, 2))); tr.depth() > 3 {
		t.Errorf("depth %d with MaxDepth 3", tr.depth())
	}
	// MinSamplesLeaf 20: every leaf holds at least 20 rows.
	cfg.Tree.MaxDepth, cfg.Tree.MinSamplesLeaf = 0, 20
	b = newTreeBuilder(d, cfg.Tree)
	for i := range b.sw {
		b.sw[i] = 1
	}
	tr = b.build(rand.New(rand.NewPCG(1, 2)))
	counts := map[float64]int{}
	leaves := 0
	for _, n := range tr.nodes {
		if n.left == 0 {
			leaves++
		}
	}
	for i := 0; i < X.Rows(); i++ {
		counts[tr.predictRow(X.BitsRow(i), X.Dense(i), &d.layout)]++
	}
	for v, c := range counts {
		if c < 20 {
			t.Errorf("leaf value %v holds %d rows, want >= 20", v, c)
		}
	}
	if leaves > X.Rows()/20 {
		t.Errorf("%d leaves for %d rows with MinSamplesLeaf 20", leaves, X.Rows())
	}
}

// Fingerprints whose length is not a multiple of 64 leave a gap between
// the last bit and the first thermometer bit; no split may point into it.
func TestEdgeLayoutGap(t *testing.T) {
	t.Parallel()
	l := newEdgeLayout(100, [][]float32{{1, 2}, {}, {5}})
	for _, c := range []struct {
		f    int32
		want bool
	}{{0, true}, {99, true}, {100, false}, {127, false}, {128, true}, {129, true}, {130, true}, {131, false}, {-1, false}} {
		if got := l.valid(c.f); got != c.want {
			t.Errorf("valid(%d) = %v, want %v", c.f, got, c.want)
		}
	}
	if j, k, ok := l.dense(130); !ok || j != 2 || k != 0 {
		t.Errorf("dense(130) = %d %d %v", j, k, ok)
	}
}

// Every pool size exercises the walk's refill and drain paths.
func TestFastWalkAllSizes(t *testing.T) {
	t.Parallel()
	m := newSynthModel(defaultSynth(0, 1))
	X, y := m.generate(300, 3, 0.3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	P, _ := m.generate(40, 4, 0.3)
	for n := 0; n <= P.Rows(); n++ {
		p, err := e.PredictMembers(context.Background(), P.Slice(0, n))
		if err != nil {
			t.Fatal(err)
		}
		for mi := range e.trees {
			for i := 0; i < n; i++ {
				if want := e.trees[mi].predictRow(P.BitsRow(i), P.Dense(i), &e.layout); p.Members[mi][i] != want {
					t.Fatalf("n=%d member %d row %d: %v, want %v", n, mi, i, p.Members[mi][i], want)
				}
			}
		}
	}
}
