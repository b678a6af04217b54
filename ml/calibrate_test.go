package ml

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"
)

// TestIsotonic checks pool adjacent violators on cases worked out by hand
// (scikit-learn's IsotonicRegression(out_of_bounds="clip") semantics:
// equal x pooled first with their weights, interior knots of a flat run
// dropped, linear between knots, constant outside).
func TestIsotonic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		x, y, w  []float64
		kx, ky   []float64
		at, want []float64
	}{
		{
			// (1, 0) violate and pool to 0.5; the run of 1s keeps both ends.
			name: "one violation",
			x:    []float64{0.1, 0.2, 0.3, 0.4, 0.5}, y: []float64{0, 1, 0, 1, 1}, w: []float64{1, 1, 1, 1, 1},
			kx: []float64{0.1, 0.2, 0.3, 0.4, 0.5}, ky: []float64{0, 0.5, 0.5, 1, 1},
			at: []float64{0, 0.15, 0.25, 0.35, 0.9}, want: []float64{0, 0.25, 0.5, 0.75, 1},
		},
		{
			// x 0.2 twice: (1·1 + 0·3)/4 = 0.25 (weight 4); 0.6 → 0 violates:
			// (0.25·4 + 0)/5 = 0.2; 0.8 → 1 and 0.9 → 0 pool to 0.5. The
			// weight-0 point changes nothing.
			name: "ties and weights",
			x:    []float64{0.9, 0.2, 0.6, 0.2, 0.8, 0.5}, y: []float64{0, 1, 0, 0, 1, 1}, w: []float64{1, 1, 1, 3, 1, 0},
			kx: []float64{0.2, 0.6, 0.8, 0.9}, ky: []float64{0.2, 0.2, 0.5, 0.5},
			at: []float64{0.1, 0.7, 0.85, 1}, want: []float64{0.2, 0.35, 0.5, 0.5},
		},
		{
			// 1, 0, 0 pool to 1/3 over three knots: the middle one is dropped.
			name: "flat run",
			x:    []float64{0.1, 0.2, 0.3, 0.4}, y: []float64{1, 0, 0, 1}, w: []float64{1, 1, 1, 1},
			kx: []float64{0.1, 0.3, 0.4}, ky: []float64{1.0 / 3, 1.0 / 3, 1},
			at: []float64{0.2, 0.35}, want: []float64{1.0 / 3, 2.0 / 3},
		},
	}
	for _, c := range cases {
		kx, ky := isotonic(c.x, c.y, c.w)
		if !slices.Equal(kx, c.kx) || !floatsNear(ky, c.ky) {
			t.Errorf("%s: knots %v %v, want %v %v", c.name, kx, ky, c.kx, c.ky)
			continue
		}
		for i, v := range c.at {
			if got := interpolate(kx, ky, v); math.Abs(got-c.want[i]) > 1e-12 {
				t.Errorf("%s: map(%v) = %v, want %v", c.name, v, got, c.want[i])
			}
		}
	}
	if kx, ky := isotonic([]float64{0.3}, []float64{1}, []float64{0}); kx != nil || ky != nil {
		t.Errorf("no positive weight: %v %v", kx, ky)
	}
}

func floatsNear(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}

// TestIntervalQuantile checks the finite-sample conformal quantile and the
// interval arithmetic on a hand-made calibration: scores 1..19, eps 0.5,
// 5 members (sample std = population std × sqrt(5/4)).
func TestIntervalQuantile(t *testing.T) {
	t.Parallel()
	e := &Ensemble{task: Regression, cfg: EnsembleConfig{Members: 5}}
	for i := 1; i <= 19; i++ {
		e.cal.scores = append(e.cal.scores, float64(i))
	}
	e.cal.eps, e.cal.rows = 0.5, 19
	s := 2 * math.Sqrt(5.0/4)
	cases := []struct {
		level, q float64
	}{
		{0.9, 18},  // ceil(20 × 0.9) = 18
		{0, 18},    // default level 0.9
		{0.5, 10},  // ceil(20 × 0.5) = 10
		{0.95, 19}, // ceil(19) = 19: the largest score
		{0.01, 1},  // ceil(0.2) = 1
	}
	for _, c := range cases {
		lo, hi, err := e.Interval(10, 2, c.level)
		h := c.q * (s + 0.5)
		if err != nil || math.Abs(lo-(10-h)) > 1e-12 || math.Abs(hi-(10+h)) > 1e-12 {
			t.Errorf("level %v: [%v, %v] (%v), want 10 ± %v", c.level, lo, hi, err, h)
		}
	}
	// Level 0.96 needs ceil(20 × 0.96) = 20 > 19 scores.
	var ie *InputError
	for _, level := range []float64{0.96, 1, -0.1, math.NaN(), math.Inf(1)} {
		if _, _, err := e.Interval(10, 2, level); !errors.As(err, &ie) || ie.What != "level" {
			t.Errorf("level %v: %v", level, err)
		}
	}
	c := &Ensemble{task: Classification, cal: calibration{isoX: []float64{0.2, 0.8}, isoY: []float64{0.1, 0.9}, rows: 10}}
	if _, _, err := c.Interval(0.5, 0.1, 0.9); !errors.Is(err, ErrNotCalibrated) {
		t.Errorf("interval of a classifier: %v", err)
	}
	if _, err := e.CalibrateProbability(0.5); !errors.Is(err, ErrNotCalibrated) {
		t.Errorf("probability of a regressor: %v", err)
	}
	if p, err := c.CalibrateProbability(0.5); err != nil || math.Abs(p-0.5) > 1e-12 {
		t.Errorf("map(0.5) = %v, %v", p, err)
	}
	for _, bad := range []float64{-0.01, 1.5, math.NaN()} {
		if _, err := c.CalibrateProbability(bad); !errors.As(err, &ie) {
			t.Errorf("probability %v: %v", bad, err)
		}
	}
}

