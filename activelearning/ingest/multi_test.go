package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// multiWant is testdata/multi.sdf as RDKit 2022.09.3 wrote and reads it
// (testdata/gen_fixtures.py: ESOL's first six rows, MolWt from
// Descriptors.MolWt, MolLogP from Crippen.MolLogP, none for Thiophene).
var multiWant = []struct {
	name, id, rdkit string
	logS, mw, logP  float64
	hasLogP         bool
}{
	{"Amigdalin", "ESOL-1", "N#CC(OC1OC(COC2OC(CO)C(O)C(O)C2O)C(O)C(O)C1O)c1ccccc1", -0.77, 457.432, -3.108, true},
	{"Fenfuram", "ESOL-2", "Cc1occc1C(=O)Nc1ccccc1", -3.3, 201.225, 2.8403, true},
	{"citral", "ESOL-3", "CC(C)=CCCC(C)=CC=O", -2.06, 152.237, 2.878, true},
	{"Picene", "ESOL-4", "c1ccc2c(c1)ccc1c2ccc2c3ccccc3ccc21", -7.87, 278.354, 6.2994, true},
	{"Thiophene", "ESOL-5", "c1ccsc1", -1.33, 84.143, 0, false},
	{"benzothiazole", "ESOL-6", "c1ccc2scnc2c1", -1.5, 135.191, 2.2963, true},
}

func openFile(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readFile(t *testing.T, name string, format Format, opts Options) ([]Row, []RowError, error) {
	t.Helper()
	r, err := Open(openFile(t, name), format, opts)
	if err != nil {
		t.Fatalf("Open %s: %v", name, err)
	}
	return ReadAll(r)
}

func TestSDFMultiProperty(t *testing.T) {
	t.Parallel()
	eps, err := ParseEndpoints("logS, MW=MolWt , logP=MOLLOGP")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"multi.sdf", "multi.sdf.gz"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			rows, bad, err := readFile(t, file, FormatSDF, Options{Endpoints: eps})
			if err != nil || len(bad) != 0 || len(rows) != len(multiWant) {
				t.Fatalf("rows %d, errors %+v, err %v", len(rows), bad, err)
			}
			for i, w := range multiWant {
				g := rows[i]
				if g.Line != i+1 || g.Name != w.name || g.SMILES != canon(t, w.rdkit) || g.Value != nil {
					t.Errorf("row %d = line %d name %q SMILES %q value %v; want %d %q %q (RDKit %q)", i, g.Line, g.Name, g.SMILES, g.Value, i+1, w.name, canon(t, w.rdkit), w.rdkit)
				}
				want := []Measurement{{"logS", "logS", w.logS, Exact}, {"MW", "MolWt", w.mw, Exact}}
				if w.hasLogP {
					want = append(want, Measurement{"logP", "MOLLOGP", w.logP, Exact})
				}
				if !reflect.DeepEqual(g.Values, want) {
					t.Errorf("%s: values %+v, want %+v", w.name, g.Values, want)
				}
				if id, ok := g.Field("id"); !ok || id != w.id {
					t.Errorf("%s: field ID = %q, %v", w.name, id, ok)
				}
				nf := 4
				if !w.hasLogP {
					nf = 3
				}
				if len(g.Fields) != nf || g.Fields[0].Name != "ID" || g.Fields[1].Name != "logS" || g.Fields[2].Name != "MolWt" {
					t.Errorf("%s: fields %+v", w.name, g.Fields)
				}
			}
		})
	}
}

func TestSDFMissingDataItem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		want ColumnError
	}{
		{"endpoint", Options{Endpoints: []EndpointColumn{{"logS", "logS"}, {"pIC50", "PIC50"}}},
			ColumnError{Format: FormatSDF, Role: "value", Column: "PIC50", Endpoint: "pIC50", Have: []string{"ID", "logS", "MolWt", "MolLogP"}}},
		{"value column", Options{ValueColumn: "solubility"},
			ColumnError{Format: FormatSDF, Role: "value", Column: "solubility", Have: []string{"ID", "logS", "MolWt", "MolLogP"}}},
		{"name column", Options{NameColumn: "title"},
			ColumnError{Format: FormatSDF, Role: "name", Column: "title", Have: []string{"ID", "logS", "MolWt", "MolLogP"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows, _, err := readFile(t, "multi.sdf", FormatSDF, tc.opts)
			var ce *ColumnError
			if !errors.As(err, &ce) || !reflect.DeepEqual(*ce, tc.want) {
				t.Fatalf("err = %#v, want %#v", err, tc.want)
			}
			if len(rows) != 6 {
				t.Errorf("%d rows before the error, want 6", len(rows))
			}
		})
	}
	_, _, err := readFile(t, "multi.sdf", FormatSDF, Options{Endpoints: []EndpointColumn{{"pIC50", "PIC50"}}})
	if want := `sdf: no record has the value data item (endpoint pIC50) "PIC50" (data items: "ID", "logS", "MolWt", "MolLogP")`; err == nil || err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	// A data item that only some records have is no error.
	if _, _, err := readFile(t, "multi.sdf", FormatSDF, Options{ValueColumn: "MolLogP"}); err != nil {
		t.Errorf("MolLogP in 5 of 6 records: %v", err)
	}
}

