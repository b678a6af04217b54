package simulation

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"activelab/ml"
	"activelab/ml/metrics"
)

// With the product's features (Morgan bits + the 34 dense features), the
// default learner (half trees, half ridge models) predicts ESOL clearly
// better than a forest of the same size: 420 random labels from the
// non-validation pool, validation = the simulator's 20 % split, seeds
// 0-4. When it became the default: forest RMSE 0.670, forest+linear
// 0.619 (the numbers are logged). ESOL is the repository's copy
// (examples/esol.csv, Delaney 2004).
func TestDefaultLearnerOnProductFeatures(t *testing.T) {
	t.Parallel()
	ds, _ := loadFile(t, filepath.Join("..", "..", "examples", "esol.csv"))
	val, pool := Split(ds.X.Rows(), 0.2, 0)
	yv := make([]float64, len(val))
	for i, r := range val {
		yv[i] = ds.Y[r]
	}
	Xv := ds.X.Subset(val)
	rmse := func(learner ml.LearnerKind) float64 {
		var sum float64
		for seed := range 5 {
			perm := rand.New(rand.NewPCG(uint64(seed), 77)).Perm(len(pool))
			lab := make([]int, 420)
			yl := make([]float64, len(lab))
			for i := range lab {
				lab[i] = pool[perm[i]]
				yl[i] = ds.Y[lab[i]]
			}
			e, err := ml.TrainEnsemble(context.Background(), ds.X.Subset(lab), yl, nil,
				ml.EnsembleConfig{Learner: learner, Seed: uint64(seed)})
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.Predict(context.Background(), Xv)
			if err != nil {
				t.Fatal(err)
			}
			r, err := metrics.RMSE(yv, p.Mean, nil)
			if err != nil {
				t.Fatal(err)
			}
			sum += r
		}
		return sum / 5
	}
	forest, mixed := rmse(ml.Forest), rmse(ml.DefaultLearner)
	t.Logf("ESOL, 420 labels: RMSE forest %.4f, %v %.4f", forest, ml.DefaultLearner, mixed)
	if math.IsNaN(mixed) || mixed > forest-0.03 {
		t.Errorf("%v RMSE %.4f, forest %.4f: want at least 0.03 lower", ml.DefaultLearner, mixed, forest)
	}
}
