package ingest

import (
	"bytes"
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
			if row.Value == nil && row.Qualifier != Exact {
				t.Fatalf("row %d: qualifier %q without a value", row.Line, row.Qualifier)
			}
			for _, m := range row.Values {
				if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) || m.Endpoint == "" {
					t.Fatalf("row %d: measurement %+v", row.Line, m)
				}
				switch m.Qualifier {
				case Exact, LessThan, AtMost, GreaterThan, AtLeast, Approximate:
				default:
					t.Fatalf("row %d: qualifier %q", row.Line, m.Qualifier)
				}
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
			return // a final error (I/O, *ColumnError) is fine; the reader must just not panic
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
	if b, err := os.ReadFile(filepath.Join("testdata", "semicolon.csv")); err == nil {
		f.Add(string(b))
	}
	f.Add("smiles\tvalue\tpIC50\nCC\t<1,5\t>=2\nCCO\t~3\t≤4\n")
	f.Fuzz(func(t *testing.T, in string) {
		qualified := len(in)%2 == 0 // vary the options with the input
		opts := Options{ValueColumn: "value", Qualified: qualified, DecimalComma: !qualified,
			Endpoints: []EndpointColumn{{"p", "pIC50"}}}
		r, err := NewCSVReader(strings.NewReader(in), opts)
		if err != nil {
			var ce *ColumnError
			if err.Error() == "" || (errors.As(err, &ce) && ce.Column == "") {
				t.Fatalf("untyped or empty header error %#v", err)
			}
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
	for _, name := range []string{"v3000.sdf", "multi.sdf"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(v3000("BEGIN CTAB", "COUNTS 2 1 0 0 0", "BEGIN ATOM", "1 C 0 0 0 0 CHG=1 MASS=13 RAD=2", "2 O 0 0 0 0 VAL=-1", "END ATOM",
		"BEGIN BOND", "1 4 1 2", "END BOND", "BEGIN SGROUP", `1 DAT 0 ATOMS=(1 1) FIELDDATA="x ""y"""`, "END SGROUP", "END CTAB") + "> <value>\n<3\n\n$$$$\n")
	// Atom parities in molfiles without coordinates (chem.MolBlock's): a
	// centre with a hydrogen, a sulfoxide's lone pair, a ring closure.
	for _, smi := range []string{"N[C@@H](C)C(=O)O", "C[S@](=O)c1ccccc1", "C[C@@]12CCC[C@H]1CCC2"} {
		m, err := chem.Parse(smi)
		if err != nil {
			f.Fatal(err)
		}
		block, err := chem.MolBlock(m, smi)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(block + "> <value>\n1\n\n$$$$\n")
	}
	f.Fuzz(func(t *testing.T, in string) {
		opts := Options{NameColumn: "id", ValueColumn: "value", Qualified: len(in)%2 == 0,
			Endpoints: []EndpointColumn{{"logS", "logS"}, {"MW", "MolWt"}}}
		drain(t, NewSDFReader(strings.NewReader(in), opts), 10000)
	})
}

func FuzzXLSXReader(f *testing.F) {
	f.Add(workbook(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := NewXLSXReader(bytes.NewReader(in), Options{Sheet: "Assay", ValueColumn: "logS", Qualified: true})
		if err != nil {
			return
		}
		drain(t, r, 10000)
	})
}

func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"1.5", "<0.1", ">= 10", "~3,5", "≤-2", "1e999", "NaN", "<", "--1", "0x1p-2", " 7 "} {
		f.Add(s, true, true)
	}
	f.Fuzz(func(t *testing.T, s string, qualified, comma bool) {
		v, q, ok, e := parseValue(1, "v", s, &Options{Qualified: qualified, DecimalComma: comma})
		switch {
		case e != nil && (ok || e.Reason == "" || e.Row != 1 || e.Column != "v"):
			t.Fatalf("%q: ok %v error %+v", s, ok, e)
		case ok && (math.IsNaN(v) || math.IsInf(v, 0)):
			t.Fatalf("%q: value %v", s, v)
		case ok && q != Exact && !qualified:
			t.Fatalf("%q: qualifier %q accepted without Qualified", s, q)
		case !ok && e == nil && strings.TrimSpace(s) != "":
			t.Fatalf("%q: neither a value nor an error", s)
		}
	})
}

// FuzzMolBlockRoundTrip: the atom parities chem.MolBlock writes read
// back: whenever a SMILES without its stereo marks makes a molfile that
// MolfileSMILES reads back into the same molecule, the SMILES with its
// tetrahedral marks does too, centres included (double-bond geometry
// aside: a molfile without coordinates cannot hold it). Molecules whose
// flat form does not come back (exotic aromatic boron, '*', B:B) are
// outside the question and skipped.
func FuzzMolBlockRoundTrip(f *testing.F) {
	for _, s := range []string{"N[C@@H](C)C(=O)O", "C[S@](=O)c1ccccc1", "C1C[N@]2CC[C@H]1CC2", "[2H][C@](C)(O)F",
		"F/C=C/[C@H](O)CC", "C[C@H]1CC[C@@H](C)CC1", "OC[C@H]1O[C@@H](O)[C@H](O)[C@@H](O)[C@@H]1O", "[NH4+].[Cl-]"} {
		f.Add(s)
	}
	noBond := strings.NewReplacer("/", "", `\`, "")
	flat := strings.NewReplacer("@", "", "/", "", `\`, "")
	// back writes smi as a molfile and reads it back: its canonical SMILES
	// and the want canonical SMILES, or ok false when smi does not parse
	// or fit V2000.
	back := func(t *testing.T, smi string) (got, want string, block string, ok bool) {
		m, err := chem.Parse(smi)
		if err != nil {
			return "", "", "", false
		}
		fm, err := chem.Parse(noBond.Replace(smi))
		if err != nil {
			return "", "", "", false
		}
		block, err = chem.MolBlock(m, "fuzz")
		if err != nil {
			return "", "", "", false
		}
		read, err := MolfileSMILES(strings.Split(strings.TrimSuffix(block, "\n"), "\n"))
		if err != nil {
			return "err: " + err.Error(), chem.CanonicalSMILES(fm), block, true
		}
		gm, err := chem.Parse(read)
		if err != nil {
			return "err: " + err.Error(), chem.CanonicalSMILES(fm), block, true
		}
		return chem.CanonicalSMILES(gm), chem.CanonicalSMILES(fm), block, true
	}
	f.Fuzz(func(t *testing.T, smi string) {
		if got, want, _, ok := back(t, flat.Replace(smi)); !ok || got != want {
			return // the flat molecule does not come back: not a stereo question
		}
		if got, want, block, ok := back(t, smi); ok && got != want {
			t.Fatalf("%q: read back as %s, want %s\n%s", smi, got, want, block)
		}
	})
}