func TestSDFQualified(t *testing.T) {
	t.Parallel()
	rec := func(v string) string { return molfile([]string{"O"}, nil) + "> <IC50>\n" + v + "\n\n$$$$\n" }
	in := rec("<0.1") + rec(" >= 10") + rec("~3,5") + rec("12") + rec("<<1")
	opts := Options{Endpoints: []EndpointColumn{{"IC50", "ic50"}}, Qualified: true, DecimalComma: true}
	rows, bad, err := ReadAll(NewSDFReader(strings.NewReader(in), opts))
	if err != nil {
		t.Fatal(err)
	}
	want := []Measurement{{"IC50", "ic50", 0.1, LessThan}, {"IC50", "ic50", 10, AtLeast}, {"IC50", "ic50", 3.5, Approximate}, {"IC50", "ic50", 12, Exact}}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v errors %+v", rows, bad)
	}
	for i, w := range want {
		if len(rows[i].Values) != 1 || rows[i].Values[0] != w {
			t.Errorf("row %d values %+v, want %+v", i+1, rows[i].Values, w)
		}
	}
	if len(bad) != 1 || bad[0].Row != 5 || bad[0].Column != "ic50" || !strings.Contains(bad[0].Reason, "not a number") {
		t.Errorf("errors %+v", bad)
	}
	// Without Qualified, a bound rejects its record rather than becoming a value.
	_, bad, _ = ReadAll(NewSDFReader(strings.NewReader(rec("<0.1")), Options{ValueColumn: "IC50"}))
	if len(bad) != 1 || !strings.Contains(bad[0].Reason, `value "<0.1" is qualified (<)`) {
		t.Errorf("errors %+v", bad)
	}
}

func TestSDFV3000(t *testing.T) {
	t.Parallel()
	// RDKit 2022.09.3: Chem.MolToSmiles(m) for m in Chem.SDMolSupplier("testdata/v3000.sdf")
	// (testdata/gen_fixtures.py prints them).
	want := []struct{ name, rdkit string }{
		{"acetate", "CC(=O)[O-]"},
		{"methanol-13C", "[13CH3]O"},
		{"pyridine N-oxide", "[O-][n+]1ccccc1"},
		{"sodium chloride", "[Cl-].[Na+]"},
		{"ethyl radical", "[CH2]C"},
		{"caffeine", "Cn1c(=O)c2c(ncn2C)n(C)c1=O"},
		{"deuterated benzene", "[2H]c1ccccc1"},
		{"ethylammonium", "CC[NH3+]"},
	}
	rows, bad, err := readFile(t, "v3000.sdf", FormatSDF, Options{NameColumn: "name"})
	if err != nil || len(bad) != 0 || len(rows) != len(want) {
		t.Fatalf("rows %+v errors %+v err %v", rows, bad, err)
	}
	for i, w := range want {
		if rows[i].Name != w.name || rows[i].SMILES != canon(t, w.rdkit) {
			t.Errorf("record %d: %q %q, want %q %q (RDKit %q)", i+1, rows[i].Name, rows[i].SMILES, w.name, canon(t, w.rdkit), w.rdkit)
		}
	}
}

// v3000 builds a V3000 record around CTAB body lines (without "M  V30 ").
func v3000(body ...string) string {
	var sb strings.Builder
	sb.WriteString("t\n  test\n\n  0  0  0  0  0  0  0  0  0  0999 V3000\n")
	for _, l := range body {
		sb.WriteString("M  V30 " + l + "\n")
	}
	sb.WriteString("M  END\n$$$$\n")
	return sb.String()
}

