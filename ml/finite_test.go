package ml

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// Targets at the bound train; the model and its artifact stay finite.
func TestTargetsAtBoundTrain(t *testing.T) {
	t.Parallel()
	X, y := synth(80, 4)
	for i := range y {
		y[i] = MaxTarget
		if i%2 == 1 {
			y[i] = -MaxTarget
		}
	}
	for _, k := range []LearnerKind{Forest, Linear, ForestLinear} {
		e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Learner: k, Members: 4, Seed: 1})
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		blob, err := e.MarshalBinary()
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		if err := new(Ensemble).UnmarshalBinary(blob); err != nil {
			t.Fatalf("%v: reload: %v", k, err)
		}
	}
}

// The error for an out-of-range target names the row and the bound.
func TestTargetBoundMessage(t *testing.T) {
	t.Parallel()
	X, y := synth(10, 4)
	y[7] = 1.7e308
	_, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 2})
	if err == nil || !strings.Contains(err.Error(), "row 7") || !strings.Contains(err.Error(), "1e+06") {
		t.Fatalf("err = %v, want one naming row 7 and the bound", err)
	}
}

// Past validation (train is what TrainEnsemble calls once the inputs are
// checked), targets that overflow the learners' sums give a
// *NonFiniteError, never a model: the bound on targets is a first line,
// this is the second.
func TestOverflowingTrainingFails(t *testing.T) {
	t.Parallel()
	X, y := synth(60, 4)
	for i := range y {
		y[i] = 1.7e308
	}
	for _, k := range []LearnerKind{Forest, Linear, ForestLinear} {
		cfg, err := EnsembleConfig{Learner: k, Members: 4, Seed: 1}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		e, err := train(context.Background(), X, y, nil, cfg)
		var nf *NonFiniteError
		if !errors.As(err, &nf) || !errors.Is(err, ErrNonFinite) || e != nil {
			t.Errorf("%v on 1.7e308 targets: model %v, err %v; want *NonFiniteError", k, e != nil, err)
			continue
		}
		t.Logf("%v: %v", k, err)
	}
}

// The serializer refuses a model corrupted by hand in each of the
// structures it stores, and writes nothing.
func TestMarshalRefusesNonFinite(t *testing.T) {
	t.Parallel()
	corrupt := []struct {
		model string
		part  string
		edit  func(e *Ensemble)
	}{
		{"forest-regression", "tree node", func(e *Ensemble) { e.trees[1].nodes[len(e.trees[1].nodes)-1].val = math.NaN() }},
		{"forest-classification", "tree node", func(e *Ensemble) { e.trees[0].nodes[0].val = math.Inf(1) }},
		{"ridge", "linear coefficient", func(e *Ensemble) { e.linear[1].coef[3] = math.Inf(-1) }},
		{"forest+logistic", "linear coefficient", func(e *Ensemble) { e.linear[0].coef[len(e.linear[0].coef)-1] = math.NaN() }},
		{"forest+ridge", "descriptor scale", func(e *Ensemble) { e.std.Scale[0] = math.Inf(1) }},
		{"logistic", "descriptor mean", func(e *Ensemble) { e.std.Mean[2] = math.NaN() }},
	}
	models := smallModels(t)
	for _, c := range corrupt {
		e := models[c.model]
		c.edit(e)
		blob, err := e.MarshalBinary()
		var nf *NonFiniteError
		if !errors.As(err, &nf) || nf.Part != c.part || blob != nil {
			t.Errorf("%s with a bad %s: %d bytes, err %v", c.model, c.part, len(blob), err)
		}
		var buf bytes.Buffer
		if n, err := e.WriteTo(&buf); !errors.Is(err, ErrNonFinite) || n != 0 || buf.Len() != 0 {
			t.Errorf("%s: WriteTo wrote %d bytes, err %v", c.model, n, err)
		}
	}
}
