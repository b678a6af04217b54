package ingest

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"activelab/chem"
)

// drain reads r to the end, checking each good row: a SMILES chem parses,
// a finite value, increasing row numbers. It gives up after limit records.
func drain(t *testing.T, r Reader, limit int) {
	t.Helper()
	last := 0
	for range limit {
		row, err := r.Next()
		var re *RowError
		switch {
		case err == nil:
			if row.Line <= last {
				t.Fatalf("row number %d after %d", row.Line, last)
			}
			last = row.Line
			if _, err := chem.Parse(row.SMILES); err != nil {
				t.Fatalf("row %d: SMILES %q does not parse: %v", row.Line, row.SMILES, err)
			}
			if row.Value != nil && (math.IsNaN(*row.Value) || math.IsInf(*row.Value, 0)) {
				t.Fatalf("row %d: value %v not finite", row.Line, *row.Value)
			}
		case errors.As(err, &re):
			if re.Row <= last && re.Row != 0 {
				t.Fatalf("error row %d after %d", re.Row, last)
			}
			last = re.Row
			if re.Reason == "" {
				t.Fatalf("row error without a reason: %+v", re)
			}
		case errors.Is(err, io.EOF):
			return
		default:
			return // a final error is fine; the reader must just not panic
		}
	}
}

func FuzzCSVReader(f *testing.F) {
	f.Add("smiles,value,name\nCCO,1.5,ethanol\n")
	f.Add("\ufeffID,SMILES,logS\r\na,C1CC,1\r\nb,,x\r\n")
	f.Add("smiles\n\"C\"\"C\"\nc1ccccc1\n")
	f.Add("name,smiles,value\n\"a,b\",[NH4+],NaN\nq,CC,1e999\n")
	if b, err := os.ReadFile(esolPath); err == nil {
		f.Add(string(b[:2000]))
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := NewCSVReader(strings.NewReader(in), Options{ValueColumn: "value"})
		if err != nil {
			r, err = NewCSVReader(strings.NewReader(in), Options{})
		}
		if err != nil {
			return
		}
		drain(t, r, 10000)
	})
}

func FuzzSDFReader(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "handmade.sdf")); err == nil {
		f.Add(string(b))
	}
	f.Add(molfile([]string{"N 0 3", "C", "C", "C", "C", "C", "O 0 5"}, []string{"1 2 4", "2 3 4", "3 4 4", "4 5 4", "5 6 4", "6 1 4", "1 7 1"}) + "> <value>\n1\n\n$$$$\n")
	f.Add(molfile([]string{"C", "C"}, []string{"1 2 1"}, "M  RAD  1   1   2", "M  ISO  1   2  13", "M  CHG  1   1  -1"))
	f.Add("t\n\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n 0 0 0 Na 0 3\n 0 0 0 Cl 0 5\n 1 2 1\nM  END\n$$$$\n")
	f.Fuzz(func(t *testing.T, in string) {
		drain(t, NewSDFReader(strings.NewReader(in), Options{NameColumn: "id", ValueColumn: "value"}), 10000)
	})
}
