package ml

import (
	"errors"
	"math"
	"testing"
)

func TestFeaturesAppendAndAccess(t *testing.T) {
	t.Parallel()
	X := NewFeatures(130, 2, 0)
	if X.Words() != 3 {
		t.Fatalf("Words = %d, want 3", X.Words())
	}
	if err := X.AppendRowOnBits([]int{0, 64, 129}, []float32{1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := X.AppendRow([]uint64{1 << 5, 0, 1}, []float32{3, 4}); err != nil {
		t.Fatal(err)
	}
	if X.Rows() != 2 {
		t.Fatalf("Rows = %d", X.Rows())
	}
	for _, c := range []struct {
		i, j int
		want bool
	}{{0, 0, true}, {0, 1, false}, {0, 64, true}, {0, 129, true}, {1, 5, true}, {1, 128, true}, {1, 129, false}} {
		if got := X.Bit(c.i, c.j); got != c.want {
			t.Errorf("Bit(%d,%d) = %v, want %v", c.i, c.j, got, c.want)
		}
	}
	if X.OnBits(0) != 3 || X.OnBits(1) != 2 {
		t.Errorf("OnBits = %d, %d", X.OnBits(0), X.OnBits(1))
	}
	if d := X.Dense(1); d[0] != 3 || d[1] != 4 {
		t.Errorf("Dense(1) = %v", d)
	}
	s := X.Subset([]int{1, 1, 0})
	if s.Rows() != 3 || !s.Bit(0, 5) || !s.Bit(2, 64) || s.Dense(2)[1] != 2 {
		t.Errorf("Subset wrong: rows %d", s.Rows())
	}
	v := X.Slice(1, 2)
	if v.Rows() != 1 || !v.Bit(0, 5) {
		t.Errorf("Slice wrong")
	}
	v.Dense(0)[0] = 9
	if X.Dense(1)[0] != 9 {
		t.Errorf("Slice is not a view")
	}
}

func TestFeaturesAppendErrors(t *testing.T) {
	t.Parallel()
	X := NewFeatures(100, 1, 0)
	cases := []struct {
		name string
		err  error
	}{
		{"short bits", X.AppendRow([]uint64{0}, []float32{0})},
		{"long dense", X.AppendRow([]uint64{0, 0}, []float32{0, 1})},
		{"bit beyond NBits", X.AppendRow([]uint64{0, 1 << 40}, []float32{0})},
		{"bit index out of range", X.AppendRowOnBits([]int{100}, []float32{0})},
		{"negative bit index", X.AppendRowOnBits([]int{-1}, []float32{0})},
		{"dense length", X.AppendRowOnBits([]int{1}, nil)},
	}
	for _, c := range cases {
		var ie *InputError
		if !errors.As(c.err, &ie) {
			t.Errorf("%s: error %v, want *InputError", c.name, c.err)
		}
	}
	if X.Rows() != 0 {
		t.Errorf("rejected rows were appended: %d", X.Rows())
	}
}

func TestStandardizer(t *testing.T) {
	t.Parallel()
	X := NewFeatures(0, 2, 3)
	for _, d := range [][]float32{{1, 5}, {2, 5}, {3, 5}} {
		if err := X.AppendRow(nil, d); err != nil {
			t.Fatal(err)
		}
	}
	s := FitStandardizer(X, nil, nil)
	// Hand-computed: mean 2, population sd sqrt(2/3); constant column: scale 1.
	if s.Mean[0] != 2 || math.Abs(s.Scale[0]-math.Sqrt(2.0/3)) > 1e-12 || s.Mean[1] != 5 || s.Scale[1] != 1 {
		t.Errorf("got mean %v scale %v", s.Mean, s.Scale)
	}
	// Weighted (row 2 excluded by weight 0, row 0 counted twice): mean 4/3.
	sw := FitStandardizer(X, nil, []float64{2, 1, 0})
	if math.Abs(sw.Mean[0]-4.0/3) > 1e-12 {
		t.Errorf("weighted mean %v", sw.Mean[0])
	}
	// Fitted on rows {0,1} only.
	sr := FitStandardizer(X, []int{0, 1}, nil)
	if sr.Mean[0] != 1.5 || sr.Scale[0] != 0.5 {
		t.Errorf("row subset: mean %v scale %v", sr.Mean, sr.Scale)
	}
	T := s.Transform(X)
	if math.Abs(float64(T.Dense(0)[0])+math.Sqrt(1.5)) > 1e-6 || T.Dense(0)[1] != 0 {
		t.Errorf("Transform row 0 = %v", T.Dense(0))
	}
	out := make([]float64, 2)
	s.Apply(X.Dense(2), out)
	if math.Abs(out[0]-math.Sqrt(1.5)) > 1e-12 {
		t.Errorf("Apply = %v", out)
	}
}

func TestFeaturesGrowAndSetRow(t *testing.T) {
	t.Parallel()
	X := NewFeatures(70, 1, 0)
	X.Grow(3)
	if X.Rows() != 3 || X.OnBits(2) != 0 || X.Dense(2)[0] != 0 {
		t.Fatalf("Grow: rows %d", X.Rows())
	}
	X.SetRow(1, []uint64{1 << 3, 1 << 5}, []float32{7})
	if !X.Bit(1, 3) || !X.Bit(1, 69) || X.Bit(0, 3) || X.Dense(1)[0] != 7 {
		t.Errorf("SetRow did not write row 1 only")
	}
}