// TestIntervalWidthByLevel: on a hand-made calibration of n = 4 scores
// {0.5, 1, 2, 4} (eps 0.25, 2 members) the quantile at level L is the
// ceil(5 L)-th score, worked out by hand below, and the interval around
// mean 0 with population std 1/sqrt(2) (sample std 1) is ±q (1 + 0.25).
// Widths never shrink as the level grows, over a sweep of levels; a level
// above 4/5 needs a fifth score and is refused.
func TestIntervalWidthByLevel(t *testing.T) {
	t.Parallel()
	e := &Ensemble{task: Regression, cfg: EnsembleConfig{Members: 2},
		cal: calibration{scores: []float64{0.5, 1, 2, 4}, eps: 0.25, rows: 4}}
	std := 1 / math.Sqrt2
	for _, c := range []struct{ level, q float64 }{
		{0.1, 0.5}, // ceil(0.5) = 1
		{0.2, 0.5}, // ceil(1) = 1
		{0.3, 1},   // ceil(1.5) = 2
		{0.5, 2},   // ceil(2.5) = 3
		{0.6, 2},   // ceil(3) = 3
		{0.7, 4},   // ceil(3.5) = 4
		{0.8, 4},   // ceil(4) = 4
	} {
		lo, hi, err := e.Interval(0, std, c.level)
		if h := c.q * 1.25; err != nil || math.Abs(lo+h) > 1e-12 || math.Abs(hi-h) > 1e-12 {
			t.Errorf("level %v: [%v, %v] (%v), want ±%v", c.level, lo, hi, err, h)
		}
	}
	prev := 0.0
	for l := 1; l <= 80; l++ {
		level := float64(l) / 100
		lo, hi, err := e.Interval(3, std, level)
		if err != nil || hi-lo < prev {
			t.Fatalf("level %v: width %v (%v) after %v", level, hi-lo, err, prev)
		}
		prev = hi - lo
	}
	var ie *InputError
	if _, _, err := e.Interval(0, std, 0.81); !errors.As(err, &ie) || ie.What != "level" {
		t.Errorf("level 0.81 with 4 scores: %v", err)
	}
}

