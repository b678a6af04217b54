package activelearning_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/predictio"
	"activelab/store"
)

// sol3ProbColumns are the probability columns of a three-class sol3
// model (activelearning.ClassColumns).
var sol3ProbColumns = []string{"p_low", "p_medium", "p_high"}

func TestClassColumns(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		classes, want []string
	}{
		{[]string{"low", "medium", "high"}, sol3ProbColumns},
		{[]string{"0", "1"}, nil},
		{[]string{"inactive", "active"}, nil},
		{[]string{"> 10 uM", "1-10 uM", "<1 uM"}, []string{"p___10_uM", "p_1_10_uM", "p__1_uM"}},
		// "a b" and "a-b" would both be p_a_b: the second gets its index;
		// a class really named "a_b_1" then gets its own.
		{[]string{"a b", "a-b", "a_b_1", "B"}, []string{"p_a_b", "p_a_b_1", "p_a_b_1_2", "p_B"}},
	} {
		if got := activelearning.ClassColumns(c.classes); !slices.Equal(got, c.want) {
			t.Errorf("ClassColumns(%q) = %q, want %q", c.classes, got, c.want)
		}
	}
	if got := activelearning.ClassOf(sol3Classes, []float64{0.2, 0.4, 0.4}); got != "medium" {
		t.Errorf("ClassOf tie: %q, want the first of the maxima, medium", got)
	}
	if got := activelearning.MeasurementClass(sol3Classes, 2); got != "high" {
		t.Errorf("MeasurementClass(2) = %q", got)
	}
	if got := activelearning.MeasurementClass(sol3Classes, 1.5); got != "" {
		t.Errorf("MeasurementClass(1.5) = %q, want none", got)
	}
}

// checkClassRow checks one output row of a three-class model: the class
// column names the most probable class, the probabilities are in [0, 1],
// sum to one and match want (a Predict result of the same SMILES, nil to
// skip), and prediction is the top probability.
func checkClassRow(t *testing.T, what string, get func(string) string, want *activelearning.PredictResult) {
	t.Helper()
	ps := make([]float64, 3)
	var sum float64
	for k, c := range sol3ProbColumns {
		v, err := strconv.ParseFloat(get(c), 64)
		if err != nil || v < 0 || v > 1 {
			t.Fatalf("%s: %s = %q", what, c, get(c))
		}
		ps[k], sum = v, sum+v
	}
	if math.Abs(sum-1) > 1e-6 {
		t.Errorf("%s: probabilities %v sum to %g", what, ps, sum)
	}
	if got, wantC := get("class"), sol3Classes[argmaxF(ps)]; got != wantC {
		t.Errorf("%s: class %q, want %q (probabilities %v)", what, got, wantC, ps)
	}
	if pred, err := strconv.ParseFloat(get("prediction"), 64); err != nil || math.Abs(pred-slices.Max(ps)) > 1e-6 {
		t.Errorf("%s: prediction %q, want the top probability %g", what, get("prediction"), slices.Max(ps))
	}
	if want != nil {
		for k := range ps {
			if math.Abs(ps[k]-want.Probabilities[k]) > 1e-6 {
				t.Errorf("%s: probabilities %v, Predict gives %v", what, ps, want.Probabilities)
				break
			}
		}
	}
}

