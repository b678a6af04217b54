package metrics

import (
	"errors"
	"maps"
	"slices"
	"testing"
)

// Reference cases of testdata/ece_reference.py (scikit-learn 1.2.1's
// calibration_curve, strategy="uniform", re-done in plain Python; the
// script's docstring quotes the numpy code it follows).
var (
	// Probabilities on the inner edges 0.1 and 0.3 and at 1.0.
	edgeLab  = []float64{1, 0, 0, 1, 1, 1, 0, 1}
	edgeProb = []float64{0.05, 0.1, 0.25, 0.3, 0.7, 1.0, 1.0, 0.95}
	// A small overconfident classifier.
	overLab  = []float64{1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0}
	overProb = []float64{0.98, 0.91, 0.88, 0.77, 0.62, 0.55, 0.45, 0.33, 0.21, 0.12, 0.07, 0.01}
)

// TestECEBinning checks the documented binning rule on a case computed by
// hand, and both cases against the calibration_curve logic.
func TestECEBinning(t *testing.T) {
	t.Parallel()
	must := mustFn(t)
	// By hand, Σ_b |Σy − Σp| / N over the non-empty bins:
	//   bin 0 [0, 0.1]    p 0.05 (y 1), 0.1 (y 0)  |1 − 0.15| = 0.85
	//   bin 2 (0.2, 0.3]  p 0.25 (y 0), 0.3 (y 1)  |1 − 0.55| = 0.45
	//   bin 6 (0.6, 0.7]  p 0.7 (y 1)              |1 − 0.7|  = 0.30
	//   bin 9 (0.9, 1.0]  p 1, 1, 0.95 (y 1, 0, 1) |2 − 2.95| = 0.95
	// ECE = 2.55 / 8. Had 0.1 gone up a bin it would be 2.75/8, had 0.3
	// 3.05/8, had 1.0 a bin of its own 2.65/8: each edge rule is tested.
	near(t, "ECE edges by hand", must(ECE(edgeLab, edgeProb, nil, DefaultECEBins)), 2.55/8)
	near(t, "ECE edges (ece_reference.py)", must(ECE(edgeLab, edgeProb, nil, DefaultECEBins)), 0.31875000000000003)
	// (0.08+0.88+0.79+0.33+0.55+0.55+0.62+0.23+0.88+0.11)/12 by hand.
	near(t, "ECE overconfident (ece_reference.py)", must(ECE(overLab, overProb, nil, DefaultECEBins)), 0.4183333333333333)
	// A perfectly calibrated bin gives 0: half positives at p = 0.5.
	near(t, "ECE calibrated", must(ECE([]float64{0, 1, 0, 1}, []float64{0.5, 0.5, 0.5, 0.5}, nil, DefaultECEBins)), 0)
	// Integer weights equal repeated rows.
	w := []float64{2, 1, 1, 1, 1, 1, 1, 1}
	got := must(ECE(edgeLab, edgeProb, w, DefaultECEBins))
	want := must(ECE(append([]float64{1}, edgeLab...), append([]float64{0.05}, edgeProb...), nil, DefaultECEBins))
	near(t, "ECE weighted = repeated", got, want)
}

func TestClassificationSummary(t *testing.T) {
	t.Parallel()
	must := mustFn(t)
	got, err := ClassificationSummary(overLab, overProb, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"accuracy", "auc", "brier", "ece", "f1", "log_loss", "roc_auc"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	near(t, "auc (pair counting, ece_reference.py)", got["auc"], 0.6666666666666666)
	near(t, "roc_auc alias", got["roc_auc"], got["auc"])
	near(t, "ece (ece_reference.py)", got["ece"], 0.4183333333333333)
	// Hard predictions p > 0.5: 1,1,1,1,1,1,0,0,0,0,0,0 against the labels:
	// right at rows 0,1,3,7,10,11 → 6/12; TP 3, FP 3, FN 3 → F1 6/12.
	near(t, "accuracy", got["accuracy"], 0.5)
	near(t, "f1", got["f1"], 0.5)
	for _, name := range []string{"log_loss", "brier"} {
		fn := map[string]func([]float64, []float64, []float64) (float64, error){"log_loss": LogLoss, "brier": Brier}[name]
		near(t, name, got[name], must(fn(overLab, overProb, nil)))
	}

	// One class only: auc is undefined and left out, the rest is there.
	one, err := ClassificationSummary([]float64{1, 1, 1}, []float64{0.9, 0.6, 0.2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := one["auc"]; ok {
		t.Errorf("auc present with one class: %v", one)
	}
	if _, ok := one["roc_auc"]; ok {
		t.Errorf("roc_auc present with one class: %v", one)
	}
	near(t, "ece one class", one["ece"], (0.1+0.4+0.8)/3)

	// Invalid input is an error, not a partial map.
	for name, call := range map[string]func() (map[string]float64, error){
		"label 2":    func() (map[string]float64, error) { return ClassificationSummary([]float64{2}, []float64{0.5}, nil) },
		"prob 1.5":   func() (map[string]float64, error) { return ClassificationSummary([]float64{1}, []float64{1.5}, nil) },
		"empty":      func() (map[string]float64, error) { return ClassificationSummary(nil, nil, nil) },
		"short prob": func() (map[string]float64, error) { return ClassificationSummary([]float64{1, 0}, []float64{1}, nil) },
		"zero weight": func() (map[string]float64, error) {
			return ClassificationSummary([]float64{1}, []float64{1}, []float64{0})
		},
	} {
		m, err := call()
		var ie *InputError
		if !errors.As(err, &ie) || m != nil {
			t.Errorf("%s: %v, %v", name, m, err)
		}
	}
}

func TestRegressionSummary(t *testing.T) {
	t.Parallel()
	must := mustFn(t)
	got, err := RegressionSummary(refY, refPred, refStd, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"coverage95", "mae", "r2", "rmse", "spearman"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	for _, r := range refValues {
		switch r.name {
		case "RMSE", "MAE", "R2", "Coverage":
			key := map[string]string{"RMSE": "rmse", "MAE": "mae", "R2": "r2", "Coverage": "coverage95"}[r.name]
			near(t, key+" (scikit-learn/numpy reference)", got[key], r.want)
		}
	}
	near(t, "spearman", got["spearman"], must(Spearman(refY, refPred)))
	// Constant targets: spearman undefined and left out; no std: no coverage.
	c, err := RegressionSummary([]float64{1, 1, 1}, []float64{1, 2, 3}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c["spearman"]; ok {
		t.Errorf("spearman of constant targets: %v", c)
	}
	if _, ok := c["coverage95"]; ok {
		t.Errorf("coverage95 without std: %v", c)
	}
	if _, err := RegressionSummary([]float64{1}, []float64{}, nil, nil); !errors.Is(err, ErrLength) {
		t.Errorf("short mean: %v", err)
	}
}

// mustFn returns a helper that fails t on a metric's error.
func mustFn(t *testing.T) func(float64, error) float64 {
	return func(v float64, err error) float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
