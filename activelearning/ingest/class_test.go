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

// TestCheckClasses: the one set of rules for class names (a new model's,
// an import's): 2 to MaxClasses trimmed names of printable ASCII, 1 to 64
// bytes, no two the same ignoring case.
func TestCheckClasses(t *testing.T) {
	t.Parallel()
	many := make([]string, MaxClasses+1)
	for i := range many {
		many[i] = "c" + strings.Repeat("x", i)
	}
	for _, tc := range []struct {
		classes []string
		want    string // the error's text, or "" for accepted
	}{
		{[]string{" low", "medium ", "high"}, ""},
		{many[:MaxClasses], ""},
		{[]string{"a", "A1"}, ""},
		{[]string{"only"}, "1 classes, want 2 to 64"},
		{many, "65 classes, want 2 to 64"},
		{[]string{"low", " "}, "class 2: a name is 1 to 64 characters"},
		{[]string{"low", strings.Repeat("h", 65)}, "class 2: a name is 1 to 64 characters"},
		{[]string{"low", "h\u00efgh"}, "class \"h\u00efgh\": printable ASCII only"},
		{[]string{"low", "hi\tgh"}, `class "hi\tgh": printable ASCII only`},
		{[]string{"low", "high", "low "}, `class "low" twice`},
		{[]string{"Low", "high", "low"}, `classes "Low" and "low" differ only in case`},
	} {
		got, err := CheckClasses(tc.classes)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.classes, err)
		case tc.want == "" && len(got) != len(tc.classes):
			t.Errorf("%q: %q", tc.classes, got)
		case tc.want != "" && (err == nil || err.Error() != tc.want):
			t.Errorf("%q: error %v, want %q", tc.classes, err, tc.want)
		}
	}
	if got, _ := CheckClasses([]string{" low", "medium "}); got[0] != "low" || got[1] != "medium" {
		t.Errorf("names not trimmed: %q", got)
	}
}

// TestClassIndex: a label is a class's name as it is, else ignoring case
// (exact first: legacy classes may differ only in case), or its index.
func TestClassIndex(t *testing.T) {
	t.Parallel()
	classes := []string{"low", "medium", "high"}
	for label, want := range map[string]int{"low": 0, " HIGH ": 2, "Medium": 1, "2": 2, "0": 0} {
		if k, ok := ClassIndex(classes, label); !ok || k != want {
			t.Errorf("%q: %d, %v; want %d", label, k, ok, want)
		}
	}
	for _, label := range []string{"", "3", "-1", "1.0", "very low", "lo w"} {
		if k, ok := ClassIndex(classes, label); ok {
			t.Errorf("%q: class %d, want none", label, k)
		}
	}
	if k, _ := ClassIndex([]string{"A", "a"}, "a"); k != 1 {
		t.Errorf("exact match not first: %d", k)
	}
}

// TestOpenChecksClasses: an import's classes follow CheckClasses before a
// row is read.
func TestOpenChecksClasses(t *testing.T) {
	t.Parallel()
	_, err := Open(strings.NewReader("smiles,sol\nCCO,low\n"), FormatCSV, Options{ValueColumn: "sol", Classes: []string{"low", "Low"}})
	if err == nil || !strings.Contains(err.Error(), "differ only in case") {
		t.Fatalf("Open with classes differing in case: %v", err)
	}
}
