package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"activelab/ident"
	"activelab/store"
)

// TestThreeClassAPI drives a three-class model through GraphQL on both
// databases: an upload imports labels by class name (a row with another
// name is rejected naming the classes), createModel takes the classes and
// Model.classes lists them, labelQueue and previewSelection give each
// item's per-class probabilities and predicted class, submitLabel takes a
// class name (another name is BAD_USER_INPUT naming the classes) and the
// item shows labelClass, and predict gives the probabilities too. A
// regression model lists no classes.
func TestThreeClassAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)                   // regression: no classes
		class := func(v float64) string { // three-class ESOL: cut-offs -4 and -2
			switch {
			case v < -4:
				return "low"
			case v < -2:
				return "medium"
			}
			return "high"
		}
		truth := map[string]string{}
		var file strings.Builder
		file.WriteString("smiles,sol3\n")
		for i, r := range readESOL(t) {
			truth[r.SMILES] = class(r.Value)
			if i < 100 {
				fmt.Fprintf(&file, "%s,%s\n", r.SMILES, class(r.Value))
			}
		}
		file.WriteString("CCO,very low\n")
		var imp struct {
			ImportCompounds struct {
				Measurements int
				Errors       []struct {
					Row    int
					Reason string
				}
			}
		}
		wantData(t, a.upload(t, a.sciT, `mutation($in: ImportCompoundsInput!) { importCompounds(input: $in) { measurements errors { row reason } } }`,
			map[string]any{"in": map[string]any{"file": nil, "setName": "sol3", "endpoint": "sol3", "valueColumn": "sol3",
				"classes": []string{"low", "medium", "high"}}}, "sol3.csv", file.String()), &imp)
		if imp.ImportCompounds.Measurements != 100 || len(imp.ImportCompounds.Errors) != 1 ||
			!strings.Contains(imp.ImportCompounds.Errors[0].Reason, "valid classes are low, medium, high") {
			t.Fatalf("import: %+v", imp.ImportCompounds)
		}
		// Classes follow the rules of a model's (ingest.CheckClasses): a
		// label "Low" must name one class.
		wantError(t, a.upload(t, a.sciT, `mutation($in: ImportCompoundsInput!) { importCompounds(input: $in) { measurements } }`,
			map[string]any{"in": map[string]any{"file": nil, "setName": "sol3b", "endpoint": "sol3b", "valueColumn": "sol3",
				"classes": []string{"low", "medium", "Low"}}}, "sol3.csv", file.String()), "BAD_USER_INPUT", `classes "low" and "Low" differ only in case`)

		var cm struct {
			CreateModel struct {
				Model struct {
					ID      string
					Classes []string
				}
			}
		}
		wantData(t, a.post(`mutation($in: CreateModelInput!) { createModel(input: $in) { model { id classes } } }`,
			map[string]any{"in": map[string]any{"name": "sol3", "endpoint": "sol3", "task": "CLASSIFICATION", "members": alMembers,
				"classes": []string{"low", "medium", "high"}, "split": map[string]any{"fraction": 0.2, "seed": 7}, "promotionTolerance": 1e9}},
			bearer(a.adminT)), &cm)
		if !slices.Equal(cm.CreateModel.Model.Classes, []string{"low", "medium", "high"}) {
			t.Errorf("classes = %q", cm.CreateModel.Model.Classes)
		}
		id, _ := ident.Parse(cm.CreateModel.Model.ID)
		a.waitFor(t, "model active", func() bool {
			m, err := a.rt.Service.Model(context.Background(), id)
			if err != nil || m.Status == store.ModelFailed {
				t.Fatalf("model: %+v, %v", m, err)
			}
			return m.Status == store.ModelActive
		})
		var models struct {
			Models []struct {
				Name           string
				Classes        []string
				CurrentVersion struct{ Classes []string }
			}
		}
		wantData(t, a.post(`{ models { name classes currentVersion { classes } } }`, nil, bearer(a.vwT)), &models)
		for _, m := range models.Models {
			want := []string{}
			if m.Name == "sol3" {
				want = []string{"low", "medium", "high"}
			}
			if !slices.Equal(m.Classes, want) || !slices.Equal(m.CurrentVersion.Classes, want) {
				t.Errorf("model %s: classes %q, version %q; want %q", m.Name, m.Classes, m.CurrentVersion.Classes, want)
			}
		}

		type probs []struct {
			Class       string
			Index       int
			Probability float64
		}
		check := func(what string, ps probs, predicted *string, prediction float64) {
			t.Helper()
			if len(ps) != 3 || ps[0].Class != "low" || ps[2].Index != 2 || predicted == nil {
				t.Fatalf("%s: probabilities %+v, predicted %v", what, ps, predicted)
			}
			var sum, top float64
			best := ""
			for _, p := range ps {
				sum += p.Probability
				if p.Probability > top {
					top, best = p.Probability, p.Class
				}
			}
			if math.Abs(sum-1) > 1e-9 || *predicted != best || math.Abs(prediction-top) > 1e-12 {
				t.Errorf("%s: probabilities %+v sum to %g, predicted %s (prediction %g); want 1 and %s (%g)", what, ps, sum, *predicted, prediction, best, top)
			}
		}
		sel := map[string]any{"modelId": id, "strategy": "margin", "batchSize": 6, "seed": 1}
		var pv struct {
			PreviewSelection []struct {
				Prediction     float64
				Probabilities  probs
				PredictedClass *string
			}
		}
		wantData(t, a.post(`query($in: SelectionInput!) { previewSelection(input: $in) { prediction probabilities { class index probability } predictedClass } }`,
			map[string]any{"in": sel}, bearer(a.sciT)), &pv)
		for _, c := range pv.PreviewSelection {
			check("candidate", c.Probabilities, c.PredictedClass, c.Prediction)
		}
		wantData(t, a.post(`mutation($in: SelectSamplesInput!) { selectSamples(input: $in) { cycle { id } } }`,
			map[string]any{"in": map[string]any{"selection": sel}}, bearer(a.sciT)), nil)
		var q struct {
			LabelQueue struct {
				Edges []struct {
					Node struct {
						ID             string
						Prediction     float64
						Probabilities  probs
						PredictedClass *string
						Compound       struct{ InputSmiles string }
					}
				}
			}
		}
		wantData(t, a.post(`query($m: ID!) { labelQueue(filter: {modelId: $m}, first: 10) { edges { node { id prediction probabilities { class index probability } predictedClass compound { inputSmiles } } } } }`,
			map[string]any{"m": id}, bearer(a.vwT)), &q)
		if len(q.LabelQueue.Edges) != 6 {
			t.Fatalf("%d queue items, want 6", len(q.LabelQueue.Edges))
		}
		for _, e := range q.LabelQueue.Edges {
			check("queue item", e.Node.Probabilities, e.Node.PredictedClass, e.Node.Prediction)
		}

		const submit = `mutation($in: SubmitLabelInput!) { submitLabel(input: $in) { item { status label labelClass } } }`
		item := q.LabelQueue.Edges[0].Node
		wantError(t, a.post(submit, map[string]any{"in": map[string]any{"itemId": item.ID, "class": "very low"}}, bearer(a.sciT)),
			"BAD_USER_INPUT", "0 low, 1 medium, 2 high")
		wantError(t, a.post(submit, map[string]any{"in": map[string]any{"itemId": item.ID}}, bearer(a.sciT)), "BAD_USER_INPUT", "give a value")
		var sl struct {
			SubmitLabel struct {
				Item struct {
					Status     string
					Label      float64
					LabelClass *string
				}
			}
		}
		want := truth[item.Compound.InputSmiles]
		wantData(t, a.post(submit, map[string]any{"in": map[string]any{"itemId": item.ID, "class": want}}, bearer(a.sciT)), &sl)
		if got := sl.SubmitLabel.Item; got.Status != "LABELED" || got.LabelClass == nil || *got.LabelClass != want ||
			got.Label != float64(slices.Index([]string{"low", "medium", "high"}, want)) {
			t.Errorf("labeled item: %+v, want class %s", got, want)
		}

		var pr struct {
			Predict []struct {
				Prediction     float64
				Probabilities  probs
				PredictedClass *string
			}
		}
		wantData(t, a.post(`query($m: ID!) { predict(modelId: $m, smiles: ["CCCCCCCCCCCCCCCC", "OCC(O)CO"]) { prediction probabilities { class index probability } predictedClass } }`,
			map[string]any{"m": id}, bearer(a.vwT)), &pr)
		for _, p := range pr.Predict {
			check("prediction", p.Probabilities, p.PredictedClass, p.Prediction)
		}

		// POST /predict (CSV and SDF) and GET /export/pool.csv name the
		// classes: a class column and p_<class> probabilities.
		classCols := []string{"class", "p_low", "p_medium", "p_high"}
		post := func(accept string) string {
			body, _ := json.Marshal(map[string]any{"model": "sol3", "smiles": []string{"CCCCCCCCCCCCCCCC", "OCC(O)CO", "C1CC"}})
			req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/predict", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", accept)
			res, out := a.do(t, req, a.vwT)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("POST /predict (%s): %d %s", accept, res.StatusCode, out)
			}
			return out
		}
		recs, err := csv.NewReader(strings.NewReader(post("text/csv"))).ReadAll()
		if err != nil || len(recs) != 4 {
			t.Fatalf("POST /predict CSV: %v %q", err, recs)
		}
		at := slices.Index(recs[0], "probability")
		if at < 0 || !slices.Equal(recs[0][at+1:at+5], classCols) {
			t.Fatalf("POST /predict CSV header %q", recs[0])
		}
		// (A model of 100 labels: the class is the most probable one,
		// whichever it is; the broken SMILES has none.)
		for _, r := range recs[1:] {
			ps := make([]float64, 3)
			var sum float64
			for k, v := range r[at+2 : at+5] {
				ps[k], _ = strconv.ParseFloat(v, 64)
				sum += ps[k]
			}
			want := ""
			if r[0] != "C1CC" {
				want = []string{"low", "medium", "high"}[slices.Index(ps, slices.Max(ps))]
			}
			if r[at+1] != want || (want != "" && math.Abs(sum-1) > 1e-6) {
				t.Errorf("POST /predict CSV %s: class %q, probabilities %q; want %q", r[0], r[at+1], r[at+2:at+5], want)
			}
		}
		if sdf := post("chemical/x-mdl-sdfile"); strings.Count(sdf, "> <class>\n") != 2 || strings.Count(sdf, "> <p_medium>\n") != 2 ||
			!strings.Contains(sdf, "> <class>\n"+recs[1][at+1]+"\n") {
			t.Errorf("POST /predict SDF:\n%s", sdf)
		}
		req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/export/pool.csv?model=sol3", nil)
		res, out := a.do(t, req, a.vwT)
		pool, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if res.StatusCode != http.StatusOK || err != nil || len(pool) < 2 {
			t.Fatalf("GET /export/pool.csv: %d %v", res.StatusCode, err)
		}
		at = slices.Index(pool[0], "probability")
		m := slices.Index(pool[0], "measurement")
		if at < 0 || !slices.Equal(pool[0][at+1:at+5], classCols) || pool[0][m+1] != "measurement_class" {
			t.Fatalf("pool CSV header %q", pool[0])
		}
		labeled := 0
		for _, r := range pool[1:] {
			if r[m] != "" {
				k, _ := strconv.Atoi(r[m])
				if r[m+1] != []string{"low", "medium", "high"}[k] {
					t.Errorf("pool CSV: measurement %q class %q", r[m], r[m+1])
				}
				labeled++
			}
		}
		if labeled == 0 {
			t.Error("pool CSV: no labeled compound")
		}
	})
}
