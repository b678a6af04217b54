package ingest

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// esolPath is the repository's copy of ESOL (examples/esol.csv).
var esolPath = filepath.Join("..", "..", "examples", "esol.csv")

func TestCSVESOL(t *testing.T) {
	t.Parallel()
	f, err := os.Open(esolPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Open(f, FormatCSV, Options{ValueColumn: "value"})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	// examples/README.md and shared/data/README.md: 1128 rows, RDKit parses all.
	if len(rows) != 1128 || len(bad) != 0 {
		t.Fatalf("got %d rows and %d errors (first: %v), want 1128 and 0", len(rows), len(bad), bad)
	}
	first, last := rows[0], rows[len(rows)-1]
	if first.Line != 1 || first.Name != "Amigdalin" || first.Value == nil || *first.Value != -0.77 ||
		first.SMILES != "OCC3OC(OCC2OC(OC(C#N)c1ccccc1)C(O)C(O)C2O)C(O)C(O)C3O" {
		t.Errorf("first row = %+v", first)
	}
	if last.Line != 1128 {
		t.Errorf("last row number %d, want 1128", last.Line)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		if r.Value == nil {
			t.Fatalf("row %d has no value", r.Line)
		}
		lo, hi = min(lo, *r.Value), max(hi, *r.Value)
	}
	// shared/data/README.md: min -11.60, max 1.58.
	if lo != -11.6 || hi != 1.58 {
		t.Errorf("values span [%v, %v], want [-11.6, 1.58]", lo, hi)
	}
	// A name with a comma is quoted in the file (README: "2,2,4,6,6'-PCB").
	found := false
	for _, r := range rows {
		found = found || r.Name == "2,2,4,6,6'-PCB"
	}
	if !found {
		t.Error(`quoted name "2,2,4,6,6'-PCB" not read`)
	}
}

func TestCSVBadRows(t *testing.T) {
	t.Parallel()
	in := "\ufeffID,SMILES,logS\r\n" +
		"a,CCO,-0.5\r\n" +
		"b,C1CC,1\r\n" + // ring never closed
		"c,,2\r\n" +
		"d,c1ccccc1,abc\r\n" +
		"e,CC,NaN\r\n" +
		"f,CC,+Inf\r\n" +
		"g,CC\r\n" +
		"h,C(C)(C)(C)(C)C,1\r\n" + // pentavalent carbon
		"\"i, quoted\",\"N\",\"\"\r\n" +
		"j,CCN,1e999\r\n" +
		"k,  O=C=O , 3.5 \r\n"
	r, err := NewCSVReader(strings.NewReader(in), Options{ValueColumn: "logs"})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		row    int
		column string
		reason string
		offset int
	}
	wantBad := []want{
		{2, "SMILES", "never closed", 1},
		{3, "SMILES", "empty SMILES", 0},
		{4, "logS", `value "abc" is not a number`, 0},
		{5, "logS", `value "NaN" is not finite`, 0},
		{6, "logS", `value "+Inf" is not finite`, 0},
		{7, "", "2 fields, the header has 3", 0},
		{8, "SMILES", "valence 5", 0},
		{10, "logS", "out of range", 0},
	}
	if len(bad) != len(wantBad) {
		t.Fatalf("got %d errors, want %d: %+v", len(bad), len(wantBad), bad)
	}
	for i, w := range wantBad {
		g := bad[i]
		if g.Row != w.row || g.Column != w.column || !strings.Contains(g.Reason, w.reason) || g.Offset != w.offset {
			t.Errorf("error %d = %+v, want row %d column %q reason ~%q offset %d", i, g, w.row, w.column, w.reason, w.offset)
		}
	}
	if len(rows) != 3 {
		t.Fatalf("got %d good rows, want 3: %+v", len(rows), rows)
	}
	if rows[0].Line != 1 || rows[0].Name != "a" || *rows[0].Value != -0.5 {
		t.Errorf("row a = %+v", rows[0])
	}
	if rows[1].Line != 9 || rows[1].Name != "i, quoted" || rows[1].Value != nil || rows[1].SMILES != "N" {
		t.Errorf("row i = %+v", rows[1])
	}
	if rows[2].SMILES != "O=C=O" || *rows[2].Value != 3.5 {
		t.Errorf("row k = %+v (want trimmed fields)", rows[2])
	}
	var re *RowError
	if _, err := NewCSVReader(strings.NewReader("smiles\nC1\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	r2, _ := NewCSVReader(strings.NewReader("smiles\nC1\n"), Options{})
	if _, err := r2.Next(); !errors.As(err, &re) || re.Error() != "row 1, column smiles: ring bond 1 opened at offset 1 is never closed" {
		t.Errorf("Next = %v", err)
	}
	if _, err := r2.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next at end = %v, want io.EOF", err)
	}
}

func TestCSVHeaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		opts     Options
		want     string
	}{
		{"no smiles column", "id,structure,value\nx,CC,1\n", Options{}, `no SMILES column "smiles" in the header (columns: "id", "structure", "value")`},
		{"named smiles column missing", "smiles\nCC\n", Options{SMILESColumn: "mol"}, `no SMILES column "mol"`},
		{"value column missing", "smiles\nCC\n", Options{ValueColumn: "logS"}, `no value column "logS" in the header (columns: "smiles")`},
		{"name column missing", "smiles\nCC\n", Options{NameColumn: "title"}, `no name column "title"`},
		{"empty file", "", Options{}, "the file is empty"},
		{"bad header quoting", "\"smi\"les\n", Options{}, "csv header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCSVReader(strings.NewReader(tc.in), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCSVMalformedQuotesContinue(t *testing.T) {
	t.Parallel()
	in := "smiles,name\nCC,ok\nC\"C,bad\nCCC,after\n"
	r, err := NewCSVReader(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].Row != 2 || !strings.Contains(bad[0].Reason, "malformed CSV") {
		t.Errorf("errors = %+v", bad)
	}
	if len(rows) != 2 || rows[1].Name != "after" {
		t.Errorf("rows = %+v", rows)
	}
}

func TestFormatFromPath(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]Format{"a.csv": FormatCSV, "B.SDF": FormatSDF, "x/y.sd": FormatSDF, "m.mol": FormatSDF,
		"t.tsv": FormatCSV, "lib.sdf.gz": FormatSDF, "a.CSV.GZ": FormatCSV, "data.xlsx": FormatXLSX} {
		if got, err := FormatFromPath(path); err != nil || got != want {
			t.Errorf("FormatFromPath(%q) = %q, %v", path, got, err)
		}
	}
	if _, err := FormatFromPath("data.xls"); err == nil || !strings.Contains(err.Error(), ".xls") {
		t.Errorf("xls: %v", err)
	}
	if _, err := FormatFromPath("data.gz"); err == nil {
		t.Error("data.gz: no error")
	}
	if f, err := ParseFormat(" SDF "); err != nil || f != FormatSDF {
		t.Errorf("ParseFormat = %v %v", f, err)
	}
}