// checkThreeClassExports checks the pool export (CSV and SDF) and batch
// prediction outputs (predictio CSV, SDF and JSON lines) of the
// three-class model "sol3": class names, not indexes, and one probability
// column per class. truth maps input SMILES to their true class.
func checkThreeClassExports(t *testing.T, e *env, truth map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	n, err := e.svc.ExportPool(e.ctx, e.view, activelearning.PoolExport{Model: "sol3", Format: activelearning.PoolCSV}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != n+1 {
		t.Fatalf("pool CSV: %d rows for %d compounds: %v", len(recs), n, err)
	}
	h := recs[0]
	// class and p_* follow probability; measurement_class follows measurement.
	pos := column(h, "probability")
	if !slices.Equal(h[pos+1:pos+5], []string{"class", "p_low", "p_medium", "p_high"}) || h[pos+5] != "applicability_distance" {
		t.Fatalf("pool CSV header %q", h)
	}
	if m := column(h, "measurement"); h[m+1] != "measurement_class" || h[m+2] != "measurement_origin" {
		t.Fatalf("pool CSV header %q", h)
	}
	var smiles []string
	for _, r := range recs[1:] {
		smiles = append(smiles, r[column(h, "input_smiles")])
	}
	want := map[string]*activelearning.PredictResult{}
	if _, err := e.svc.Predict(e.ctx, e.view, "sol3", 0, listOf(smiles), func(r *activelearning.PredictResult) error {
		c := *r
		c.Probabilities = slices.Clone(r.Probabilities)
		want[r.SMILES] = &c
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	measured := 0
	for _, r := range recs[1:] {
		smi := r[column(h, "input_smiles")]
		checkClassRow(t, "pool CSV "+smi, func(c string) string { return r[column(h, c)] }, want[smi])
		if m := r[column(h, "measurement")]; m != "" {
			measured++
			k, err := strconv.Atoi(m)
			if err != nil || r[column(h, "measurement_class")] != sol3Classes[k] || (truth[smi] != "" && truth[smi] != sol3Classes[k]) {
				t.Errorf("pool CSV %s: measurement %q class %q, truth %q", smi, m, r[column(h, "measurement_class")], truth[smi])
			}
		} else if r[column(h, "measurement_class")] != "" {
			t.Errorf("pool CSV %s: measurement_class %q without a measurement", smi, r[column(h, "measurement_class")])
		}
	}
	if measured == 0 {
		t.Error("pool CSV: no compound with a measurement")
	}

	// SDF: the same items, by name.
	buf.Reset()
	if _, err := e.svc.ExportPool(e.ctx, e.view, activelearning.PoolExport{Model: "sol3", Format: activelearning.PoolSDF}, &buf); err != nil {
		t.Fatal(err)
	}
	records := sdfItems(buf.String())
	if len(records) != n {
		t.Fatalf("pool SDF: %d records, want %d", len(records), n)
	}
	measured = 0
	for _, items := range records {
		smi := items["input_smiles"]
		checkClassRow(t, "pool SDF "+smi, func(c string) string { return items[c] }, want[smi])
		if items["measurement"] != "" {
			measured++
			if k, _ := strconv.Atoi(items["measurement"]); items["measurement_class"] != sol3Classes[k] {
				t.Errorf("pool SDF %s: measurement %q class %q", smi, items["measurement"], items["measurement_class"])
			}
		}
	}
	if measured == 0 {
		t.Error("pool SDF: no record with a measurement")
	}

	// The measurements export names each value's class.
	buf.Reset()
	if _, err := e.svc.ExportMeasurements(e.ctx, e.view, "sol3", store.NilID, &buf); err != nil {
		t.Fatal(err)
	}
	mrecs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(mrecs) < 2 {
		t.Fatalf("measurements: %d records, %v", len(mrecs), err)
	}
	if want := append(slices.Clone(activelearning.ExportHeader), "class"); !slices.Equal(mrecs[0], want) {
		t.Fatalf("measurements header %q, want %q", mrecs[0], want)
	}
	for _, r := range mrecs[1:] {
		v, err := strconv.Atoi(r[column(mrecs[0], "value")])
		if err != nil || r[len(r)-1] != sol3Classes[v] || (truth[r[2]] != "" && truth[r[2]] != r[len(r)-1]) {
			t.Errorf("measurement %q: class %q, truth %q", r, r[len(r)-1], truth[r[2]])
		}
	}

	// Batch prediction (activelab predict, POST /predict): CSV, SDF, JSON lines.
	p, err := e.svc.Predictor(e.ctx, e.view, "sol3", 0)
	if err != nil {
		t.Fatal(err)
	}
	input := "id,smiles\nhexadecane,CCCCCCCCCCCCCCCC\nglycerol,OCC(O)CO\nbroken,C1CC\n"
	run := func(f predictio.Format) string {
		rd, err := predictio.Open(strings.NewReader(input), predictio.CSV, "smiles")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		w, err := predictio.NewWriter(&out, f, rd.Header())
		if err != nil {
			t.Fatal(err)
		}
		if rows, failed, err := predictio.Run(e.ctx, p, rd, w); err != nil || rows != 3 || failed != 1 {
			t.Fatalf("predict %s: %d rows, %d failed, %v", f, rows, failed, err)
		}
		return out.String()
	}
	prec, err := csv.NewReader(strings.NewReader(run(predictio.CSV))).ReadAll()
	if err != nil || len(prec) != 4 {
		t.Fatalf("predict CSV: %d records, %v", len(prec), err)
	}
	ph := prec[0]
	wantHeader := slices.Concat([]string{"id", "smiles"}, predictio.Columns[:6], []string{"class"}, sol3ProbColumns, predictio.Columns[6:])
	if !slices.Equal(ph, wantHeader) {
		t.Fatalf("predict CSV header %q, want %q", ph, wantHeader)
	}
	for i, wantClass := range []string{"low", "high"} {
		r := prec[1+i]
		checkClassRow(t, "predict CSV "+r[0], func(c string) string { return r[column(ph, c)] }, nil)
		if r[column(ph, "class")] != wantClass {
			t.Errorf("predict CSV %s: class %q, want %q", r[0], r[column(ph, "class")], wantClass)
		}
	}
	if r := prec[3]; r[column(ph, "error")] == "" || r[column(ph, "class")] != "" || r[column(ph, "p_low")] != "" {
		t.Errorf("predict CSV broken row: %q", r)
	}
	sdf := sdfItems(run(predictio.SDF))
	if len(sdf) != 3 || sdf[0]["class"] != "low" || sdf[1]["class"] != "high" || sdf[2]["class"] != "" || sdf[2]["error"] == "" {
		t.Fatalf("predict SDF items %v", sdf)
	}
	for _, items := range sdf[:2] {
		checkClassRow(t, "predict SDF "+items["id"], func(c string) string { return items[c] }, nil)
	}
	lines := strings.Split(strings.TrimSpace(run(predictio.JSONL)), "\n")
	var first struct{ Result map[string]any }
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if c, ok := first.Result["class"].(string); !ok || c != "low" {
		t.Errorf("predict JSON lines: class %#v, want the string low", first.Result["class"])
	}
	if _, ok := first.Result["p_high"].(float64); !ok {
		t.Errorf("predict JSON lines: p_high %#v, want a number", first.Result["p_high"])
	}
}

// sdfItems reads the data items of every SDF record (a one-line value
// each, as the exports write them).
func sdfItems(sdf string) []map[string]string {
	var out []map[string]string
	for _, rec := range strings.Split(sdf, "$$$$\n") {
		if strings.TrimSpace(rec) == "" {
			continue
		}
		items := map[string]string{}
		lines := strings.Split(rec, "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "> <") && strings.HasSuffix(l, ">") && i+1 < len(lines) {
				items[strings.TrimSuffix(strings.TrimPrefix(l, "> <"), ">")] = lines[i+1]
			}
		}
		out = append(out, items)
	}
	return out
}
