package metrics

import (
	"errors"
	"maps"
	"math"
	"slices"
	"testing"
)

// The case of testdata/multiclass_reference.py (scikit-learn 1.2.1's
// formulas re-done in plain Python; its docstring names each call).
var (
	mcY = []int{0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0}
	mcP = [][]float64{
		{0.7, 0.2, 0.1}, {0.1, 0.6, 0.3}, {0.2, 0.2, 0.6}, {0.3, 0.4, 0.3},
		{0.5, 0.4, 0.1}, {0.4, 0.3, 0.3}, {0.9, 0.05, 0.05}, {0.1, 0.1, 0.8},
		{0.2, 0.5, 0.3}, {0.3, 0.3, 0.4}, {0.25, 0.25, 0.5}, {0.1, 0.3, 0.6},
	}
)

func TestMultiClassReference(t *testing.T) {
	t.Parallel()
	must := mustFn(t)
	near(t, "MacroROCAUC", must(MacroROCAUC(mcY, mcP, nil)), 0.8385416666666666)
	// Argmax right on rows 0,1,2,5,6,7,8,10: 8/12.
	near(t, "MultiAccuracy", must(MultiAccuracy(mcY, mcP, nil)), 0.6666666666666666)
	near(t, "MultiLogLoss", must(MultiLogLoss(mcY, mcP, nil)), 0.803019732079739)
	near(t, "TopLabelECE", must(TopLabelECE(mcY, mcP, nil, DefaultECEBins)), 0.12500000000000003)

	got, err := MultiClassSummary(mcY, mcP, nil)
	if err != nil {
		t.Fatal(err)
	}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, []string{"accuracy", "auc", "ece", "log_loss"}) {
		t.Fatalf("keys %v", keys)
	}
	near(t, "summary auc", got["auc"], 0.8385416666666666)
	near(t, "summary ece", got["ece"], 0.12500000000000003)
}

// With two classes the multi-class metrics agree with the binary ones on
// prob = P[:, 1] (macro AUC: both one-vs-rest AUCs equal the binary AUC).
func TestMultiClassMatchesBinary(t *testing.T) {
	t.Parallel()
	must := mustFn(t)
	y := make([]int, len(refLab))
	P := make([][]float64, len(refLab))
	for i, v := range refLab {
		y[i] = int(v)
		P[i] = []float64{1 - refProb[i], refProb[i]}
	}
	near(t, "auc", must(MacroROCAUC(y, P, refW)), must(ROCAUC(refLab, refProb, refW)))
	near(t, "log loss", must(MultiLogLoss(y, P, refW)), must(LogLoss(refLab, refProb, refW)))
	// Binary accuracy predicts 1 when p > 0.5; argmax picks class 0 on the
	// tie p = 0.5: the same rule.
	near(t, "accuracy", must(MultiAccuracy(y, P, refW)), must(Accuracy(refLab, refProb, refW)))
}

func TestMultiClassInputErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		y    []int
		p    [][]float64
		w    []float64
		kind error
	}{
		{"empty", nil, nil, nil, ErrEmpty},
		{"short prob", []int{0, 1}, [][]float64{{0.5, 0.5}}, nil, ErrLength},
		{"ragged", []int{0, 1}, [][]float64{{0.5, 0.5}, {1}}, nil, ErrLength},
		{"one class", []int{0}, [][]float64{{1}}, nil, ErrParam},
		{"label out of range", []int{3}, [][]float64{{0.5, 0.5}}, nil, ErrLabel},
		{"negative label", []int{-1}, [][]float64{{0.5, 0.5}}, nil, ErrLabel},
		{"not summing to 1", []int{0}, [][]float64{{0.5, 0.6}}, nil, ErrProbability},
		{"NaN", []int{0}, [][]float64{{math.NaN(), 0.5}}, nil, ErrNaN},
		{"negative weight", []int{0}, [][]float64{{0.5, 0.5}}, []float64{-1}, ErrWeight},
	}
	for _, c := range cases {
		for name, call := range map[string]func() error{
			"MacroROCAUC":       func() error { _, err := MacroROCAUC(c.y, c.p, c.w); return err },
			"MultiAccuracy":     func() error { _, err := MultiAccuracy(c.y, c.p, c.w); return err },
			"MultiLogLoss":      func() error { _, err := MultiLogLoss(c.y, c.p, c.w); return err },
			"TopLabelECE":       func() error { _, err := TopLabelECE(c.y, c.p, c.w, 10); return err },
			"MultiClassSummary": func() error { _, err := MultiClassSummary(c.y, c.p, c.w); return err },
		} {
			var ie *InputError
			if err := call(); !errors.Is(err, c.kind) || !errors.As(err, &ie) {
				t.Errorf("%s/%s: %v, want %v", c.name, name, err, c.kind)
			}
		}
	}
	// A class absent from the labels: no AUC, the rest is there.
	got, err := MultiClassSummary([]int{0, 1, 0}, [][]float64{{0.6, 0.3, 0.1}, {0.2, 0.7, 0.1}, {0.5, 0.4, 0.1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["auc"]; ok || len(got) != 3 {
		t.Errorf("absent class: %v", got)
	}
}
