package metrics

import (
	"errors"
	"math"
	"testing"
)

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
		t.Errorf("%s = %.17g, want %.17g", name, got, want)
	}
}

// TestHandComputed checks small cases worked out by hand (the arithmetic in
// each comment).
func TestHandComputed(t *testing.T) {
	t.Parallel()
	must := func(v float64, err error) float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	y, p := []float64{1, 2, 3}, []float64{1, 2, 5}
	near(t, "RMSE", must(RMSE(y, p, nil)), math.Sqrt(4.0/3))                   // sqrt((0+0+4)/3)
	near(t, "MAE", must(MAE(y, p, nil)), 2.0/3)                                // (0+0+2)/3
	near(t, "R2", must(R2(y, p, nil)), -1)                                     // 1 - 4/2
	near(t, "RMSE weighted", must(RMSE(y, p, []float64{1, 1, 2})), math.Sqrt2) // sqrt(2*4/(1+1+2))
	near(t, "MAE zero weight", must(MAE(y, p, []float64{1, 1, 0})), 0)
	near(t, "R2 constant perfect", must(R2([]float64{2, 2}, []float64{2, 2}, nil)), 1)
	near(t, "R2 constant imperfect", must(R2([]float64{2, 2}, []float64{1, 2}, nil)), 0)
	near(t, "Pearson", must(Pearson([]float64{1, 2, 3}, []float64{2, 4, 6})), 1)
	near(t, "Pearson negative", must(Pearson([]float64{1, 2, 3}, []float64{3, 2, 1})), -1)
	// Average ranks of x are [1, 2.5, 2.5, 4] against [1, 2, 3, 4]: 4.5/sqrt(4.5*5).
	near(t, "Spearman ties", must(Spearman([]float64{1, 2, 2, 3}, []float64{1, 2, 3, 4})), 4.5/math.Sqrt(22.5))
	// Spearman is invariant to monotone transforms.
	near(t, "Spearman monotone", must(Spearman([]float64{1, 2, 3, 4}, []float64{1, 10, 100, 1000})), 1)

	// scikit-learn's documentation example: roc_auc 0.75, average precision 0.8333.
	lab, s := []float64{0, 0, 1, 1}, []float64{0.1, 0.4, 0.35, 0.8}
	near(t, "ROCAUC", must(ROCAUC(lab, s, nil)), 0.75)
	near(t, "AveragePrecision", must(AveragePrecision(lab, s, nil)), 0.5*1+0.5*(2.0/3)) // recall steps 0.5 at P=1, 0.5 at P=2/3
	near(t, "ROCAUC all tied", must(ROCAUC([]float64{0, 1, 0, 1}, []float64{0.5, 0.5, 0.5, 0.5}, nil)), 0.5)
	near(t, "ROCAUC perfect", must(ROCAUC([]float64{0, 1}, []float64{0.2, 0.9}, nil)), 1)
	// One tie between a positive and a negative counts one half: pairs (p,n):
	// (0.9 vs 0.1) 1, (0.9 vs 0.5) 1, (0.5 vs 0.1) 1, (0.5 vs 0.5) 0.5 -> 3.5/4.
	near(t, "ROCAUC tie half", must(ROCAUC([]float64{1, 1, 0, 0}, []float64{0.9, 0.5, 0.5, 0.1}, nil)), 3.5/4)
	// AP with a tied group: threshold 0.9 gives P=1 R=0.5; threshold 0.5 gives P=2/3 R=1.
	near(t, "AveragePrecision tie", must(AveragePrecision([]float64{1, 1, 0, 0}, []float64{0.9, 0.5, 0.5, 0.1}, nil)), 0.5+0.5*2.0/3)

	lab2, pr := []float64{1, 0, 1, 0}, []float64{0.8, 0.3, 0.5, 0.6}
	near(t, "Accuracy", must(Accuracy(lab2, pr, nil)), 0.5) // hard [1,0,0,1]: 0.5 is negative
	near(t, "F1", must(F1(lab2, pr, nil)), 2.0/(2+1+1))     // TP 1, FP 1, FN 1
	near(t, "F1 nothing positive", must(F1([]float64{0, 0}, []float64{0.1, 0.2}, nil)), 0)
	near(t, "LogLoss", must(LogLoss([]float64{1, 0}, []float64{0.8, 0.3}, nil)), -(math.Log(0.8)+math.Log(0.7))/2)
	near(t, "LogLoss clipped", must(LogLoss([]float64{1}, []float64{0}, nil)), -math.Log(LogLossEps))
	near(t, "Brier", must(Brier([]float64{1, 0}, []float64{0.8, 0.3}, nil)), (0.04+0.09)/2)
	// One observation per bin: (|1-.95| + |0-.05| + |1-.65| + |1-.55|)/4.
	near(t, "ECE", must(ECE([]float64{1, 0, 1, 1}, []float64{0.95, 0.05, 0.65, 0.55}, nil, 10)), 0.9/4)
	// All in one bin: |mean label - mean prob| = |0.5 - 0.5|.
	near(t, "ECE one bin", must(ECE([]float64{1, 0}, []float64{0.9, 0.1}, nil, 1)), 0)

	zero := []float64{0, 0, 0}
	ones := []float64{1, 1, 1}
	near(t, "GaussianNLL", must(GaussianNLL(zero, zero, ones, nil)), 0.5*math.Log(2*math.Pi))
	// Every standardised residual is 0, inside every interval: observed 1
	// for every expected p, area = ∫(1 − p) dp = 0.5.
	near(t, "MiscalibrationArea worst", must(MiscalibrationArea(zero, zero, ones, 100)), 0.5)
	// One bin: RMV 1, RMSE sqrt((1+4)/2).
	near(t, "ENCE", must(ENCE([]float64{0, 0}, []float64{1, 2}, []float64{1, 1}, 1)), math.Sqrt(2.5)-1)
	near(t, "Coverage", must(Coverage([]float64{0, 0, 0, 0}, []float64{0.5, 1, 3, -1.9}, []float64{1, 1, 1, 1}, nil, Z95)), 0.75)
	// Larger errors with larger std: perfect rank agreement.
	near(t, "SpearmanErrorStd", must(SpearmanErrorStd([]float64{0, 0, 0}, []float64{0.1, -0.5, 2}, []float64{0.2, 0.3, 0.9})), 1)
}

