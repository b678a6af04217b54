package ingest

import (
	"strings"
	"testing"
)

// TestCSVClasses: with Options.Classes a value is a class name (exact or
// ignoring case) or index, read as the class index; anything else rejects
// its row with a reason naming the classes.
func TestCSVClasses(t *testing.T) {
	t.Parallel()
	csv := "smiles,sol,other\nCCO,high,low\nCCC,Medium,\nCCN,0,2\nCCCl,very high,low\nCCBr,3,\nCCI,-1,\n"
	r, err := Open(strings.NewReader(csv), FormatCSV, Options{ValueColumn: "sol",
		Endpoints: []EndpointColumn{{Endpoint: "other", Column: "other"}}, Classes: []string{"low", "medium", "high"}})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2, 1, 0}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d (rejected: %v)", len(rows), len(want), bad)
	}
	for i, w := range want {
		if rows[i].Value == nil || *rows[i].Value != w {
			t.Errorf("row %d: value %v, want %g", i+1, rows[i].Value, w)
		}
	}
	if len(rows[0].Values) != 1 || rows[0].Values[0].Value != 0 || len(rows[2].Values) != 1 || rows[2].Values[0].Value != 2 {
		t.Errorf("endpoint values = %+v, %+v, want low = 0 and 2", rows[0].Values, rows[2].Values)
	}
	if len(bad) != 3 {
		t.Fatalf("rejected %d rows, want 3: %v", len(bad), bad)
	}
	for _, e := range bad {
		if e.Column != "sol" || !strings.Contains(e.Reason, "valid classes are low, medium, high") {
			t.Errorf("reject %+v: want column sol and the valid classes", e)
		}
	}
}