// Training calibrates: every training row of positive weight that enough
// members left out is a conformal score, the artifact keeps the
// calibration, and intervals and calibrated probabilities are the same
// after a reload. On the training rows' own out-of-bag predictions the
// 90 % interval covers at least 90 % (the conformal quantile's
// definition).
func TestTrainingCalibrates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	X, y := synth(300, 5)
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 1
	}
	w[3], w[10] = 0, 0
	e, err := TrainEnsemble(ctx, X, y, w, EnsembleConfig{Learner: DefaultLearner, Members: 16, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	oob, counts, err := e.OutOfBagPredict(ctx, X)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, k := range counts {
		if k >= minOOBMembers && w[i] > 0 {
			want++
		}
	}
	if !e.Calibrated() || e.CalibrationRows() != want {
		t.Fatalf("calibrated %v on %d rows, want %d", e.Calibrated(), e.CalibrationRows(), want)
	}
	covered := 0
	for i, k := range counts {
		if k < minOOBMembers || w[i] == 0 {
			continue
		}
		// The out-of-bag predictor's interval: its sample std, eps, q.
		sd := oob.Std[i] * math.Sqrt(float64(k)/float64(k-1))
		q, eps, err := e.intervalFactor(0.9)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(y[i]-oob.Mean[i]) <= q*(sd+eps)*(1+1e-12) {
			covered++
		}
	}
	if frac := float64(covered) / float64(want); frac < 0.9 {
		t.Errorf("out-of-bag coverage %.3f below 0.9", frac)
	}

	P, _ := synth(50, 6)
	p, err := e.PredictInterval(ctx, P, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Ensemble
	if err := got.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	p2, err := got.PredictInterval(ctx, P, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Low, p2.Low) || !slices.Equal(p.High, p2.High) || got.CalibrationRows() != want {
		t.Errorf("intervals differ after reload")
	}
	for i := range p.Mean {
		lo, hi, err := e.Interval(p.Mean[i], p.Std[i], 0.8)
		if err != nil || lo != p.Low[i] || hi != p.High[i] || !(lo < p.Mean[i] && p.Mean[i] < hi) {
			t.Fatalf("row %d: Interval [%v, %v] (%v), PredictInterval [%v, %v]", i, lo, hi, err, p.Low[i], p.High[i])
		}
	}
	// Wider at a higher level, row by row.
	p95, _ := e.PredictInterval(ctx, P, 0.95)
	for i := range p.Mean {
		if !(p95.High[i]-p95.Low[i] > p.High[i]-p.Low[i]) {
			t.Fatalf("row %d: 95 %% interval not wider than 80 %%", i)
		}
	}
	if _, err := e.CalibratedProba(ctx, P); !errors.Is(err, ErrNotCalibrated) {
		t.Errorf("CalibratedProba of a regressor: %v", err)
	}

	// Classification: the isotonic map survives a reload.
	yc := make([]float64, len(y))
	for i, v := range y {
		if v > 0 {
			yc[i] = 1
		}
	}
	c, err := TrainEnsemble(ctx, X, yc, nil, EnsembleConfig{Task: Classification, Learner: DefaultLearner, Members: 16, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := c.CalibratedProba(ctx, P)
	if err != nil {
		t.Fatal(err)
	}
	blob, _ = c.MarshalBinary()
	var gc Ensemble
	if err := gc.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	pc2, _ := gc.CalibratedProba(ctx, P)
	if !slices.Equal(pc.Proba, pc2.Proba) || !slices.Equal(pc.Mean, pc2.Mean) {
		t.Errorf("calibrated probabilities differ after reload")
	}
	for i, v := range pc.Proba {
		if u, _ := c.CalibrateProbability(pc.Mean[i]); u != v || v < 0 || v > 1 {
			t.Fatalf("row %d: %v vs %v", i, u, v)
		}
	}
}

// A damaged calibration section (checksum resealed) is ErrCorrupt; a
// model whose calibration holds NaN is refused by the serializer.
func TestCalibrationDamage(t *testing.T) {
	t.Parallel()
	models := smallModels(t)
	reg, cls := models["forest+ridge"], models["forest+logistic"]
	regBlob, _ := reg.MarshalBinary()
	clsBlob, _ := cls.MarshalBinary()
	regCal := len(regBlob) - 4 - len(reg.appendCalibration(nil)) // kind byte
	clsCal := len(clsBlob) - 4 - len(cls.appendCalibration(nil))
	edit := func(b []byte, fn func(b []byte)) []byte { b = slices.Clone(b); fn(b); return reseal(b) }
	le := binary.LittleEndian
	cases := []struct {
		name string
		data []byte
	}{
		{"scores unsorted", edit(regBlob, func(b []byte) {
			le.PutUint64(b[regCal+1+16:], math.Float64bits(1e9)) // first score larger than the second
		})},
		{"negative score", edit(regBlob, func(b []byte) { le.PutUint64(b[regCal+1+16:], math.Float64bits(-1)) })},
		{"eps zero", edit(regBlob, func(b []byte) { le.PutUint64(b[regCal+1+8:], 0) })},
		{"more scores than rows", edit(regBlob, func(b []byte) { le.PutUint64(b[regCal+1:], uint64(reg.TrainRows()+1)) })},
		{"conformal on a classifier", edit(clsBlob, func(b []byte) { b[clsCal] = calConformal })},
		{"isotonic on a regressor", edit(regBlob, func(b []byte) { b[regCal] = calIsotonic })},
		{"knot beyond 1", edit(clsBlob, func(b []byte) { le.PutUint64(b[clsCal+1+12:], math.Float64bits(1.5)) })},
		{"NaN knot", edit(clsBlob, func(b []byte) { le.PutUint64(b[clsCal+1+12+8:], math.Float64bits(math.NaN())) })},
	}
	for _, c := range cases {
		if err := new(Ensemble).UnmarshalBinary(c.data); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	reg.cal.scores[0] = math.NaN()
	if _, err := reg.MarshalBinary(); !errors.Is(err, ErrNonFinite) {
		t.Errorf("NaN conformal score encoded: %v", err)
	}
	cls.cal.isoY[0] = math.Inf(1)
	if _, err := cls.MarshalBinary(); !errors.Is(err, ErrNonFinite) {
		t.Errorf("Inf calibration map encoded: %v", err)
	}
}
