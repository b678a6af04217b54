package activelearning_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/selfcheck"
	"activelab/store"
	"activelab/store/storetest"
)

// shareOf reads the explore share an adaptive cycle recorded in its params.
func shareOf(t *testing.T, c *store.ActiveLearningCycle) float64 {
	t.Helper()
	var p struct {
		Strategy string
		Share    float64
	}
	if err := json.Unmarshal(c.Params, &p); err != nil || !selfcheck.IsAdaptive(p.Strategy) {
		t.Fatalf("cycle %d params %s: %v", c.CycleNumber, c.Params, err)
	}
	return p.Share
}

// TestAdaptiveStrategy runs the adaptive strategy (the default, asked for
// as "adaptive", "default" or not at all) for eight cycles
// of twelve on two lineages whose labels the test writes: on one the
// strategy's picks are the model's mistakes (errors 5 times those of the
// random picks), on the other the errors do not depend on how an item was
// picked (uninformative uncertainty). The second must move toward more
// random picks than the first, which keeps to the least exploring arm;
// their posteriors say why. (Eight noisy batches do not settle the
// uninformative lineage on random batches: its hardness ratios scatter
// around 1 by about ±30 %, against a margin of 25 %.) Each cycle records
// its share and the batch composition it resolved to, and a preview plays
// the same share as the selection after it.
func TestAdaptiveStrategy(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		informative := e.model
		uninformative := e.createModel(t, "esol-b", "random")
		// |error| of the k-th item of a batch, whatever its pick: a fixed
		// spread of magnitudes, so errors vary but not with the pick.
		spread := []float64{0.2, 0.9, 0.5, 0.3, 0.7, 0.4}
		run := func(m *store.MLModel, errorOf func(k int, it *store.LabelQueueItem) float64) []float64 {
			var shares []float64
			for i := range 8 {
				// IncludeLabeled: the two lineages share the pool and its
				// endpoint, and each has its own queue. The default (by
				// name or by omission) is the adaptive strategy.
				strategy := []string{"adaptive", "default", ""}[i%3]
				in := activelearning.SelectInput{ModelID: m.ID, SetID: e.poolSet, Strategy: strategy, BatchSize: 12, Seed: 5, IncludeLabeled: true}
				preview, err := e.svc.PreviewSelection(e.ctx, e.sci, in)
				if err != nil {
					t.Fatal(err)
				}
				c, err := e.svc.SelectSamples(e.ctx, e.sci, in)
				if err != nil {
					t.Fatal(err)
				}
				share := shareOf(t, c)
				shares = append(shares, share)
				want := fmt.Sprintf("uncertainty+cluster=20+explore=%g", share)
				if share == 1 {
					want = "random"
				}
				if c.SelectionStrategy != want {
					t.Errorf("cycle %d: share %g played as %q, want %q", c.CycleNumber, share, c.SelectionStrategy, want)
				}
				items := e.items(t, "lineage_id = ? AND selection_batch = ?", m.ID, c.CycleNumber)
				explore, previewExplore := 0, 0
				for _, p := range preview {
					if p.Explore {
						previewExplore++
					}
				}
				for k, it := range items {
					if it.Explore {
						explore++
					}
					sign := 1.0
					if k%2 == 1 {
						sign = -1
					}
					v := *it.Prediction + sign*errorOf(k, it)
					if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: v, Confirm: true}); err != nil {
						t.Fatal(err)
					}
				}
				if wantExplore := int(math.Round(share * 12)); explore != wantExplore || previewExplore != wantExplore {
					t.Errorf("cycle %d, share %g: %d random picks queued, %d previewed; want %d", c.CycleNumber, share, explore, previewExplore, wantExplore)
				}
			}
			return shares
		}
		hard := run(informative, func(k int, it *store.LabelQueueItem) float64 {
			if it.Explore {
				return spread[k%len(spread)]
			}
			return 5 * spread[k%len(spread)]
		})
		flat := run(uninformative, func(k int, _ *store.LabelQueueItem) float64 { return spread[k%len(spread)] })
		t.Logf("shares played: informative %v, uninformative %v", hard, flat)
		mean := func(x []float64) float64 {
			s := 0.0
			for _, v := range x {
				s += v
			}
			return s / float64(len(x))
		}
		if h, f := mean(hard[4:]), mean(flat[4:]); !(h <= 0.5 && f > h) {
			t.Errorf("mean share of the last four cycles: informative %.2f (want <= 0.5), uninformative %.2f (want more)", h, f)
		}
		// What the policies learned: on the informative lineage the least
		// exploring arm earns more than random batches (0); on the
		// uninformative one every exploit arm it tried earns less, so in
		// expectation its next batches hold more random picks.
		expected := func(m *store.MLModel) float64 {
			pol, err := e.svc.AdaptivePolicy(e.ctx, m.ID, 5)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %+v", m.Name, pol.Arms)
			for _, a := range pol.Arms {
				switch {
				case m == informative && a.Share == 0.25 && !(a.Mean > 0 && a.Observed == 8 && a.Played == 8):
					t.Errorf("informative: arm 0.25 %+v, want a positive mean from 8 observations", a)
				case m == uninformative && a.Share < 1 && a.Observed > 0 && !(a.Mean < 0):
					t.Errorf("uninformative: arm %g %+v, want a negative mean", a.Share, a)
				}
			}
			sum := 0.0
			for range 400 {
				sum += pol.Choose()
			}
			return sum / 400
		}
		h, f := expected(informative), expected(uninformative)
		t.Logf("expected share of the next batches: informative %.2f, uninformative %.2f", h, f)
		if !(f > h+0.25) {
			t.Errorf("expected share of the next batches: informative %.2f, uninformative %.2f; want the uninformative one clearly higher", h, f)
		}

		// A cycle of the fixed mix is the arm 0.5 (uncertainty+cluster=20
		// with explore=0.5): its diagnosis updates that arm, though no
		// adaptive cycle played it.
		c, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: informative.ID, SetID: e.poolSet,
			Strategy: "mix", BatchSize: 12, Seed: 5, IncludeLabeled: true})
		if err != nil {
			t.Fatal(err)
		}
		for k, it := range e.items(t, "lineage_id = ? AND selection_batch = ?", informative.ID, c.CycleNumber) {
			v := *it.Prediction + spread[k%len(spread)]
			if !it.Explore {
				v += 4 * spread[k%len(spread)]
			}
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: v, Confirm: true}); err != nil {
				t.Fatal(err)
			}
		}
		pol, err := e.svc.AdaptivePolicy(e.ctx, informative.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if a := pol.Arms[1]; a.Share != 0.5 || a.Observed != 1 || a.Played != 0 || !(a.Mean > 0) || pol.Step != 8 {
			t.Errorf("after a mix cycle: arm %+v, step %d; want arm 0.5 observed once with a positive mean, step 8", a, pol.Step)
		}

		if _, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: informative.ID, SetID: e.poolSet,
			Strategy: "adaptive", Diversity: 0.6, BatchSize: 4}); !isInputError(err, "diversity") {
			t.Errorf("adaptive with a diversity threshold: %v, want a diversity input error", err)
		}
		if _, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: informative.ID, SetID: e.poolSet,
			Diversity: 0.6, BatchSize: 4}); !isInputError(err, "diversity") {
			t.Errorf("the default with a diversity threshold: %v, want a diversity input error", err)
		}
	})
}

func isInputError(err error, field string) bool {
	var ie *activelearning.InputError
	return errors.As(err, &ie) && ie.Field == field
}
