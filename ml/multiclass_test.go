package ml

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"activelab/ml/metrics"
)

// esolClasses bins ESOL's logS into three classes: low below -4 (poorly
// soluble), medium in [-4, -2), high from -2 (the three-class ESOL used
// by the multi-class tests).
func esolClasses(y []float64) []int {
	c := make([]int, len(y))
	for i, v := range y {
		switch {
		case v < -4:
			c[i] = 0
		case v < -2:
			c[i] = 1
		default:
			c[i] = 2
		}
	}
	return c
}

var esolClassNames = []string{"low", "medium", "high"}

// A three-class ESOL model predicts held-out rows far better than the
// majority class, its probabilities sum to one, and it survives a round
// trip through its artifact bit for bit.
func TestMultiClassESOL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	X, yv := loadESOL(t)
	y := esolClasses(yv)
	tr, te := heldOutSplit(X.Rows(), 0)
	ytr := make([]int, len(tr))
	for i, r := range tr {
		ytr[i] = y[r]
	}
	m, err := TrainMultiClass(ctx, X.Subset(tr), ytr, esolClassNames, nil, EnsembleConfig{Learner: DefaultLearner, Members: 16, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Predict(ctx, X.Subset(te))
	if err != nil {
		t.Fatal(err)
	}
	yte := make([]int, len(te))
	counts := make([]int, 3)
	for i, r := range te {
		yte[i] = y[r]
		counts[y[r]]++
		var s float64
		for k, v := range p.Proba[i] {
			if v < 0 || v > 1 || p.Std[i][k] < 0 {
				t.Fatalf("row %d: proba %v std %v", i, p.Proba[i], p.Std[i])
			}
			s += v
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("row %d: probabilities sum to %v", i, s)
		}
	}
	sum, err := metrics.MultiClassSummary(yte, p.Proba, nil)
	if err != nil {
		t.Fatal(err)
	}
	majority := float64(slices.Max(counts)) / float64(len(te))
	t.Logf("three-class ESOL, %d held-out rows (classes %v): %v; majority class %.3f", len(te), counts, sum, majority)
	if sum["accuracy"] < majority+0.2 || sum["auc"] < 0.85 {
		t.Errorf("accuracy %.3f (majority %.3f), macro AUC %.3f", sum["accuracy"], majority, sum["auc"])
	}

	blob, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got MultiClass
	if err := got.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Classes(), esolClassNames) {
		t.Errorf("classes %v after reload", got.Classes())
	}
	p2, err := got.Predict(ctx, X.Subset(te))
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Proba {
		if !slices.Equal(p.Proba[i], p2.Proba[i]) || !slices.Equal(p.Std[i], p2.Std[i]) {
			t.Fatalf("row %d differs after reload", i)
		}
	}
	// Every truncation and byte flip is an error, never a panic.
	for n := 0; n < len(blob); n += 1 + n/16 {
		if err := new(MultiClass).UnmarshalBinary(blob[:n]); err == nil {
			t.Fatalf("truncated to %d bytes accepted", n)
		}
	}
	for i := 0; i < len(blob); i += 1 + i/8 {
		bad := slices.Clone(blob)
		bad[i] ^= 0x5a
		if err := new(MultiClass).UnmarshalBinary(bad); err == nil {
			t.Fatalf("byte %d flipped accepted", i)
		}
	}
	// Structural damage behind a valid checksum: duplicate class names, a
	// regression ensemble in a class's slot, trailing bytes.
	forged := []*MultiClass{
		{classes: []string{"low", "low", "high"}, models: m.models},
		{classes: esolClassNames, models: []*Ensemble{m.models[0], m.models[1], smallModels(t)["ridge"]}},
	}
	for i, f := range forged {
		b, err := f.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if err := new(MultiClass).UnmarshalBinary(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("forged model %d: %v", i, err)
		}
	}
	trailing := reseal(append(slices.Clone(blob), 0, 0, 0, 0))
	if err := new(MultiClass).UnmarshalBinary(trailing); !errors.Is(err, ErrCorrupt) {
		t.Errorf("trailing bytes: %v", err)
	}
	if err := new(Ensemble).UnmarshalBinary(blob); !errors.Is(err, ErrBadMagic) {
		t.Errorf("multi-class artifact read as an ensemble: %v", err)
	}
}

func TestMultiClassInputErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	X, _ := synth(30, 2)
	y := make([]int, 30)
	for i := range y {
		y[i] = i % 3
	}
	abc := []string{"a", "b", "c"}
	var ce *ConfigError
	for name, classes := range map[string][]string{
		"one class":   {"a"},
		"duplicate":   {"a", "b", "a"},
		"empty name":  {"a", "", "c"},
		"unprintable": {"a", "b\n", "c"},
	} {
		if _, err := TrainMultiClass(ctx, X, y, classes, nil, EnsembleConfig{Members: 2}); !errors.As(err, &ce) || ce.Field != "classes" {
			t.Errorf("%s: %v", name, err)
		}
	}
	var ie *InputError
	bad := slices.Clone(y)
	bad[7] = 3
	if _, err := TrainMultiClass(ctx, X, bad, abc, nil, EnsembleConfig{Members: 2}); !errors.As(err, &ie) || ie.Row != 7 {
		t.Errorf("class 3 of 3: %v", err)
	}
	bad[7] = -1
	if _, err := TrainMultiClass(ctx, X, bad, abc, nil, EnsembleConfig{Members: 2}); !errors.As(err, &ie) || ie.Row != 7 {
		t.Errorf("class -1: %v", err)
	}
	if _, err := TrainMultiClass(ctx, X, y[:5], abc, nil, EnsembleConfig{Members: 2}); !errors.As(err, &ie) {
		t.Errorf("short labels: %v", err)
	}
	if _, err := TrainMultiClass(ctx, nil, y, abc, nil, EnsembleConfig{Members: 2}); !errors.As(err, &ie) {
		t.Errorf("nil X: %v", err)
	}
	m, err := TrainMultiClass(ctx, X, y, abc, nil, EnsembleConfig{Members: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Predict(ctx, NewFeatures(64, 1, 0)); !errors.As(err, &ie) {
		t.Errorf("wrong shape: %v", err)
	}
	// Seeds: class k's ensemble uses Seed + k, so classes differ in their
	// resamples and the model is reproducible.
	m2, _ := TrainMultiClass(ctx, X, y, abc, nil, EnsembleConfig{Members: 2, Seed: 1})
	a, _ := m.MarshalBinary()
	b, _ := m2.MarshalBinary()
	if !slices.Equal(a, b) {
		t.Error("same seed, different artifacts")
	}
	if slices.Equal(m.Model(0).OutOfBag(0), m.Model(1).OutOfBag(0)) {
		t.Error("classes 0 and 1 drew the same resample")
	}
}
