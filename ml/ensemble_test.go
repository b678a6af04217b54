package ml

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

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

func TestEnsembleBeatsMeanOnSynthetic(t *testing.T) {
	t.Parallel()
	for _, learner := range []LearnerKind{Forest, Linear, ForestLinear} {
		X, y := synth(600, 3)
		e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Seed: 1, Members: 16, Learner: learner})
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
			t.Errorf("%v: MSE %.3f, mean predictor %.3f: want at most half", learner, mse, base)
		}
	}
}

// ESOL (Delaney 2004) with RDKit Morgan bits and descriptors: 420 random
// labels, validation = a fixed fifth of the data. Reference: RDKit Morgan
// bits + scikit-learn 1.2 RandomForestRegressor (32 trees) reach RMSE 1.48
// with 420 labels in the active-learning protocol of issue 4; the team's
// target for our default model is <= 1.0. (Measured here: ~0.69.)
func TestForestOnESOL(t *testing.T) {
	t.Parallel()
	X, y := loadESOL(t)
	rng := rand.New(rand.NewPCG(0, 0))
	perm := rng.Perm(X.Rows())
	val, train := perm[:X.Rows()/5], perm[X.Rows()/5:][:420]
	Xt, yt := X.Subset(train), pick(y, train)
	Xv, yv := X.Subset(val), pick(y, val)
	e, err := TrainEnsemble(context.Background(), Xt, yt, nil, EnsembleConfig{Seed: 0})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Predict(context.Background(), Xv)
	if err != nil {
		t.Fatal(err)
	}
	mse, base := mseAndBaseline(p.Mean, yv)
	t.Logf("ESOL 420 labels: RMSE %.3f (mean predictor %.3f)", math.Sqrt(mse), math.Sqrt(base))
	if math.Sqrt(mse) > 1.0 {
		t.Errorf("RMSE %.3f, want <= 1.0", math.Sqrt(mse))
	}
}

func pick[T any](y []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, r := range idx {
		out[i] = y[r]
	}
	return out
}