func TestV3000Errors(t *testing.T) {
	t.Parallel()
	ctab := func(atoms, bonds []string, counts string) []string {
		out := []string{"BEGIN CTAB", "COUNTS " + counts, "BEGIN ATOM"}
		out = append(out, atoms...)
		out = append(out, "END ATOM", "BEGIN BOND")
		out = append(out, bonds...)
		return append(out, "END BOND", "END CTAB")
	}
	tests := []struct{ name, in, want string }{
		{"atom list", v3000(ctab([]string{"1 C 0 0 0 0", "2 [C,N] 0 0 0 0"}, []string{"1 1 1 2"}, "2 1 0 0 0")...), "not an element"},
		{"NOT list", v3000(ctab([]string{"1 C 0 0 0 0", "2 NOT 0 0 0 0"}, []string{"1 1 1 2"}, "2 1 0 0 0")...), "not an element"},
		{"coordination bond", v3000(ctab([]string{"1 C 0 0 0 0", "2 Fe 0 0 0 0"}, []string{"1 9 1 2"}, "2 1 0 0 0")...), "bond type 9"},
		{"bond to missing atom", v3000(ctab([]string{"1 C 0 0 0 0"}, []string{"1 1 1 7"}, "1 1 0 0 0")...), "not both in the atom block"},
		{"counts disagree", v3000(ctab([]string{"1 C 0 0 0 0"}, nil, "2 0 0 0 0")...), "COUNTS says 2 atoms"},
		{"too many atoms", v3000(ctab([]string{"1 C 0 0 0 0", "2 C 0 0 0 0"}, nil, "1 0 0 0 0")...), "more atoms than COUNTS"},
		{"no CTAB", v3000("COUNTS 1 0 0 0 0"), "no CTAB"},
		{"unclosed CTAB", v3000("BEGIN CTAB", "COUNTS 1 0 0 0 0", "BEGIN ATOM", "1 C 0 0 0 0", "END ATOM"), "not closed"},
		{"mismatched END", v3000("BEGIN CTAB", "COUNTS 1 0 0 0 0", "BEGIN ATOM", "1 C 0 0 0 0", "END BOND"), "does not close"},
		{"bad charge", v3000(ctab([]string{"1 C 0 0 0 0 CHG=x"}, nil, "1 0 0 0 0")...), `CHG="x"`},
		{"dangling continuation", "t\n\n\n  0  0  0  0  0  0  0  0  0  0999 V3000\nM  V30 BEGIN CTAB -\nM  END\n$$$$\n", "ends inside a continued line"},
		{"unbalanced quote", v3000("BEGIN CTAB", `COUNTS 1 0 0 0 0 "x`), "unclosed quote"},
		{"duplicate atom number", v3000(ctab([]string{"1 C 0 0 0 0", "1 O 0 0 0 0"}, nil, "2 0 0 0 0")...), "used twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows, bad, err := ReadAll(NewSDFReader(strings.NewReader(tc.in), Options{}))
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || bad[0].Column != "molfile" || !strings.Contains(bad[0].Reason, tc.want) {
				t.Errorf("rows %+v errors %+v, want one containing %q", rows, bad, tc.want)
			}
		})
	}
}

