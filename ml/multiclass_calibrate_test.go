package ml

import (
	"context"
	"encoding/binary"
	"math"
	"slices"
	"testing"

	"activelab/ml/metrics"
)

// TestFitScalingByHand checks the scaling fit on sets whose maximum
// likelihood fit is computable by hand (tolerance 1e-4: the fit carries
// a 1e-6 ridge).
func TestFitScalingByHand(t *testing.T) {
	t.Parallel()
	// Temperature only: four rows all given (0.8, 0.2), three of class 0.
	// The fit must make q0 = 3/4: 0.8^a / (0.8^a + 0.2^a) = 3/4, so
	// 4^a = 3 and a = ln 3 / ln 4 = 0.79248.
	p := [][]float64{{0.8, 0.2}, {0.8, 0.2}, {0.8, 0.2}, {0.8, 0.2}}
	y := []int{0, 0, 0, 1}
	a, b, err := fitScaling(p, y, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Log(3) / math.Log(4); math.Abs(a-want) > 1e-4 || b[0] != 0 || b[1] != 0 {
		t.Errorf("temperature: a %v b %v, want a %v b 0", a, b, want)
	}
	// With a class bias the model is saturated on two groups: rows given
	// (0.8, 0.2) are class 0 three times in four, rows given (0.5, 0.5)
	// once in three. logit q0 = a ln(p0/p1) − b1, so group 2 gives
	// −b1 = ln(1/2), b1 = ln 2, and group 1 a ln 4 − ln 2 = ln 3,
	// a = ln 6 / ln 4 = 1.29248. Weights: the (0.5, 0.5) rows are given
	// as one row of weight 2 of class 1 and one of weight 1 of class 0.
	p = [][]float64{{0.8, 0.2}, {0.8, 0.2}, {0.8, 0.2}, {0.8, 0.2}, {0.5, 0.5}, {0.5, 0.5}}
	y = []int{0, 0, 0, 1, 1, 0}
	w := []float64{1, 1, 1, 1, 2, 1}
	a, b, err = fitScaling(p, y, w, true)
	if err != nil {
		t.Fatal(err)
	}
	if wa, wb := math.Log(6)/math.Log(4), math.Log(2); math.Abs(a-wa) > 1e-4 || b[0] != 0 || math.Abs(b[1]-wb) > 1e-4 {
		t.Errorf("scaling: a %v b %v, want a %v b [0 %v]", a, b, wa, wb)
	}
	c := multiCalibration{a: a, b: b, rows: 6}
	q := make([]float64, 2)
	c.apply([]float64{0.8, 0.2}, q)
	if math.Abs(q[0]-0.75) > 1e-4 || math.Abs(q[0]+q[1]-1) > 1e-12 {
		t.Errorf("calibrated (0.8, 0.2) = %v, want (0.75, 0.25)", q)
	}
	// Separable data (every row right with certainty): the ridge keeps
	// the scale finite and positive.
	a, _, err = fitScaling([][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, []int{0, 1, 2}, nil, true)
	if err != nil || !(a > 1) || math.IsInf(a, 0) {
		t.Errorf("separable: a %v, %v", a, err)
	}
}

// TestExtrapolateScale checks the member-count extrapolation by hand:
// a(k) = A k / (k + c). a(6) = 0.5 and a(12) = 0.6 give r = 1.2,
// c = 6·12·0.2 / (12 − 7.2) = 3, so a(32) = 0.6 · (32/35) · (15/12) =
// 0.685714.
func TestExtrapolateScale(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		a1, a2, k1, k2, M float64
		want              float64
	}{
		{"diluted", 0.5, 0.6, 6, 12, 32, 0.6 * 32 / 35 * 15 / 12},
		{"no dilution", 0.7, 0.6, 6, 12, 32, 0.6},
		{"equal", 0.6, 0.6, 6, 12, 32, 0.6},
		{"beyond the model", 0.3, 0.9, 6, 12, 32, 0.9 * 32 / 12},
	}
	for _, c := range cases {
		if got := extrapolateScale(c.a1, c.a2, c.k1, c.k2, c.M); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// mcalRun is one model's held-out scores: raw and calibrated.
type mcalRun struct{ rawECE, calECE, rawLogLoss, calLogLoss, rawAcc, calAcc float64 }

// measureMultiCal trains a MultiClass model on a random 80 % of (X, y)
// and scores its raw and calibrated probabilities on the other 20 %,
// checking that every calibrated row is a probability vector.
func measureMultiCal(t *testing.T, X *Features, y []int, seed uint64, cfg EnsembleConfig) mcalRun {
	t.Helper()
	ctx := context.Background()
	tr, te := heldOutSplit(X.Rows(), seed)
	cfg.Seed = seed
	m, err := TrainMultiClass(ctx, X.Subset(tr), pick(y, tr), []string{"low", "medium", "high"}, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Calibrated() {
		t.Fatal("model not calibrated")
	}
	p, err := m.Predict(ctx, X.Subset(te))
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range p.Proba {
		var s float64
		for _, v := range row {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("row %d: %v", i, row)
			}
			s += v
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("row %d sums to %v", i, s)
		}
	}
	yte := pick(y, te)
	raw, err := metrics.MultiClassSummary(yte, p.Raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := metrics.MultiClassSummary(yte, p.Proba, nil)
	if err != nil {
		t.Fatal(err)
	}
	return mcalRun{raw["ece"], cal["ece"], raw["log_loss"], cal["log_loss"], raw["accuracy"], cal["accuracy"]}
}

// meanRuns averages runs over seeds 0..seeds-1.
func meanRuns(t *testing.T, name string, seeds int, run func(seed uint64) mcalRun) mcalRun {
	var s mcalRun
	n := float64(seeds)
	for seed := range uint64(seeds) {
		r := run(seed)
		s.rawECE += r.rawECE / n
		s.calECE += r.calECE / n
		s.rawLogLoss += r.rawLogLoss / n
		s.calLogLoss += r.calLogLoss / n
		s.rawAcc += r.rawAcc / n
		s.calAcc += r.calAcc / n
	}
	t.Logf("%s, %d seeds: ECE raw %.4f calibrated %.4f; log loss raw %.4f calibrated %.4f; accuracy raw %.4f calibrated %.4f",
		name, seeds, s.rawECE, s.calECE, s.rawLogLoss, s.calLogLoss, s.rawAcc, s.calAcc)
	return s
}

// tertiles bins y into three classes of about equal size.
func tertiles(y []float64) []int {
	q := slices.Clone(y)
	slices.Sort(q)
	t1, t2 := q[len(q)/3], q[2*len(q)/3]
	c := make([]int, len(y))
	for i, v := range y {
		switch {
		case v >= t2:
			c[i] = 2
		case v >= t1:
			c[i] = 1
		}
	}
	return c
}

// TestMultiCalibrationHeldOut measures the calibration on held-out rows
// of the three-class ESOL (cut-offs -4, -2) and of a synthetic three-class
// set (tertiles of a noisy synthetic property), with the default 32-member
// forest: on ESOL the raw probabilities are underconfident and the
// calibration lowers both ECE and log loss; on the synthetic set, whose
// raw probabilities are already calibrated, it changes neither by more
// than noise. Numbers: see multiCalibration's doc.
func TestMultiCalibrationHeldOut(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a measurement study: trains 6 three-class models of 32 members (skipped with -short and under the race detector, which makes it ten times slower)")
	}
	t.Parallel()
	X, yv := loadESOL(t)
	y := esolClasses(yv)
	cfg := EnsembleConfig{Learner: DefaultLearner, Members: 32}
	esol := meanRuns(t, "three-class ESOL", 3, func(seed uint64) mcalRun { return measureMultiCal(t, X, y, seed, cfg) })
	if !(esol.calECE < esol.rawECE) || !(esol.calLogLoss < esol.rawLogLoss) {
		t.Errorf("ESOL: ECE %.4f -> %.4f, log loss %.4f -> %.4f", esol.rawECE, esol.calECE, esol.rawLogLoss, esol.calLogLoss)
	}
	if esol.calAcc < esol.rawAcc-0.01 {
		t.Errorf("ESOL: accuracy %.4f -> %.4f", esol.rawAcc, esol.calAcc)
	}
	Xs, ys := newSynthModel(defaultSynth(0, 5)).generate(1500, 9, 1.0)
	yc := tertiles(ys)
	syn := meanRuns(t, "synthetic three-class", 3, func(seed uint64) mcalRun { return measureMultiCal(t, Xs, yc, seed, cfg) })
	if syn.calECE > syn.rawECE+0.01 || syn.calLogLoss > syn.rawLogLoss+0.01 {
		t.Errorf("synthetic: ECE %.4f -> %.4f, log loss %.4f -> %.4f", syn.rawECE, syn.calECE, syn.rawLogLoss, syn.calLogLoss)
	}
}

// TestMultiCalibrationFixesOverconfidence: a barely penalised logistic
// ensemble (L2 = 0.01 on 2048 bits and 20 descriptors, 800 training rows,
// 8 members) overfits and is overconfident on held-out rows; the
// calibration lowers its ECE by at least a third and its log loss by at
// least a fifth (measured, two seeds: ECE 0.194 -> 0.098, log loss 1.289
// -> 0.878; one seed alone is noisier, 0.153 -> 0.117). (With 256
// bits the same ensemble's log loss falls as much, 1.42 -> 0.91, close to
// the 0.90 of a scaling fitted on the held-out rows themselves, but its
// top-label ECE rises, 0.11 -> 0.16, as that oracle's does, 0.13: on 200
// rows ECE and log loss need not agree; the fit minimises log loss.)
func TestMultiCalibrationFixesOverconfidence(t *testing.T) {
	t.Parallel()
	Xs, ys := newSynthModel(defaultSynth(0, 5)).generate(1000, 9, 1.0)
	yc := tertiles(ys)
	cfg := EnsembleConfig{Learner: Linear, L2: 0.01, Members: 8}
	r := meanRuns(t, "overconfident logistic", 2, func(seed uint64) mcalRun { return measureMultiCal(t, Xs, yc, seed, cfg) })
	if !(r.calECE <= r.rawECE*2/3) || !(r.calLogLoss <= r.rawLogLoss*0.8) {
		t.Errorf("ECE %.4f -> %.4f (want a third lower), log loss %.4f -> %.4f (want a fifth lower)", r.rawECE, r.calECE, r.rawLogLoss, r.calLogLoss)
	}
}

// A version 1 artifact (before calibration) still loads, uncalibrated,
// and predicts its raw probabilities; a damaged calibration section is a
// FormatError.
func TestMultiClassVersion1Artifact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	X, _ := synth(60, 2)
	y := make([]int, 60)
	for i := range y {
		y[i] = i % 3
	}
	m, err := TrainMultiClass(ctx, X, y, []string{"a", "b", "c"}, nil, EnsembleConfig{Members: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !m.Calibrated() {
		t.Fatal("not calibrated")
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// v1: the same bytes without the calibration section (kind, rows, a,
	// three biases) and with version 1.
	calLen := 1 + 8 + 8 + 3*8
	v1 := slices.Clone(blob[:len(blob)-4-calLen])
	binary.LittleEndian.PutUint16(v1[len(multiMagic):], 1)
	v1 = reseal(append(v1, 0, 0, 0, 0))
	var old MultiClass
	if err := old.UnmarshalBinary(v1); err != nil {
		t.Fatal(err)
	}
	if old.Calibrated() {
		t.Error("version 1 artifact calibrated")
	}
	p, err := old.Predict(ctx, X)
	if err != nil {
		t.Fatal(err)
	}
	pNew, _ := m.Predict(ctx, X)
	for i := range p.Proba {
		if !slices.Equal(p.Proba[i], p.Raw[i]) || !slices.Equal(p.Raw[i], pNew.Raw[i]) {
			t.Fatalf("row %d: proba %v raw %v (new raw %v)", i, p.Proba[i], p.Raw[i], pNew.Raw[i])
		}
	}
	var back MultiClass
	if err := back.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	if a, b, rows := back.Calibration(); a != m.cal.a || !slices.Equal(b, m.cal.b) || rows != m.cal.rows {
		t.Errorf("calibration after reload: %v %v %v", a, b, rows)
	}
	// Damage behind a valid checksum: a negative scale, a non-zero b[0],
	// an unknown kind.
	off := len(blob) - 4 - calLen
	for name, mutate := range map[string]func(b []byte){
		"negative scale": func(b []byte) { binary.LittleEndian.PutUint64(b[off+9:], math.Float64bits(-1)) },
		"b0 not zero":    func(b []byte) { binary.LittleEndian.PutUint64(b[off+17:], math.Float64bits(0.5)) },
		"unknown kind":   func(b []byte) { b[off] = 7 },
		"zero rows":      func(b []byte) { binary.LittleEndian.PutUint64(b[off+1:], 0) },
	} {
		bad := slices.Clone(blob)
		mutate(bad)
		if err := new(MultiClass).UnmarshalBinary(reseal(bad)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
