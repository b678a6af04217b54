package ml

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
)

func bitsOf(nBits int, on ...int) []uint64 {
	w := make([]uint64, WordsFor(nBits))
	for _, j := range on {
		w[j>>6] |= 1 << (uint(j) & 63)
	}
	return w
}

// Hand-computed cases; the empty-vs-empty convention is RDKit's
// TanimotoSimilarity (two empty vectors are identical: 1.0, checked with
// RDKit 2022.09's DataStructs.TanimotoSimilarity on two ExplicitBitVect(8)).
func TestTanimoto(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a, b []int
		want float64
	}{
		{"identical", []int{1, 2, 3}, []int{1, 2, 3}, 1},
		{"half", []int{1, 2, 3}, []int{2, 3, 4}, 0.5},
		{"disjoint", []int{1}, []int{100}, 0},
		{"subset", []int{0, 64, 127}, []int{64}, 1.0 / 3},
		{"both empty", nil, nil, 1},
		{"one empty", []int{5}, nil, 0},
	}
	for _, c := range cases {
		if got := Tanimoto(bitsOf(128, c.a...), bitsOf(128, c.b...)); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDomainDistances(t *testing.T) {
	t.Parallel()
	train, _ := synth(300, 3)
	pool, _ := synth(200, 4)
	d := NewDomain(train)
	maxD, knn, err := d.Distances(context.Background(), pool, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < pool.Rows(); i++ {
		sims := make([]float64, train.Rows())
		for r := range sims {
			sims[r] = Tanimoto(pool.BitsRow(i), train.BitsRow(r))
		}
		slices.Sort(sims)
		slices.Reverse(sims)
		var s float64
		for _, v := range sims[:5] {
			s += 1 - v
		}
		if maxD[i] != 1-sims[0] || math.Abs(knn[i]-s/5) > 1e-12 {
			t.Fatalf("row %d: got %v %v, want %v %v", i, maxD[i], knn[i], 1-sims[0], s/5)
		}
	}
	// An empty fingerprint shares nothing with a non-empty one: distance 1.
	empty := NewFeatures(2048, 20, 1)
	empty.Grow(1)
	if e, k, _ := d.Distances(context.Background(), empty, 3); e[0] != 1 || k[0] != 1 {
		t.Errorf("empty query: %v %v", e, k)
	}
	// ... and is identical to an empty training row (Tanimoto 1): distance
	// 0 to it, the others as far as ever.
	withEmpty := NewFeatures(2048, 20, 3)
	withEmpty.Grow(3)
	withEmpty.SetRow(1, train.BitsRow(0), make([]float32, 20))
	withEmpty.SetRow(2, train.BitsRow(1), make([]float32, 20))
	if e, k, _ := NewDomain(withEmpty).Distances(context.Background(), empty, 2); e[0] != 0 || k[0] != 0.5 {
		t.Errorf("empty query, one empty training row: max-sim distance %v, 2-NN %v; want 0 and 0.5", e, k)
	}
	// A training row is at distance 0 from the domain.
	self, _, _ := d.Distances(context.Background(), train.Slice(0, 10), 1)
	for i, v := range self {
		if v != 0 {
			t.Errorf("training row %d at distance %v", i, v)
		}
	}
	// k beyond the training set is capped.
	_, all, err := d.Distances(context.Background(), pool.Slice(0, 1), 10_000)
	if err != nil || all[0] <= 0 || all[0] > 1 {
		t.Errorf("k capped: %v %v", all, err)
	}
	var ie *InputError
	if _, _, err := d.Distances(context.Background(), NewFeatures(1024, 0, 0), 1); !errors.As(err, &ie) {
		t.Errorf("shape: %v", err)
	}
	if _, _, err := d.Distances(context.Background(), pool, 0); !errors.As(err, &ie) {
		t.Errorf("k=0: %v", err)
	}
	if _, _, err := NewDomain(NewFeatures(2048, 0, 0)).Distances(context.Background(), pool, 1); !errors.As(err, &ie) {
		t.Errorf("empty domain: %v", err)
	}
}
