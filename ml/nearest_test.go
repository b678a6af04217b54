package ml

import (
	"context"
	"testing"
)

// Nearest agrees with a brute-force scan of Tanimoto over every training
// row (first maximum wins) and with Distances' maxSimDist.
func TestDomainNearest(t *testing.T) {
	t.Parallel()
	train, _ := synth(300, 3)
	pool, _ := synth(200, 4)
	// The training rows themselves are their own nearest neighbours.
	d := NewDomain(train)
	ctx := context.Background()
	rows, sims, err := d.Nearest(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	maxD, _, err := d.Distances(ctx, pool, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < pool.Rows(); i++ {
		best, bestSim := 0, -1.0
		for r := 0; r < train.Rows(); r++ {
			if s := Tanimoto(pool.BitsRow(i), train.BitsRow(r)); s > bestSim {
				best, bestSim = r, s
			}
		}
		if sims[i] != bestSim || 1-sims[i] != maxD[i] {
			t.Fatalf("row %d: similarity %v, brute force %v, Distances %v", i, sims[i], bestSim, 1-maxD[i])
		}
		if got := Tanimoto(pool.BitsRow(i), train.BitsRow(rows[i])); got != bestSim {
			t.Fatalf("row %d: nearest row %d has similarity %v, best is row %d with %v", i, rows[i], got, best, bestSim)
		}
	}
	self, selfSim, err := d.Nearest(ctx, train.Subset([]int{7, 42}))
	if err != nil {
		t.Fatal(err)
	}
	for k, r := range []int{7, 42} {
		if selfSim[k] != 1 || Tanimoto(train.BitsRow(self[k]), train.BitsRow(r)) != 1 {
			t.Errorf("training row %d: nearest %d at %v, want an identical row", r, self[k], selfSim[k])
		}
	}
	if _, _, err := d.Nearest(ctx, NewFeatures(64, 0, 0)); err == nil {
		t.Error("a matrix of another fingerprint length was accepted")
	}
}
