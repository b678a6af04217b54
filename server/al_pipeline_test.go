package server

import (
	"encoding/csv"
	"strings"
	"testing"

	"activelab/ident"
	"activelab/store"
)

const importMutation = `mutation($in: ImportCompoundsInput!) { importCompounds(input: $in) { rows created errors { row } set { id } } }`

// esolCSV writes ESOL rows [from, to) as CSV; value maps logS to the
// column's value ("" leaves the cell empty).
func esolCSV(t *testing.T, from, to int, value func(float64) string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"smiles", "name", "y"})
	for _, r := range readESOL(t)[from:to] {
		_ = w.Write([]string{r.SMILES, r.Name, value(r.Value)})
	}
	w.Flush()
	return b.String()
}

// TestPipelineFromUploads is a new user's path over the API only: upload
// a measured set and a pool (multipart), create a CLASSIFICATION model
// (soluble: logS > -3), wait until it is active, predict (a calibrated
// probability, no interval), select, and label; a value
// of 0.5 is refused (BAD_USER_INPUT) and changes nothing, 1 is accepted.
func TestPipelineFromUploads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		soluble := func(v float64) string {
			if v > -3 {
				return "1"
			}
			return "0"
		}
		var d struct {
			ImportCompounds struct {
				Rows, Created int
				Errors        []struct{ Row int }
				Set           struct{ ID string }
			}
		}
		vars := map[string]any{"in": map[string]any{"file": nil, "setName": "measured", "endpoint": "soluble", "valueColumn": "y"}}
		wantData(t, a.upload(t, a.sciT, importMutation, vars, "measured.csv", esolCSV(t, 0, 50, soluble)), &d)
		if d.ImportCompounds.Rows != 50 || d.ImportCompounds.Created != 50 || len(d.ImportCompounds.Errors) != 0 {
			t.Fatalf("measured import %+v", d.ImportCompounds)
		}
		vars = map[string]any{"in": map[string]any{"file": nil, "setName": "pool"}}
		wantData(t, a.upload(t, a.sciT, importMutation, vars, "pool.csv", esolCSV(t, 50, 110, func(float64) string { return "" })), &d)
		pool := d.ImportCompounds.Set.ID

		var c struct {
			CreateModel struct{ Model struct{ ID, Status string } }
		}
		wantData(t, a.post(`mutation { createModel(input: {name: "soluble?", endpoint: "soluble", task: CLASSIFICATION, members: 8, split: {kind: "scaffold", fraction: 0.25, seed: 3}}) { model { id status } } }`, nil, bearer(a.adminT)), &c)
		if c.CreateModel.Model.Status != "TRAINING" {
			t.Fatalf("new model %+v", c.CreateModel.Model)
		}
		a.modelID, _ = ident.Parse(c.CreateModel.Model.ID)
		a.waitFor(t, "classifier active", func() bool {
			var m struct {
				Model struct{ Status string }
			}
			wantData(t, a.post(`query($m: ID!) { model(id: $m) { status } }`, map[string]any{"m": a.modelID}, bearer(a.vwT)), &m)
			if m.Model.Status == "FAILED" {
				t.Fatalf("training failed")
			}
			return m.Model.Status == "ACTIVE"
		})

		// A classifier's predictions carry the calibrated probability
		// (isotonic on out-of-bag predictions) and no interval.
		var pr struct {
			Predict []struct {
				Prediction, Probability *float64
				Interval                *struct{ Low float64 }
			}
		}
		wantData(t, a.post(`query($m: ID!) { predict(modelId: $m, smiles: ["CCO", "c1ccc2ccccc2c1"]) { prediction probability interval { low } } }`,
			map[string]any{"m": a.modelID}, bearer(a.vwT)), &pr)
		for i, p := range pr.Predict {
			if p.Prediction == nil || p.Probability == nil || *p.Probability < 0 || *p.Probability > 1 || p.Interval != nil {
				t.Errorf("classifier prediction %d: %+v", i, p)
			}
		}

		var s struct {
			SelectSamples struct{ Cycle struct{ ID string } }
		}
		wantData(t, a.post(`mutation($m: ID!, $s: ID!) { selectSamples(input: {selection: {modelId: $m, setId: $s, strategy: "margin", batchSize: 5}}) { cycle { id } } }`,
			map[string]any{"m": a.modelID, "s": pool}, bearer(a.sciT)), &s)
		item := a.claim(t, a.sciT)
		wantError(t, a.label(t, a.sciT, item, 0.5), CodeBadUserInput)
		var q struct {
			QueueItem struct {
				Status string
				Label  *float64
			}
		}
		wantData(t, a.post(`query($i: ID!) { queueItem(id: $i) { status label } }`, map[string]any{"i": item}, bearer(a.vwT)), &q)
		if q.QueueItem.Status != "IN_PROGRESS" || q.QueueItem.Label != nil {
			t.Fatalf("after the refused label: %+v", q.QueueItem)
		}
		wantData(t, a.label(t, a.sciT, item, 1), nil)
		var r struct {
			RenewLease struct{ Item struct{ ID string } }
		}
		second := a.claim(t, a.sciT)
		wantData(t, a.post(`mutation($i: ID!) { renewLease(input: {itemId: $i}) { item { id leaseExpiresAt } } }`, map[string]any{"i": second}, bearer(a.sciT)), &r)
		wantError(t, a.post(`mutation($i: ID!) { renewLease(input: {itemId: $i}) { item { id } } }`, map[string]any{"i": second}, bearer(a.adminT)), CodeConflict)
	})
}