func TestCSVSemicolonDecimalCommaQualified(t *testing.T) {
	t.Parallel()
	eps := []EndpointColumn{{"logS", "logS"}, {"pIC50", "pIC50"}}
	f := openFile(t, "semicolon.csv")
	r, err := NewCSVReader(f, Options{Endpoints: eps, Qualified: true, DecimalComma: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Separator() != ';' {
		t.Errorf("separator %q, want ';'", r.Separator())
	}
	rows, bad, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]Measurement{
		{{"logS", "logS", -0.77, Exact}},
		{{"logS", "logS", -3.3, Exact}, {"pIC50", "pIC50", 5, LessThan}},
		{{"logS", "logS", -2.06, Exact}, {"pIC50", "pIC50", 7.5, AtLeast}},
		{{"logS", "logS", -7.87, LessThan}, {"pIC50", "pIC50", 6.1, Approximate}},
		{{"logS", "logS", -1.5, Exact}, {"pIC50", "pIC50", 4, AtMost}},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v errors %+v", rows, bad)
	}
	for i, w := range want {
		if !reflect.DeepEqual(rows[i].Values, w) {
			t.Errorf("row %d values %+v, want %+v", rows[i].Line, rows[i].Values, w)
		}
	}
	if rows[0].Name != "ESOL-1" || len(rows[0].Fields) != 5 || rows[0].Fields[4] != (Field{"comment", "sugar; cyanogenic"}) {
		t.Errorf("row 1 name %q fields %+v", rows[0].Name, rows[0].Fields)
	}
	if c, _ := rows[3].Field("COMMENT"); c != "insoluble" {
		t.Errorf("row 4 comment %q", c)
	}
	if len(bad) != 1 || bad[0] != (RowError{Row: 5, Column: "pIC50", Reason: `value "abc" is not a number`}) {
		t.Errorf("errors %+v", bad)
	}
	if !rows[1].Values[1].Qualifier.Censored() || rows[3].Values[1].Qualifier.Censored() || Exact.Censored() {
		t.Error("Censored: < is a bound, ~ and exact are not")
	}

	// Without the options: decimal commas are refused with a hint, bounds as qualified.
	r, err = NewCSVReader(openFile(t, "semicolon.csv"), Options{Endpoints: eps})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, _ = ReadAll(r)
	if len(rows) != 0 || len(bad) != 6 {
		t.Fatalf("rows %+v errors %+v", rows, bad)
	}
	if !strings.Contains(bad[0].Reason, `value "-0,77" is not a number (a decimal comma?`) || !strings.Contains(bad[3].Reason, "is qualified (<)") {
		t.Errorf("errors %+v", bad)
	}
}

func TestSniffSeparator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		head string
		want rune
	}{
		{"smiles,name,value\n", ','},
		{"smiles;name;value\r\nC;a;1,5\n", ';'},
		{"smiles\tname\tvalue\nC\ta,b;c\t1\n", '\t'},
		{`"a;b;c",smiles` + "\n", ','},          // separators inside quotes do not count
		{"ID;SMILES;logS (mol/L), pH 7\n", ';'}, // a comma in a column name
		{"smiles\n", ','},                       // one column
		{"smiles;name,value\n", ','},            // a tie goes to the comma
		{"smiles;name\tvalue\n", ';'},           // then to the semicolon
		{"", ','},
	}
	for _, tc := range tests {
		if got := SniffSeparator([]byte(tc.head)); got != tc.want {
			t.Errorf("SniffSeparator(%q) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

func TestCSVTabGzipAndSeparatorOption(t *testing.T) {
	t.Parallel()
	tsv := "Compound ID\tSMILES\tlogS\tassay\nX1\tCCO\t0.5\tshake flask, pH 7\nX2\tc1ccccc1\t-1.64\t\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(tsv))
	_ = zw.Close()
	for name, in := range map[string][]byte{"plain": []byte(tsv), "gzip": gz.Bytes()} {
		r, err := Open(bytes.NewReader(in), FormatCSV, Options{NameColumn: "compound id", ValueColumn: "logs"})
		if err != nil {
			t.Fatal(name, err)
		}
		rows, bad, err := ReadAll(r)
		if err != nil || len(bad) != 0 || len(rows) != 2 {
			t.Fatalf("%s: rows %+v errors %+v err %v", name, rows, bad, err)
		}
		if rows[0].Name != "X1" || *rows[0].Value != 0.5 || rows[0].Fields[3].Value != "shake flask, pH 7" || *rows[1].Value != -1.64 {
			t.Errorf("%s: rows %+v", name, rows)
		}
	}
	// An explicit separator beats sniffing: this header has more commas than pipes.
	r, err := NewCSVReader(strings.NewReader("smiles|note\nCC|a,b,c\n"), Options{Separator: '|'})
	if err != nil {
		t.Fatal(err)
	}
	if rows, _, _ := ReadAll(r); len(rows) != 1 || rows[0].Fields[1].Value != "a,b,c" {
		t.Errorf("rows %+v", rows)
	}
	if _, err := NewCSVReader(strings.NewReader("smiles\nC\n"), Options{Separator: '"'}); err == nil {
		t.Error(`separator '"' accepted`)
	}
	// A truncated gzip stream is a final error, not a panic or a silent end.
	tr, err := Open(bytes.NewReader(gz.Bytes()[:gz.Len()-10]), FormatCSV, Options{})
	if err == nil {
		_, _, err = ReadAll(tr)
	}
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated gzip: %v", err)
	}
}

func TestCSVColumnErrorTyped(t *testing.T) {
	t.Parallel()
	_, err := Open(strings.NewReader("smiles;logS\nC;1\n"), FormatCSV, Options{Endpoints: []EndpointColumn{{"pIC50", "PIC50"}}})
	var ce *ColumnError
	if !errors.As(err, &ce) || ce.Column != "PIC50" || ce.Endpoint != "pIC50" || !reflect.DeepEqual(ce.Have, []string{"smiles", "logS"}) {
		t.Fatalf("err = %#v", err)
	}
	if want := `csv: no value column (endpoint pIC50) "PIC50" in the header (columns: "smiles", "logS")`; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if _, err := Open(strings.NewReader(""), FormatCSV, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
}

func TestParseEndpoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []EndpointColumn
		err  string
	}{
		{"logS=LOGS_COL,pIC50=PIC50", []EndpointColumn{{"logS", "LOGS_COL"}, {"pIC50", "PIC50"}}, ""},
		{" logS ", []EndpointColumn{{"logS", "logS"}}, ""},
		{"a=x, b = y ,c", []EndpointColumn{{"a", "x"}, {"b", "y"}, {"c", "c"}}, ""},
		{"", nil, "empty"},
		{"logS=", nil, "want endpoint=column"},
		{"=col", nil, "want endpoint=column"},
		{"a,,b", nil, "want endpoint=column"},
		{"logS=a,LOGS=b", nil, "mapped twice"},
	}
	for _, tc := range tests {
		got, err := ParseEndpoints(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseEndpoints(%q) = %v, %v; want error ~%q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseEndpoints(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := Open(strings.NewReader("smiles\nC\n"), FormatCSV, Options{Endpoints: []EndpointColumn{{"a", "x"}, {"A", "y"}}}); err == nil {
		t.Error("Open accepted an endpoint mapped twice")
	}
}

func TestSDFV3000ESOLGolden(t *testing.T) {
	t.Parallel()
	// testdata/esol_v3000.sdf.gz: every 10th ESOL molecule written as V3000 by
	// RDKit 2022.09.3 (Chem.MolToV3KMolBlock, kekulized and aromatic in
	// turn), each with RDKit's reading of its own block as the data item
	// RDKIT_SMILES (isomericSmiles=False), "NONE" where RDKit refuses it.
	f := openFile(t, "esol_v3000.sdf.gz")
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, rec := range strings.Split(string(raw), "$$$$\n") {
		if _, ref, ok := strings.Cut(rec, "> <RDKIT_SMILES>\n"); ok {
			refs = append(refs, strings.TrimSpace(strings.SplitN(ref, "\n", 2)[0]))
		}
	}
	if len(refs) != 113 {
		t.Fatalf("%d reference SMILES, want 113", len(refs))
	}
	rows, bad, err := readFile(t, "esol_v3000.sdf.gz", FormatSDF, Options{Endpoints: []EndpointColumn{{"logS", "logS"}}})
	if err != nil {
		t.Fatal(err)
	}
	byLine := map[int]Row{}
	for _, r := range rows {
		byLine[r.Line] = r
	}
	badLine := map[int]RowError{}
	for _, b := range bad {
		badLine[b.Row] = b
	}
	refused := 0
	for i, ref := range refs {
		n := i + 1
		if ref == "NONE" {
			refused++
			if b, ok := badLine[n]; !ok || !strings.Contains(b.Reason, "kekul") {
				t.Errorf("record %d: RDKit refuses it, we give row %+v error %+v", n, byLine[n], b)
			}
			continue
		}
		r, ok := byLine[n]
		if !ok {
			t.Errorf("record %d: error %+v, RDKit reads %s", n, badLine[n], ref)
			continue
		}
		if c := canon(t, ref); r.SMILES != c {
			t.Errorf("record %d (%s): SMILES %q, RDKit %q (chem canonical %q)", n, r.Name, r.SMILES, ref, c)
		}
		if len(r.Values) != 1 || r.Values[0].Qualifier != Exact {
			t.Errorf("record %d: values %+v", n, r.Values)
		}
	}
	if refused != 1 || len(rows)+len(bad) != 113 {
		t.Errorf("%d rows, %d errors, %d refused by RDKit", len(rows), len(bad), refused)
	}
	// The values are ESOL's: every 10th row of examples/esol.csv.
	esol, err := os.Open(esolPath)
	if err != nil {
		t.Skip("SKIPPED: examples/esol.csv:", err)
	}
	defer esol.Close()
	er, _ := NewCSVReader(esol, Options{ValueColumn: "value"})
	all, _, _ := ReadAll(er)
	for _, r := range rows {
		if want := *all[(r.Line-1)*10].Value; r.Values[0].Value != want || r.Name != all[(r.Line-1)*10].Name {
			t.Errorf("record %d: %s logS %v, ESOL row %d: %s %v", r.Line, r.Name, r.Values[0].Value, (r.Line-1)*10+1, all[(r.Line-1)*10].Name, want)
		}
	}
}
