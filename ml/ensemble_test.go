package ml

import (
	"context"
	"testing"
)

func TestEnsembleBeatsMeanOnSynthetic(t *testing.T) {
	t.Parallel()
	X, y := synth(600, 3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Seed: 1, Members: 16})
	if err != nil {
		t.Fatal(err)
	}
	Xt, yt := newSynthModel(defaultSynth(0, 1)).generate(500, 99, 0.3)
	p, err := e.Predict(context.Background(), Xt)
	if err != nil {
		t.Fatal(err)
	}
	mse, base := mseAndBaseline(p.Mean, yt)
	if mse > 0.5*base {
		t.Errorf("forest MSE %.3f, mean predictor %.3f: want at most half", mse, base)
	}
}

// mseAndBaseline returns the MSE of pred and that of predicting the mean of y.
func mseAndBaseline(pred, y []float64) (mse, base float64) {
	var mu float64
	for _, v := range y {
		mu += v
	}
	mu /= float64(len(y))
	for i, v := range y {
		mse += (pred[i] - v) * (pred[i] - v)
		base += (mu - v) * (mu - v)
	}
	return mse / float64(len(y)), base / float64(len(y))
}
