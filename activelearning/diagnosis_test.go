package activelearning_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/ident"
	"activelab/ml/metrics"
	"activelab/store"
	"activelab/store/storetest"
)

// truthOf returns each ESOL compound's measured value by input SMILES.
func (e *env) truthOf(t *testing.T) map[store.ID]float64 {
	t.Helper()
	bySMILES := map[string]float64{}
	for _, r := range readESOL(t) {
		bySMILES[r.SMILES] = r.Value
	}
	out := map[store.ID]float64{}
	for _, it := range e.items(t, "") {
		comp, err := e.st.CompoundByID(e.ctx, it.CompoundID)
		if err != nil {
			t.Fatal(err)
		}
		out[it.CompoundID] = bySMILES[comp.InputSMILES]
	}
	return out
}

func (e *env) diagnosis(t *testing.T, cycleID store.ID) *activelearning.CycleDiagnosis {
	t.Helper()
	ds, err := e.svc.CycleDiagnoses(e.ctx, []store.ID{cycleID})
	if err != nil {
		t.Fatal(err)
	}
	d := ds[cycleID]
	if d == nil {
		t.Fatalf("no diagnosis for cycle %v", cycleID)
	}
	return d
}

// TestSelectionRecordsExploreAndIntervals checks what a selection stores
// for the diagnosis: the default strategy's half batch of random picks is
// marked explore (as the preview says, compound by compound), every pick of
// the random strategy is, and every item carries the version's 90 %
// interval, centred on the prediction and wider where the ensemble's
// spread is larger (normalised conformal); a retrain's re-scoring rewrites
// the interval of the items it moves, and keeps their explore mark.
func TestSelectionRecordsExploreAndIntervals(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		in := activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "mix", BatchSize: 10, Seed: 3}
		preview, err := e.svc.PreviewSelection(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.svc.SelectSamples(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		exploreOf := map[store.ID]bool{}
		for _, p := range preview {
			exploreOf[p.CompoundID] = p.Explore
		}
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		explore := 0
		for _, it := range items {
			if it.Explore {
				explore++
			}
			if it.Explore != exploreOf[it.CompoundID] {
				t.Errorf("item of compound %v: explore %v, the preview said %v", it.CompoundID, it.Explore, exploreOf[it.CompoundID])
			}
		}
		if explore != 5 {
			t.Errorf("%d of 10 items marked explore, want 5 (the mix's explore=0.5)", explore)
		}
		checkIntervals(t, items)

		r := e.selectBatch(t, "random", 4)
		for _, it := range e.items(t, "selection_batch = ?", r.CycleNumber) {
			if !it.Explore {
				t.Errorf("random strategy's item %v is not marked explore", it.ID)
			}
		}

		// Label 8 of cycle 1 and retrain: the two left pending move to the
		// new version with its prediction and interval, explore kept.
		truth := e.truthOf(t)
		for _, it := range items[:8] {
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: truth[it.CompoundID]}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 1); err != nil {
			t.Fatal(err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		moved := e.items(t, "selection_batch = ? AND status = ?", c.CycleNumber, store.QueuePending)
		if len(moved) != 2 {
			t.Fatalf("%d pending items of cycle 1 after the retrain, want 2", len(moved))
		}
		for i, it := range moved {
			before := items[8+i]
			if it.ID != before.ID || it.ModelID == before.ModelID || it.Explore != before.Explore {
				t.Errorf("moved item %v: model %v (was %v), explore %v (was %v)", it.ID, it.ModelID, before.ModelID, it.Explore, before.Explore)
			}
			if *it.IntervalLow == *before.IntervalLow && *it.IntervalHigh == *before.IntervalHigh {
				t.Errorf("moved item %v kept the old version's interval [%v, %v]", it.ID, *it.IntervalLow, *it.IntervalHigh)
			}
		}
		checkIntervals(t, moved)
	})
}

