package predictio

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"activelab/activelearning"
)

// TestResultColumns: each result lands in its named column: the interval
// for a calibrated regression, the calibrated probability for a
// classification (and no interval), the error alone for a failed row.
func TestResultColumns(t *testing.T) {
	recs := []*Record{
		{Line: 1, SMILES: "CCO", Fields: []Field{{Name: "smiles", Value: "CCO"}, {Name: "id", Value: "R-1"}}},
		{Line: 2, SMILES: "c1ccccc1", Fields: []Field{{Name: "smiles", Value: "c1ccccc1"}, {Name: "id", Value: "R-2"}}},
		{Line: 3, SMILES: "C1CC", Fields: []Field{{Name: "smiles", Value: "C1CC"}, {Name: "id", Value: "R-3"}}},
	}
	res := []*activelearning.PredictResult{
		{SMILES: "CCO", Prediction: -0.5, Uncertainty: 0.25, Low: -1, High: 0, HasInterval: true, Similarity: 0.75, ApplicabilityDistance: 0.25, Version: 2},
		{SMILES: "c1ccccc1", Prediction: 0.7, Uncertainty: 0.1, Probability: 0.8125, HasProbability: true, Similarity: 1, Version: 2},
		{SMILES: "C1CC", Err: errors.New("unclosed ring 1"), Version: 2},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, CSV, []string{"smiles", "id"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(recs[i], res[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]string{"smiles", "id"}, Columns...); !slices.Equal(rows[0], want) {
		t.Fatalf("header %q, want %q", rows[0], want)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	for _, c := range []struct {
		row        int
		name, want string
	}{
		{1, "id", "R-1"}, {1, "interval_low", "-1"}, {1, "interval_high", "0"}, {1, "interval_level", "0.9"},
		{1, "probability", ""}, {1, "nearest_similarity", "0.75"}, {1, "model_version", "2"}, {1, "error", ""},
		{2, "probability", "0.8125"}, {2, "interval_low", ""}, {2, "prediction", "0.7"},
		{3, "error", "unclosed ring 1"}, {3, "prediction", ""}, {3, "probability", ""}, {3, "model_version", "2"},
	} {
		if got := rows[c.row][col[c.name]]; got != c.want {
			t.Errorf("row %d column %s = %q, want %q", c.row, c.name, got, c.want)
		}
	}

	// JSON lines carry the same result under the same names, numbers as numbers.
	buf.Reset()
	if w, err = NewWriter(&buf, JSONL, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(recs[1], res[1]); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var line struct{ Result map[string]any }
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line.Result["probability"] != 0.8125 || line.Result["interval_low"] != nil {
		t.Errorf("JSON result %v", line.Result)
	}
}
