package sampling

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestEntropyAndMarginK(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name            string
		p               []float64
		entropy, margin float64
	}{
		{"uniform 3", []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, math.Log(3), 0},
		{"certain", []float64{0, 1, 0}, -(1-2*EntropyClip)*math.Log(1-EntropyClip) - 2*EntropyClip*math.Log(EntropyClip), 1},
		// −(0.5 ln 0.5 + 2 · 0.25 ln 0.25) = 1.5 ln 2; gap 0.5 − 0.25.
		{"half quarter quarter", []float64{0.25, 0.5, 0.25}, 1.5 * math.Log(2), 0.25},
		{"two leaders tie", []float64{0.1, 0.45, 0.45}, -(0.1*math.Log(0.1) + 0.9*math.Log(0.45)), 0},
	}
	for _, c := range cases {
		if got := EntropyK(c.p); math.Abs(got-c.entropy) > 1e-12 {
			t.Errorf("%s: EntropyK %v, want %v", c.name, got, c.entropy)
		}
		if got := MarginK(c.p); math.Abs(got-c.margin) > 1e-12 {
			t.Errorf("%s: MarginK %v, want %v", c.name, got, c.margin)
		}
	}
}

// Multi-class candidates with K = 2 and Probs = {1 − p, p} score as the
// binary candidates with Prob = p, for margin, entropy and hybrid.
func TestMultiClassMatchesBinary(t *testing.T) {
	t.Parallel()
	var bin, multi []Candidate
	for i, p := range []float64{0, 0.05, 0.3, 0.5, 0.51, 0.8, 1} {
		c := Candidate{Index: i, Prob: p, Std: 0.1 * float64(i%3), Distance: 0.1 * float64(i)}
		bin = append(bin, c)
		c.Probs = []float64{1 - p, p}
		multi = append(multi, c)
	}
	for _, s := range []string{Margin, Entropy, Hybrid} {
		opt := Options{Strategy: s, Task: Classification, BatchSize: 3}
		sb, err := Scores(bin, opt)
		if err != nil {
			t.Fatal(err)
		}
		sm, err := Scores(multi, opt)
		if err != nil {
			t.Fatal(err)
		}
		for i := range sb {
			if math.Abs(sb[i]-sm[i]) > 1e-12 {
				t.Errorf("%s: candidate %d scores %v binary, %v multi-class", s, i, sb[i], sm[i])
			}
		}
	}
}

// Margin and entropy rank three-class candidates by the two leading
// classes' gap and by the entropy over all three.
func TestMultiClassSelect(t *testing.T) {
	t.Parallel()
	pool := []Candidate{
		{Index: 0, Probs: []float64{0.9, 0.05, 0.05}},  // confident
		{Index: 1, Probs: []float64{0.4, 0.4, 0.2}},    // two-way tie: smallest margin
		{Index: 2, Probs: []float64{0.34, 0.33, 0.33}}, // near uniform: highest entropy
		{Index: 3, Probs: []float64{0.6, 0.2, 0.2}},
	}
	got, err := Select(pool, Options{Strategy: Margin, Task: Classification, BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if order := indexes(got); !slices.Equal(order, []int{1, 2, 3, 0}) {
		t.Errorf("margin order %v, want [1 2 3 0]", order)
	}
	got, err = Select(pool, Options{Strategy: Entropy, Task: Classification, BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if order := indexes(got); !slices.Equal(order, []int{2, 1, 3, 0}) {
		t.Errorf("entropy order %v, want [2 1 3 0]", order)
	}
	for name, probs := range map[string][]float64{
		"one class": {1},
		"above 1":   {1.2, -0.2},
		"sum 0.9":   {0.5, 0.4},
		"NaN":       {math.NaN(), 1},
	} {
		_, err := Select([]Candidate{{Index: 0, Probs: probs}}, Options{Strategy: Margin, Task: Classification, BatchSize: 1})
		var ce *CandidateError
		if !errors.As(err, &ce) || ce.Field != "Probs" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