// checkIntervals checks that each item has an interval centred on its
// prediction whose width is an increasing function of its uncertainty:
// ml.Ensemble.Interval is mean ± q·(std·c + eps) with q, c, eps fixed per
// version, so width/2 = a·std + b with a > 0, b > 0 for every item of one
// version.
func checkIntervals(t *testing.T, items []*store.LabelQueueItem) {
	t.Helper()
	type point struct{ std, half float64 }
	byVersion := map[store.ID][]point{}
	for _, it := range items {
		if it.IntervalLow == nil || it.IntervalHigh == nil {
			t.Fatalf("item %v has no interval", it.ID)
		}
		lo, hi, mu := *it.IntervalLow, *it.IntervalHigh, *it.Prediction
		if !(lo < mu && mu < hi) || math.Abs((mu-lo)-(hi-mu)) > 1e-9*(1+math.Abs(mu)) {
			t.Errorf("item %v: interval [%v, %v] not centred on prediction %v", it.ID, lo, hi, mu)
		}
		byVersion[it.ModelID] = append(byVersion[it.ModelID], point{*it.Uncertainty, (hi - lo) / 2})
	}
	for v, ps := range byVersion {
		slices.SortFunc(ps, func(a, b point) int {
			switch {
			case a.std < b.std:
				return -1
			case a.std > b.std:
				return 1
			}
			return 0
		})
		for i := 1; i < len(ps); i++ {
			if ps[i].std > ps[i-1].std && !(ps[i].half > ps[i-1].half) {
				t.Errorf("version %v: std %v has half-width %v, std %v has %v: not increasing", v, ps[i-1].std, ps[i-1].half, ps[i].std, ps[i].half)
			}
		}
		// Two points fix a and b; every other must lie on that line.
		if first, last := ps[0], ps[len(ps)-1]; last.std > first.std {
			a := (last.half - first.half) / (last.std - first.std)
			b := first.half - a*first.std
			if !(a > 0 && b > 0) {
				t.Errorf("version %v: half-width = %v·std + %v, want both positive", v, a, b)
			}
			for _, p := range ps {
				if math.Abs(a*p.std+b-p.half) > 1e-9*(1+p.half) {
					t.Errorf("version %v: std %v half-width %v off the line %v·std + %v", v, p.std, p.half, a, b)
				}
			}
		}
	}
}

