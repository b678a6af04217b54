package server

import (
	"math"
	"testing"

	"activelab/store"
)

// TestIntervalLevelAPI drives interval(level) on predictions, candidates
// and queue items over GraphQL on both databases. Every interval is
// centred on its prediction and says its level; the default is 0.9;
// widths grow with the level; the half-width at a level over the
// half-width at 0.9 is the same for every row of a version (both are q ×
// (spread + eps), see ml.Ensemble.Interval), whether it comes from
// predict, from a preview or from a stored queue item (whose other levels
// are computed from the version's stored calibration); a queue item's
// interval at 0.5 is predict's for the same compound. A level outside
// (0, 1), or one that needs more calibration rows than the version has,
// is BAD_USER_INPUT with extensions.field "level".
func TestIntervalLevelAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		type interval struct{ Low, High, Level float64 }
		// levels are the aliases' levels, in increasing order.
		levels := []float64{0.2, 0.5, 0.9, 0.9, 0.95}
		const fields = `prediction l20: interval(level: 0.2) { low high level } l50: interval(level: 0.5) { low high level }
			def: interval { low high level } l90: interval(level: 0.9) { low high level } l95: interval(level: 0.95) { low high level }`
		type row struct {
			Prediction              float64
			L20, L50, Def, L90, L95 *interval
		}
		// ratios checks one row and returns its half-widths over the 90 %
		// one at levels 0.2, 0.5 and 0.95.
		ratios := func(what string, r row) []float64 {
			t.Helper()
			ivs := []*interval{r.L20, r.L50, r.Def, r.L90, r.L95}
			half := make([]float64, len(ivs))
			for i, iv := range ivs {
				if iv == nil {
					t.Fatalf("%s: no interval at %v", what, levels[i])
				}
				if iv.Level != levels[i] || math.Abs((r.Prediction-iv.Low)-(iv.High-r.Prediction)) > 1e-9 {
					t.Errorf("%s: interval %+v around %v, want level %v centred", what, *iv, r.Prediction, levels[i])
				}
				half[i] = (iv.High - iv.Low) / 2
				if i > 0 && half[i] < half[i-1]-1e-12 {
					t.Errorf("%s: half-width %v at %v narrower than %v at %v", what, half[i], levels[i], half[i-1], levels[i-1])
				}
			}
			if *r.Def != *r.L90 || !(half[1] < half[2]) || !(half[2] < half[4]) {
				t.Errorf("%s: default %+v, 90 %% %+v, half-widths %v", what, *r.Def, *r.L90, half)
			}
			return []float64{half[0] / half[2], half[1] / half[2], half[4] / half[2]}
		}
		var want []float64
		sameRatios := func(what string, r row) {
			t.Helper()
			got := ratios(what, r)
			if want == nil {
				want = got
			}
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-9 {
					t.Errorf("%s: half-width ratios %v, want %v (the version's quantiles)", what, got, want)
					break
				}
			}
		}

		smiles := []string{"CCO", "Oc1ccccc1", "ClC(Cl)(Cl)Cl"}
		var p struct{ Predict []row }
		wantData(t, a.post(`query($m: ID!, $s: [String!]!) { predict(modelId: $m, smiles: $s) { `+fields+` } }`,
			map[string]any{"m": a.modelID, "s": smiles}, bearer(a.vwT)), &p)
		byLevel50 := map[string]interval{}
		for i, r := range p.Predict {
			sameRatios("predict "+smiles[i], r)
		}

		selection := map[string]any{"modelId": a.modelID, "strategy": "uncertainty", "batchSize": 4, "seed": 1}
		var c struct{ PreviewSelection []row }
		wantData(t, a.post(`query($in: SelectionInput!) { previewSelection(input: $in) { `+fields+` } }`,
			map[string]any{"in": selection}, bearer(a.sciT)), &c)
		for _, r := range c.PreviewSelection {
			sameRatios("candidate", r)
		}

		a.selectBatch(t, 4)
		var q struct {
			LabelQueue struct {
				Edges []struct {
					Node struct {
						row
						Compound struct{ InputSmiles string }
					}
				}
			}
		}
		wantData(t, a.post(`query($m: ID!) { labelQueue(filter: {modelId: $m}, first: 10) { edges { node { `+fields+` compound { inputSmiles } } } } }`,
			map[string]any{"m": a.modelID}, bearer(a.vwT)), &q)
		if len(q.LabelQueue.Edges) != 4 {
			t.Fatalf("%d queue items, want 4", len(q.LabelQueue.Edges))
		}
		var queued []string
		for _, e := range q.LabelQueue.Edges {
			sameRatios("queue item", e.Node.row)
			queued = append(queued, e.Node.Compound.InputSmiles)
			byLevel50[e.Node.Compound.InputSmiles] = *e.Node.L50
		}
		// The stored items' 50 % intervals are predict's.
		var p2 struct{ Predict []row }
		wantData(t, a.post(`query($m: ID!, $s: [String!]!) { predict(modelId: $m, smiles: $s) { `+fields+` } }`,
			map[string]any{"m": a.modelID, "s": queued}, bearer(a.vwT)), &p2)
		for i, r := range p2.Predict {
			got, want := byLevel50[queued[i]], *r.L50
			if math.Abs(got.Low-want.Low) > 1e-9 || math.Abs(got.High-want.High) > 1e-9 {
				t.Errorf("%s: queue item's 50 %% interval %+v, predict's %+v", queued[i], got, want)
			}
		}

		bad := func(query string, vars map[string]any, level float64, fragment string) {
			t.Helper()
			vars["level"] = level
			r := a.post(query, vars, bearer(a.sciT))
			wantError(t, r, CodeBadUserInput, fragment)
			if f := r.Errors[0].Extensions["field"]; f != "level" {
				t.Errorf("level %v: extensions.field %v, want level", level, f)
			}
		}
		for _, level := range []float64{0, 1, -0.1, 1.5} {
			bad(`query($m: ID!, $level: Float!) { predict(modelId: $m, smiles: ["CCO"]) { interval(level: $level) { low } } }`,
				map[string]any{"m": a.modelID}, level, "not a coverage in (0, 1)")
			bad(`query($m: ID!, $level: Float!) { labelQueue(filter: {modelId: $m}, first: 1) { edges { node { interval(level: $level) { low } } } } }`,
				map[string]any{"m": a.modelID}, level, "not a coverage in (0, 1)")
			bad(`query($in: SelectionInput!, $level: Float!) { previewSelection(input: $in) { interval(level: $level) { low } } }`,
				map[string]any{"in": selection}, level, "not a coverage in (0, 1)")
		}
		// 0.999 needs 999 calibration rows; the model was trained on ~100.
		bad(`query($m: ID!, $level: Float!) { labelQueue(filter: {modelId: $m}, first: 1) { edges { node { interval(level: $level) { low } } } } }`,
			map[string]any{"m": a.modelID}, 0.999, "calibration rows")
		bad(`query($m: ID!, $level: Float!) { predict(modelId: $m, smiles: ["CCO"]) { interval(level: $level) { low } } }`,
			map[string]any{"m": a.modelID}, 0.999, "calibration rows")
	})
}