// The same seed gives bit-identical models with 1 or 4 workers and
// GOMAXPROCS 1 or 4.
func TestTrainDeterministicAcrossCores(t *testing.T) {
	X, y := synth(400, 3)
	Xt, _ := synth(200, 4)
	yc := make([]float64, len(y))
	for i, v := range y {
		if v > 0 {
			yc[i] = 1
		}
	}
	for _, c := range []struct {
		name string
		cfg  EnsembleConfig
		y    []float64
	}{
		{"forest regression", EnsembleConfig{Members: 8, Seed: 7}, y},
		{"forest classification", EnsembleConfig{Task: Classification, Members: 8, Seed: 7}, yc},
		{"ridge", EnsembleConfig{Learner: Linear, Members: 4, Seed: 7}, y},
		{"logistic", EnsembleConfig{Task: Classification, Learner: Linear, Members: 4, Seed: 7}, yc},
		{"forest+ridge", EnsembleConfig{Learner: ForestLinear, Members: 7, Seed: 7}, y},
		{"forest+logistic", EnsembleConfig{Task: Classification, Learner: ForestLinear, Members: 6, Seed: 7}, yc},
	} {
		var blobs [][]byte
		var preds [][]float64
		for _, procs := range []int{1, 4} {
			old := runtime.GOMAXPROCS(procs)
			cfg := c.cfg
			cfg.Workers = 0
			e, err := TrainEnsemble(context.Background(), X, c.y, nil, cfg)
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Workers = procs
			e2, err := TrainEnsemble(context.Background(), X, c.y, nil, cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []*Ensemble{e, e2} {
				b, _ := m.MarshalBinary()
				blobs = append(blobs, b)
				p, err := m.Predict(context.Background(), Xt)
				if err != nil {
					t.Fatal(err)
				}
				preds = append(preds, append(p.Mean, p.Std...))
			}
		}
		for i := 1; i < len(blobs); i++ {
			if !bytes.Equal(blobs[0], blobs[i]) {
				t.Errorf("%s: model %d differs from model 0", c.name, i)
			}
			if !slices.Equal(preds[0], preds[i]) {
				t.Errorf("%s: predictions %d differ", c.name, i)
			}
		}
	}
}

// Rows of weight 0 take no part: adding them leaves the model unchanged.
func TestZeroWeightRowsIgnored(t *testing.T) {
	t.Parallel()
	X, y := synth(300, 3)
	junk, _ := synth(100, 8)
	big := X.Subset(nil)
	var yb, wb []float64
	// Interleave junk rows (absurd labels, weight 0) with the real ones.
	for i := 0; i < X.Rows(); i++ {
		if i%3 == 0 {
			j := i / 3
			big.AppendRow(junk.BitsRow(j), junk.Dense(j))
			yb = append(yb, 1e6)
			wb = append(wb, 0)
		}
		big.AppendRow(X.BitsRow(i), X.Dense(i))
		yb = append(yb, y[i])
		wb = append(wb, 1)
	}
	Xt, _ := synth(100, 4)
	for _, learner := range []LearnerKind{Forest, Linear, ForestLinear} {
		cfg := EnsembleConfig{Members: 6, Seed: 3, Learner: learner}
		a, err := TrainEnsemble(context.Background(), X, y, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := TrainEnsemble(context.Background(), big, yb, wb, cfg)
		if err != nil {
			t.Fatal(err)
		}
		pa, _ := a.Predict(context.Background(), Xt)
		pb, _ := b.Predict(context.Background(), Xt)
		for i := range pa.Mean {
			if math.Abs(pa.Mean[i]-pb.Mean[i]) > 1e-9*math.Max(1, math.Abs(pa.Mean[i])) {
				t.Fatalf("%v row %d: %v without junk, %v with weight-0 junk", learner, i, pa.Mean[i], pb.Mean[i])
			}
		}
		if oob := b.OutOfBag(0); len(oob) < 100 || oob[0] != 0 {
			t.Errorf("%v: weight-0 rows must be out of bag", learner)
		}
	}
}

// Weights count: identical features with labels 0 (weight 1) and 10
// (weight 9) give a weighted mean near 9, not the unweighted 5.
func TestSampleWeightsPullPredictions(t *testing.T) {
	t.Parallel()
	X := NewFeatures(64, 1, 0)
	var y, w []float64
	for i := range 2000 {
		X.AppendRowOnBits([]int{3}, []float32{1})
		if i%2 == 0 {
			y, w = append(y, 0), append(w, 1)
		} else {
			y, w = append(y, 10), append(w, 9)
		}
	}
	for _, learner := range []LearnerKind{Forest, Linear, ForestLinear} {
		e, err := TrainEnsemble(context.Background(), X, y, w, EnsembleConfig{Members: 8, Seed: 1, Learner: learner})
		if err != nil {
			t.Fatal(err)
		}
		p, _ := e.Predict(context.Background(), X.Slice(0, 1))
		if math.Abs(p.Mean[0]-9) > 0.2 {
			t.Errorf("%v: weighted prediction %.3f, want about 9", learner, p.Mean[0])
		}
	}
}

// Uncertainty means something: rows unlike the training data (other
// scaffolds, descriptors far out) get a larger spread across members.
func TestUncertaintyLargerFarFromTraining(t *testing.T) {
	t.Parallel()
	m := newSynthModel(defaultSynth(0, 1))
	X, y := m.generate(800, 3, 0.3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	near, _ := m.generate(300, 4, 0.3)
	far := newSynthModel(synthConfig{rows: 0, nBits: 2048, nDense: 20, clusters: 300, seed: 77})
	farX, _ := far.generate(300, 5, 0.3)
	for i := 0; i < farX.Rows(); i++ {
		for j := range farX.Dense(i) {
			farX.Dense(i)[j] = farX.Dense(i)[j]*3 + 4
		}
	}
	pn, _ := e.Predict(context.Background(), near)
	pf, _ := e.Predict(context.Background(), farX)
	mn, mf := mean(pn.Std), mean(pf.Std)
	t.Logf("mean std: near %.3f far %.3f", mn, mf)
	if mf < 1.2*mn {
		t.Errorf("std far from training %.3f, near %.3f: want far clearly larger", mf, mn)
	}
	d := NewDomain(X)
	dn, _, err := d.Distances(context.Background(), near, 5)
	if err != nil {
		t.Fatal(err)
	}
	df, _, _ := d.Distances(context.Background(), farX, 5)
	if mean(df) <= mean(dn)+0.1 {
		t.Errorf("domain distance far %.3f, near %.3f", mean(df), mean(dn))
	}
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// auc is the Mann-Whitney ROC AUC (ties count one half).
func auc(score, y []float64) float64 {
	var pos, neg, s float64
	for i := range score {
		for j := range score {
			if y[i] == 1 && y[j] == 0 {
				switch {
				case score[i] > score[j]:
					s++
				case score[i] == score[j]:
					s += 0.5
				}
			}
		}
		if y[i] == 1 {
			pos++
		} else {
			neg++
		}
	}
	return s / (pos * neg)
}

func TestClassificationProbabilities(t *testing.T) {
	t.Parallel()
	m := newSynthModel(defaultSynth(0, 1))
	X, yr := m.generate(600, 3, 0.3)
	Xt, ytr := m.generate(400, 4, 0.3)
	thr := median(yr)
	cls := func(v []float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			if x > thr {
				out[i] = 1
			}
		}
		return out
	}
	y, yt := cls(yr), cls(ytr)
	for _, learner := range []LearnerKind{Forest, Linear, ForestLinear} {
		e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Task: Classification, Learner: learner, Seed: 1, Members: 16})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.PredictMembers(context.Background(), Xt)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range p.Mean {
			if !(v >= 0 && v <= 1) || !(p.Std[i] >= 0 && p.Std[i] <= 0.5) {
				t.Fatalf("%v row %d: probability %v std %v", learner, i, v, p.Std[i])
			}
			for mi := range p.Members {
				if q := p.Members[mi][i]; !(q >= 0 && q <= 1) {
					t.Fatalf("%v member %d row %d: probability %v", learner, mi, i, q)
				}
			}
		}
		a := auc(p.Mean, yt)
		t.Logf("%v ROC-AUC %.3f", learner, a)
		if a < 0.8 {
			t.Errorf("%v ROC-AUC %.3f, want >= 0.8", learner, a)
		}
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func TestPredictionOutputsAgree(t *testing.T) {
	t.Parallel()
	X, y := synth(300, 3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 8, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	P, _ := synth(5000, 4)
	full, err := e.PredictMembers(context.Background(), P)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := e.Predict(context.Background(), P)
	var compact Predictions
	if err := e.PredictInto(context.Background(), P, &compact); err != nil {
		t.Fatal(err)
	}
	for i := range full.Mean {
		var s, q float64
		for m := range full.Members {
			s += full.Members[m][i]
		}
		mu := s / 8
		for m := range full.Members {
			q += (full.Members[m][i] - mu) * (full.Members[m][i] - mu)
		}
		if math.Abs(mu-full.Mean[i]) > 1e-12 || math.Abs(math.Sqrt(q/8)-full.Std[i]) > 1e-12 {
			t.Fatalf("row %d: mean/std disagree with members", i)
		}
		if plain.Mean[i] != full.Mean[i] || plain.Std[i] != full.Std[i] {
			t.Fatalf("row %d: Predict and PredictMembers differ", i)
		}
		if compact.Mean[i] != float32(full.Mean[i]) || compact.Std[i] != float32(full.Std[i]) {
			t.Fatalf("row %d: PredictInto differs", i)
		}
	}
	// ScoreTopK = the k highest std, ties by row, NaN-scored rows excluded.
	excluded := map[int]bool{}
	order := make([]int, P.Rows())
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case full.Std[a] > full.Std[b]:
			return -1
		case full.Std[a] < full.Std[b]:
			return 1
		}
		return 0
	})
	for _, r := range order[:10] {
		if r%2 == 0 {
			excluded[r] = true
		}
	}
	var want []int
	for _, r := range order {
		if !excluded[r] && len(want) < 50 {
			want = append(want, r)
		}
	}
	top, err := e.ScoreTopK(context.Background(), P, 50, func(row int, _, std float64) float64 {
		if excluded[row] {
			return math.NaN()
		}
		return std
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range top {
		if s.Row != want[i] || s.Std != full.Std[s.Row] || s.Mean != full.Mean[s.Row] {
			t.Fatalf("top[%d] = %+v, want row %d", i, s, want[i])
		}
	}
	if all, _ := e.ScoreTopK(context.Background(), P.Slice(0, 3), 10, nil); len(all) != 3 {
		t.Errorf("k > rows: %d results", len(all))
	}
}

func TestOutOfBag(t *testing.T) {
	t.Parallel()
	X, y := synth(1000, 3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for m := range 4 {
		oob := e.OutOfBag(m)
		// P(not drawn in n draws) = (1-1/n)^n ~ e^-1 = 0.368.
		if f := float64(len(oob)) / 1000; f < 0.32 || f > 0.42 {
			t.Errorf("member %d: out-of-bag fraction %.3f", m, f)
		}
	}
	if slices.Equal(e.OutOfBag(0), e.OutOfBag(1)) {
		t.Errorf("members drew the same resample")
	}
}

func TestInputErrors(t *testing.T) {
	t.Parallel()
	X, y := synth(20, 3)
	nanDense := X.Subset([]int{0, 1, 2})
	nanDense.Dense(1)[2] = float32(math.Inf(1))
	bad := func(i int, v float64) []float64 { c := slices.Clone(y); c[i] = v; return c }
	ones := func(n int) []float64 {
		w := make([]float64, n)
		for i := range w {
			w[i] = 1
		}
		return w
	}
	cls := make([]float64, 20)
	cases := []struct {
		name string
		X    *Features
		y, w []float64
		cfg  EnsembleConfig
		what string
		row  int
	}{
		{"nil X", nil, y, nil, EnsembleConfig{}, "X", -1},
		{"no rows", NewFeatures(8, 1, 0), nil, nil, EnsembleConfig{}, "X", -1},
		{"no features", NewFeatures(0, 0, 0), nil, nil, EnsembleConfig{}, "X", -1},
		{"short y", X, y[:5], nil, EnsembleConfig{}, "y", -1},
		{"short w", X, y, ones(3), EnsembleConfig{}, "w", -1},
		{"NaN target", X, bad(4, math.NaN()), nil, EnsembleConfig{}, "y", 4},
		{"Inf target", X, bad(6, math.Inf(-1)), nil, EnsembleConfig{}, "y", 6},
		{"+Inf target", X, bad(0, math.Inf(1)), nil, EnsembleConfig{}, "y", 0},
		{"1e308 target", X, bad(5, 1e308), nil, EnsembleConfig{}, "y", 5},
		{"-1.7e308 target ridge", X, bad(8, -1.7e308), nil, EnsembleConfig{Learner: Linear}, "y", 8},
		{"target just over bound", X, bad(19, math.Nextafter(MaxTarget, math.Inf(1))), nil, EnsembleConfig{}, "y", 19},
		{"huge weight", X, y, func() []float64 { w := ones(20); w[11] = 1e300; return w }(), EnsembleConfig{}, "w", 11},
		{"class 2", X, func() []float64 { c := slices.Clone(cls); c[3] = 2; return c }(), nil, EnsembleConfig{Task: Classification}, "y", 3},
		{"class 0.5", X, func() []float64 { c := slices.Clone(cls); c[7] = 0.5; return c }(), nil, EnsembleConfig{Task: Classification}, "y", 7},
		{"negative weight", X, y, func() []float64 { w := ones(20); w[9] = -1; return w }(), EnsembleConfig{}, "w", 9},
		{"NaN weight", X, y, func() []float64 { w := ones(20); w[2] = math.NaN(); return w }(), EnsembleConfig{}, "w", 2},
		{"all weights zero", X, y, make([]float64, 20), EnsembleConfig{}, "w", -1},
		{"Inf descriptor", nanDense, y[:3], nil, EnsembleConfig{}, "dense", 1},
	}
	for _, c := range cases {
		_, err := TrainEnsemble(context.Background(), c.X, c.y, c.w, c.cfg)
		var ie *InputError
		if !errors.As(err, &ie) || ie.What != c.what || ie.Row != c.row {
			t.Errorf("%s: got %v, want InputError %s row %d", c.name, err, c.what, c.row)
		}
	}
	configs := []struct {
		name  string
		cfg   EnsembleConfig
		field string
	}{
		{"task", EnsembleConfig{Task: 9}, "Task"},
		{"learner", EnsembleConfig{Learner: 9}, "Learner"},
		{"members", EnsembleConfig{Members: -2}, "Members"},
		{"workers", EnsembleConfig{Workers: -1}, "Workers"},
		{"L2", EnsembleConfig{L2: -1}, "L2"},
		{"L2 NaN", EnsembleConfig{L2: math.NaN()}, "L2"},
		{"depth", EnsembleConfig{Tree: TreeConfig{MaxDepth: -1}}, "Tree.MaxDepth"},
		{"leaf", EnsembleConfig{Tree: TreeConfig{MinSamplesLeaf: -1}}, "Tree.MinSamplesLeaf"},
		{"split", EnsembleConfig{Tree: TreeConfig{MinSamplesSplit: 1}}, "Tree.MinSamplesSplit"},
		{"bits", EnsembleConfig{Tree: TreeConfig{MaxBitFeatures: -2}}, "Tree.MaxBitFeatures"},
		{"dense", EnsembleConfig{Tree: TreeConfig{MaxDenseFeatures: -5}}, "Tree.MaxDenseFeatures"},
		{"bins", EnsembleConfig{Tree: TreeConfig{MaxBins: 300}}, "Tree.MaxBins"},
	}
	for _, c := range configs {
		_, err := TrainEnsemble(context.Background(), X, y, nil, c.cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("%s: got %v, want ConfigError on %s", c.name, err, c.field)
		}
	}
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ie *InputError
	if _, err := e.Predict(context.Background(), NewFeatures(1024, 20, 0)); !errors.As(err, &ie) {
		t.Errorf("shape mismatch: %v", err)
	}
	if _, err := e.ScoreTopK(context.Background(), X, -1, nil); !errors.As(err, &ie) {
		t.Errorf("negative k: %v", err)
	}
	if top, err := e.ScoreTopK(context.Background(), X, 1<<50, nil); err != nil || len(top) != X.Rows() {
		t.Errorf("huge k: %d results, %v", len(top), err)
	}
	if err := e.PredictInto(context.Background(), X, nil); !errors.As(err, &ie) {
		t.Errorf("nil out: %v", err)
	}
}

func TestContextCancellation(t *testing.T) {
	t.Parallel()
	X, y := synth(200, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TrainEnsemble(ctx, X, y, nil, EnsembleConfig{Members: 64, Workers: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("train: %v", err)
	}
	e, _ := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 2})
	if _, err := e.Predict(ctx, X); !errors.Is(err, context.Canceled) {
		t.Errorf("predict: %v", err)
	}
}

func TestEmptyPoolAndAccessors(t *testing.T) {
	t.Parallel()
	X, y := synth(50, 3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Predict(context.Background(), NewFeatures(2048, 20, 0))
	if err != nil || len(p.Mean) != 0 {
		t.Errorf("empty pool: %v %v", p, err)
	}
	if e.Members() != 3 || e.Task() != Regression || e.Learner() != Forest || e.TrainRows() != 50 {
		t.Errorf("accessors: %d %v %v %d", e.Members(), e.Task(), e.Learner(), e.TrainRows())
	}
	if b, d := e.Shape(); b != 2048 || d != 20 {
		t.Errorf("Shape = %d, %d", b, d)
	}
	if c := e.Config(); c.Members != 3 || c.Tree.MaxBins != 64 || c.Tree.MinSamplesLeaf != 1 {
		t.Errorf("Config = %+v", c)
	}
}

// Out-of-bag predictions use only the members that left a row out, so on
// the training rows they are close to held-out accuracy, far from the
// in-bag fit.
func TestOutOfBagPredict(t *testing.T) {
	t.Parallel()
	m := newSynthModel(defaultSynth(0, 1))
	X, y := m.generate(500, 3, 0.3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	oob, counts, err := e.OutOfBagPredict(context.Background(), X)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := e.Predict(context.Background(), X)
	for i, c := range counts {
		want := len(slices.DeleteFunc(slicesRange(e.Members()), func(m int) bool { return !slices.Contains(e.OutOfBag(m), i) }))
		if c != want {
			t.Fatalf("row %d: count %d, want %d", i, c, want)
		}
	}
	mseOOB, _ := mseAndBaseline(oob.Mean, y)
	mseIn, _ := mseAndBaseline(in.Mean, y)
	Xt, yt := m.generate(500, 9, 0.3)
	pt, _ := e.Predict(context.Background(), Xt)
	mseTest, _ := mseAndBaseline(pt.Mean, yt)
	t.Logf("MSE in-bag %.3f, out-of-bag %.3f, held-out %.3f", mseIn, mseOOB, mseTest)
	if mseOOB < 2*mseIn || math.Abs(mseOOB-mseTest) > 0.35*mseTest {
		t.Errorf("out-of-bag MSE %.3f should be near held-out %.3f and far above in-bag %.3f", mseOOB, mseTest, mseIn)
	}
	var ie *InputError
	if _, _, err := e.OutOfBagPredict(context.Background(), X.Slice(0, 10)); !errors.As(err, &ie) {
		t.Errorf("wrong row count: %v", err)
	}
}

func slicesRange(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// Matrices without descriptors or without fingerprints train, predict and
// round-trip like any other.
func TestDegenerateShapes(t *testing.T) {
	t.Parallel()
	X, y := synth(200, 3)
	dense := NewFeatures(0, X.NDense(), X.Rows())
	bitsOnlyX := NewFeatures(X.NBits(), 0, X.Rows())
	for i := 0; i < X.Rows(); i++ {
		dense.AppendRow(nil, X.Dense(i))
		bitsOnlyX.AppendRow(X.BitsRow(i), nil)
	}
	for name, M := range map[string]*Features{"descriptors only": dense, "bits only": bitsOnlyX} {
		for _, learner := range []LearnerKind{Forest, Linear, ForestLinear} {
			e, err := TrainEnsemble(context.Background(), M, y, nil, EnsembleConfig{Members: 4, Seed: 1, Learner: learner})
			if err != nil {
				t.Fatalf("%s %v: %v", name, learner, err)
			}
			p, err := e.Predict(context.Background(), M)
			if err != nil {
				t.Fatal(err)
			}
			mse, base := mseAndBaseline(p.Mean, y)
			if mse >= base {
				t.Errorf("%s %v: training MSE %.3f not below the mean predictor's %.3f", name, learner, mse, base)
			}
			blob, _ := e.MarshalBinary()
			var back Ensemble
			if err := back.UnmarshalBinary(blob); err != nil {
				t.Fatalf("%s %v: %v", name, learner, err)
			}
			q, _ := back.Predict(context.Background(), M)
			if !slices.Equal(p.Mean, q.Mean) {
				t.Errorf("%s %v: predictions change after a round trip", name, learner)
			}
		}
	}
}

func TestParseTask(t *testing.T) {
	t.Parallel()
	for _, task := range []Task{Regression, Classification} {
		if got, err := ParseTask(task.String()); err != nil || got != task {
			t.Errorf("ParseTask(%q) = %v, %v", task.String(), got, err)
		}
	}
	var ce *ConfigError
	if _, err := ParseTask("ranking"); !errors.As(err, &ce) {
		t.Errorf("unknown task: %v", err)
	}
	for _, k := range []LearnerKind{Forest, Linear, ForestLinear} {
		if got, err := ParseLearner(k.String()); err != nil || got != k {
			t.Errorf("ParseLearner(%q) = %v, %v", k.String(), got, err)
		}
	}
	if ForestLinear.String() != "forest+linear" {
		t.Errorf("ForestLinear.String() = %q", ForestLinear.String())
	}
	if _, err := ParseLearner("boosting"); !errors.As(err, &ce) {
		t.Errorf("unknown learner: %v", err)
	}
}

// A forest+linear ensemble is its trees followed by its linear members:
// the first ceil(M/2) members predict what a forest with the same seed
// predicts member for member, and the mean is the mean of all members.
func TestForestLinearMembers(t *testing.T) {
	t.Parallel()
	X, y := synth(300, 3)
	Xt, _ := synth(50, 4)
	ctx := context.Background()
	mixed, err := TrainEnsemble(ctx, X, y, nil, EnsembleConfig{Members: 5, Seed: 2, Learner: ForestLinear})
	if err != nil {
		t.Fatal(err)
	}
	forest, err := TrainEnsemble(ctx, X, y, nil, EnsembleConfig{Members: 5, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	pm, _ := mixed.PredictMembers(ctx, Xt)
	pf, _ := forest.PredictMembers(ctx, Xt)
	for m := 0; m < 3; m++ {
		if !slices.Equal(pm.Members[m], pf.Members[m]) {
			t.Errorf("member %d: tree of the mixed ensemble differs from the forest's", m)
		}
	}
	for m := 3; m < 5; m++ {
		if slices.Equal(pm.Members[m], pf.Members[m]) {
			t.Errorf("member %d: expected a linear member, got the forest's tree", m)
		}
	}
	for i := range pm.Mean {
		var s float64
		for m := range pm.Members {
			s += pm.Members[m][i]
		}
		if math.Abs(s/5-pm.Mean[i]) > 1e-12 {
			t.Fatalf("row %d: mean %v, members average %v", i, pm.Mean[i], s/5)
		}
	}
}