// TestCycleDiagnosis checks a cycle's diagnosis as its labels arrive,
// against values computed here from the stored items and the ESOL
// truth: the thin-evidence sentences, then, with all ten labels, the
// hardness ratio (mean |error| of the strategy's picks over the random
// picks'), Spearman(|error|, std) (ml/metrics.Spearman, checked against
// SciPy) and the 90 % intervals' coverage; a retracted label leaves it.
func TestCycleDiagnosis(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c := e.selectBatch(t, "mix", 10)
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		truth := e.truthOf(t)

		d := e.diagnosis(t, c.ID)
		if d.Labeled != 0 || d.Needed != activelearning.DiagnosisMinLabels || d.Hardness != nil || d.Rho != nil || d.Coverage != nil {
			t.Errorf("no labels: %+v", d)
		}
		if want := "no labels yet (5 needed to check the selection)"; d.Sentence != want {
			t.Errorf("sentence %q, want %q", d.Sentence, want)
		}
		for _, it := range items[:3] {
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: truth[it.CompoundID]}); err != nil {
				t.Fatal(err)
			}
		}
		d = e.diagnosis(t, c.ID)
		if want := "not enough labels yet (3 of 5 needed)"; d.Labeled != 3 || d.Sentence != want || d.Rho != nil || d.Hardness != nil {
			t.Errorf("3 labels: labeled %d, sentence %q (want %q), rho %v, hardness %v", d.Labeled, d.Sentence, want, d.Rho, d.Hardness)
		}
		for _, it := range items[3:] {
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: truth[it.CompoundID]}); err != nil {
				t.Fatal(err)
			}
		}

		// The expected values, from the stored items.
		var errU, errE, absErr, std []float64
		inside := 0
		for _, it := range items {
			y := truth[it.CompoundID]
			ae := math.Abs(y - *it.Prediction)
			absErr, std = append(absErr, ae), append(std, *it.Uncertainty)
			if it.Explore {
				errE = append(errE, ae)
			} else {
				errU = append(errU, ae)
			}
			if y >= *it.IntervalLow && y <= *it.IntervalHigh {
				inside++
			}
		}
		mean := func(x []float64) float64 {
			s := 0.0
			for _, v := range x {
				s += v
			}
			return s / float64(len(x))
		}
		rho, err := metrics.Spearman(absErr, std)
		if err != nil {
			t.Fatal(err)
		}
		d = e.diagnosis(t, c.ID)
		near := func(got *float64, want float64) bool {
			return got != nil && math.Abs(*got-want) <= 1e-9*(1+math.Abs(want))
		}
		if d.Labeled != 10 || d.Exploit != 5 || d.Explore != 5 {
			t.Errorf("10 labels: labeled %d, exploit %d, explore %d; want 10, 5, 5", d.Labeled, d.Exploit, d.Explore)
		}
		if !near(d.Hardness, mean(errU)/mean(errE)) || !near(d.ExploitError, mean(errU)) || !near(d.ExploreError, mean(errE)) {
			t.Errorf("hardness %v (errors %v / %v), want %v / %v", deref(d.Hardness), deref(d.ExploitError), deref(d.ExploreError), mean(errU), mean(errE))
		}
		if !near(d.Rho, rho) || d.RhoN != 10 {
			t.Errorf("rho %v over %d, want %v over 10", deref(d.Rho), d.RhoN, rho)
		}
		if !near(d.Coverage, float64(inside)/10) || d.CoverageN != 10 || d.Level != activelearning.PredictInterval {
			t.Errorf("coverage %v of %d at %v, want %v of 10 at 0.9", deref(d.Coverage), d.CoverageN, d.Level, float64(inside)/10)
		}
		t.Logf("cycle 1 of 10 labels: %s", d.Sentence)
		for _, part := range []string{"uncertainty picks were ", " random picks (mean |error| ", "5 labels vs 5 labels",
			"the model's uncertainty ", "over 10 labels", "90% intervals covered "} {
			if !strings.Contains(d.Sentence, part) {
				t.Errorf("sentence %q lacks %q", d.Sentence, part)
			}
		}

		// A retracted label is no longer evidence.
		if _, err := e.svc.RetractLabel(e.ctx, e.sci, items[0].ID, "wrong vial"); err != nil {
			t.Fatal(err)
		}
		if d = e.diagnosis(t, c.ID); d.Labeled != 9 || d.RhoN != 9 {
			t.Errorf("after a retraction: labeled %d, rho over %d; want 9", d.Labeled, d.RhoN)
		}

		// An unknown cycle is left out, the others answered in one call.
		other := e.selectBatch(t, "random", 3)
		ds, err := e.svc.CycleDiagnoses(e.ctx, []store.ID{c.ID, other.ID, ident.New()})
		if err != nil || len(ds) != 2 || ds[other.ID].Labeled != 0 {
			t.Errorf("CycleDiagnoses = %v, %v", ds, err)
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestCycleDiagnosisClassification checks the diagnosis of a binary
// endpoint: the error of a pick is |label − p(class 1)|, a classification
// version gives no interval (no coverage, no level, nothing about
// intervals in the sentence).
func TestCycleDiagnosisClassification(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		// A binary endpoint: soluble when logS > -3 (ESOL values).
		_, soluble := e.solubleModel(t, activelearning.SplitInput{Seed: 1})
		c := e.selectBatch(t, "mix", 10)
		var errU, errE []float64
		for _, it := range e.items(t, "selection_batch = ?", c.CycleNumber) {
			if it.IntervalLow != nil || it.IntervalHigh != nil {
				t.Errorf("classification item %v has an interval", it.ID)
			}
			comp, err := e.st.CompoundByID(e.ctx, it.CompoundID)
			if err != nil {
				t.Fatal(err)
			}
			y := soluble[comp.InputSMILES]
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: y}); err != nil {
				t.Fatal(err)
			}
			if it.Explore {
				errE = append(errE, math.Abs(y-*it.Prediction))
			} else {
				errU = append(errU, math.Abs(y-*it.Prediction))
			}
		}
		mean := func(x []float64) float64 {
			s := 0.0
			for _, v := range x {
				s += v
			}
			return s / float64(len(x))
		}
		d := e.diagnosis(t, c.ID)
		t.Logf("classification cycle: %s", d.Sentence)
		if d.Exploit != 5 || d.Explore != 5 || d.Hardness == nil || math.Abs(*d.Hardness-mean(errU)/mean(errE)) > 1e-9 {
			t.Errorf("exploit %d, explore %d, hardness %v; want 5, 5, %v", d.Exploit, d.Explore, deref(d.Hardness), mean(errU)/mean(errE))
		}
		if d.Coverage != nil || d.CoverageN != 0 || d.Level != 0 || strings.Contains(d.Sentence, "interval") {
			t.Errorf("classification: coverage %v of %d at %v, sentence %q; want no intervals", deref(d.Coverage), d.CoverageN, d.Level, d.Sentence)
		}
	})
}