// TestInputErrors checks that bad input gives the typed error, naming the
// argument and index, and never panics.
func TestInputErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	cases := []struct {
		name string
		call func() (float64, error)
		kind error
		idx  int
	}{
		{"empty", func() (float64, error) { return RMSE(nil, nil, nil) }, ErrEmpty, -1},
		{"length", func() (float64, error) { return MAE([]float64{1, 2}, []float64{1}, nil) }, ErrLength, -1},
		{"NaN", func() (float64, error) { return R2([]float64{1, 2}, []float64{1, nan}, nil) }, ErrNaN, 1},
		{"Inf", func() (float64, error) { return Pearson([]float64{math.Inf(1), 2}, []float64{1, 2}) }, ErrNaN, 0},
		{"weight negative", func() (float64, error) { return RMSE([]float64{1}, []float64{1}, []float64{-1}) }, ErrWeight, 0},
		{"weights zero", func() (float64, error) { return RMSE([]float64{1}, []float64{1}, []float64{0}) }, ErrWeight, -1},
		{"weights length", func() (float64, error) { return Brier([]float64{1}, []float64{1}, []float64{1, 1}) }, ErrLength, -1},
		{"label", func() (float64, error) { return ROCAUC([]float64{0, 2}, []float64{0.1, 0.2}, nil) }, ErrLabel, 1},
		{"probability", func() (float64, error) { return LogLoss([]float64{0, 1}, []float64{0.1, 1.2}, nil) }, ErrProbability, 1},
		{"single class roc", func() (float64, error) { return ROCAUC([]float64{1, 1}, []float64{0.1, 0.2}, nil) }, ErrSingleClass, -1},
		{"no positives ap", func() (float64, error) { return AveragePrecision([]float64{0, 0}, []float64{0.1, 0.2}, nil) }, ErrSingleClass, -1},
		{"constant pearson", func() (float64, error) { return Pearson([]float64{1, 1}, []float64{1, 2}) }, ErrUndefined, -1},
		{"one obs spearman", func() (float64, error) { return Spearman([]float64{1}, []float64{1}) }, ErrUndefined, -1},
		{"zero std nll", func() (float64, error) { return GaussianNLL([]float64{1}, []float64{1}, []float64{0}, nil) }, ErrStd, 0},
		{"negative std", func() (float64, error) { return Coverage([]float64{1}, []float64{1}, []float64{-1}, nil, Z95) }, ErrStd, 0},
		{"ece bins", func() (float64, error) { return ECE([]float64{1}, []float64{1}, nil, 0) }, ErrParam, -1},
		{"ence bins", func() (float64, error) { return ENCE([]float64{1}, []float64{1}, []float64{1}, 2) }, ErrParam, -1},
		{"ence zero variance", func() (float64, error) { return ENCE([]float64{1}, []float64{1}, []float64{0}, 1) }, ErrStd, -1},
		{"miscal bins", func() (float64, error) { return MiscalibrationArea([]float64{1}, []float64{1}, []float64{1}, 1) }, ErrParam, -1},
		{"coverage z", func() (float64, error) { return Coverage([]float64{1}, []float64{1}, []float64{1}, nil, 0) }, ErrParam, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.call()
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err %T is not *InputError", err)
			}
			if ie.Index != tc.idx {
				t.Errorf("index = %d, want %d (%v)", ie.Index, tc.idx, err)
			}
		})
	}
}

// TestCalibrationCurveEnds checks the fixed ends of the interval curve: the
// proportion 1 interval holds everything.
func TestCalibrationCurveEnds(t *testing.T) {
	t.Parallel()
	exp, obs := CalibrationCurve([]float64{-3, 0.5, 10}, 5)
	if exp[0] != 0 || exp[4] != 1 || obs[4] != 1 || obs[0] != 0 {
		t.Fatalf("exp %v obs %v", exp, obs)
	}
}
