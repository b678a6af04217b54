package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"activelab/chem"
)

// canon is chem's canonical SMILES of s.
func canon(t *testing.T, s string) string {
	t.Helper()
	m, err := chem.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return chem.CanonicalSMILES(m)
}

func TestSDFHandmade(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "handmade.sdf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, bad, err := ReadAll(NewSDFReader(f, Options{NameColumn: "id", ValueColumn: "logS"}))
	if err != nil {
		t.Fatal(err)
	}
	// Rows hold chem's canonical SMILES, which is its own canonical form (not
	// RDKit's string), so both references are compared through chem.
	// rdkit: RDKit 2022.09.3, Chem.MolToSmiles(m) for m in
	// Chem.SDMolSupplier("testdata/handmade.sdf"); record 5 is None ("Explicit
	// valence for atom # 0 C, 5, is greater than permitted").
	want := []struct {
		line   int
		name   string
		smiles string // the same molecule written by hand as SMILES
		rdkit  string
		value  float64
		hasVal bool
	}{
		{1, "BNZ-1", "C1=CC=CC=C1", "c1ccccc1", -1.64, true},
		{2, "NM-2", "CN(=O)=O", "C[N+](=O)[O-]", 0.26, true},
		{3, "MEOH-13C", "[13CH3]O", "[13CH3]O", 1.57, true},
		{4, "PYR-4", "c1cc[nH+]cc1.[O-]C(=O)CCl", "O=C([O-])CCl.c1cc[nH+]cc1", 0, false},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v (errors %+v)", len(rows), len(want), rows, bad)
	}
	for i, w := range want {
		g := rows[i]
		if g.Line != w.line || g.Name != w.name || (g.Value != nil) != w.hasVal || (w.hasVal && *g.Value != w.value) {
			t.Errorf("row %d = %+v, want line %d name %q value %v", i, g, w.line, w.name, w.value)
		}
		if c := canon(t, w.smiles); g.SMILES != c {
			t.Errorf("%s: SMILES %q, want %q (canonical of %q)", w.name, g.SMILES, c, w.smiles)
		}
		if c := canon(t, w.rdkit); g.SMILES != c {
			t.Errorf("%s: SMILES %q, RDKit gives %q (chem canonical %q)", w.name, g.SMILES, w.rdkit, c)
		}
	}
	if len(bad) != 2 {
		t.Fatalf("errors = %+v, want 2", bad)
	}
	if b := bad[0]; b.Row != 5 || b.Column != "molfile" || !strings.Contains(b.Reason, "valence 5") {
		t.Errorf("record 5 error = %+v", b)
	}
	if b := bad[1]; b.Row != 6 || b.Column != "logS" || !strings.Contains(b.Reason, "not finite") {
		t.Errorf("record 6 error = %+v", b)
	}
}

// molfile builds a V2000 molfile from atom lines ("C", "N 0 3" = symbol,
// mass difference, charge code) and bond lines ("1 2 4").
func molfile(atoms, bonds []string, props ...string) string {
	var sb strings.Builder
	sb.WriteString("title\n  test\n\n")
	sb.WriteString(pad3(len(atoms)) + pad3(len(bonds)) + "  0  0  0  0  0  0  0  0999 V2000\n")
	for _, a := range atoms {
		f := strings.Fields(a)
		for len(f) < 3 {
			f = append(f, "0")
		}
		sym := (f[0] + "   ")[:3]
		sb.WriteString("    0.0000    0.0000    0.0000 " + sym + pad2(f[1]) + pad3s(f[2]) + "  0  0  0  0  0  0  0  0  0  0\n")
	}
	for _, b := range bonds {
		f := strings.Fields(b)
		sb.WriteString(pad3s(f[0]) + pad3s(f[1]) + pad3s(f[2]) + "  0\n")
	}
	for _, p := range props {
		sb.WriteString(p + "\n")
	}
	sb.WriteString("M  END\n")
	return sb.String()
}

func pad3(n int) string { return pad3s(strings.TrimSpace(strings.Repeat(" ", 0) + itoa(n))) }
func pad3s(s string) string {
	for len(s) < 3 {
		s = " " + s
	}
	return s
}
func pad2(s string) string {
	for len(s) < 2 {
		s = " " + s
	}
	return s
}
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestMolfileSMILES(t *testing.T) {
	t.Parallel()
	// rdkit: RDKit 2022.09.3 Chem.MolToSmiles(Chem.MolFromMolBlock(block)) for
	// the same blocks.
	tests := []struct {
		name   string
		block  string
		rdkit  string
		errSub string
	}{
		{"ammonium from charge code 3", molfile([]string{"N 0 3"}, nil), "[NH4+]", ""},
		{"acetate M CHG overrides atom block", molfile([]string{"C", "C", "O", "O 0 3"}, []string{"1 2 1", "2 3 2", "2 4 1"}, "M  CHG  1   4  -1"), "CC(=O)[O-]", ""},
		{"deuterium symbol D", molfile([]string{"C", "D"}, []string{"1 2 1"}), "[2H]C", ""},
		{"mass difference +1 on C", molfile([]string{"C 1", "O"}, []string{"1 2 1"}), "[13CH3]O", ""},
		{"methyl radical M RAD", molfile([]string{"C", "C"}, []string{"1 2 1"}, "M  RAD  1   1   2"), "[CH2]C", ""},
		{"pyrrole with aromatic bonds and NH", molfile([]string{"N", "C", "C", "C", "C"}, []string{"1 2 4", "2 3 4", "3 4 4", "4 5 4", "5 1 4"}, "M  CHG  0"), "", "kekul"},
		{"pyridine N-oxide aromatic", molfile([]string{"N 0 3", "C", "C", "C", "C", "C", "O 0 5"}, []string{"1 2 4", "2 3 4", "3 4 4", "4 5 4", "5 6 4", "6 1 4", "1 7 1"}), "[O-][n+]1ccccc1", ""},
		{"sodium chloride", molfile([]string{"Na 0 3", "Cl 0 5"}, nil), "[Cl-].[Na+]", ""},
		{"biphenyl single bond between aromatic rings", molfile(
			[]string{"C", "C", "C", "C", "C", "C", "C", "C", "C", "C", "C", "C"},
			[]string{"1 2 4", "2 3 4", "3 4 4", "4 5 4", "5 6 4", "6 1 4", "7 8 4", "8 9 4", "9 10 4", "10 11 4", "11 12 4", "12 7 4", "1 7 1"}), "c1ccc(-c2ccccc2)cc1", ""},
		{"query atom", molfile([]string{"C", "A"}, []string{"1 2 1"}), "", "not an element"},
		{"query bond", molfile([]string{"C", "C"}, []string{"1 2 8"}), "", "bond type 8"},
		{"bond to missing atom", molfile([]string{"C", "C"}, []string{"1 3 1"}), "", "the molfile has 2 atoms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, bad, err := ReadAll(NewSDFReader(strings.NewReader(tc.block+"$$$$\n"), Options{}))
			if err != nil {
				t.Fatal(err)
			}
			if tc.errSub != "" {
				if len(bad) != 1 || !strings.Contains(bad[0].Reason, tc.errSub) {
					t.Errorf("errors %+v, want one containing %q (rows %+v)", bad, tc.errSub, rows)
				}
				return
			}
			if len(rows) != 1 {
				t.Fatalf("rows %+v errors %+v", rows, bad)
			}
			if c := canon(t, tc.rdkit); rows[0].SMILES != c {
				t.Errorf("SMILES %q, RDKit gives %q (chem canonical %q)", rows[0].SMILES, tc.rdkit, c)
			}
		})
	}
}

func TestSDFStructureErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"no M END", "t\n\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0 0.0 0.0 C   0  0\n$$$$\n", `no "M  END"`},
		{"V3000 without a CTAB", "t\n\n\n  0  0  0     0  0            999 V3000\nM  END\n$$$$\n", "V3000 molfile has no CTAB"},
		{"truncated", "t\n\n\n  3  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n$$$$\n", "need 7"},
		{"short header", "t\nM  END\n$$$$\n", "shorter than its 4 header lines"},
		{"no atoms", "t\n\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n$$$$\n", "no atoms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, bad, err := ReadAll(NewSDFReader(strings.NewReader(tc.in), Options{}))
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || bad[0].Row != 1 || !strings.Contains(bad[0].Reason, tc.want) {
				t.Errorf("errors = %+v, want one containing %q", bad, tc.want)
			}
		})
	}
	// Trailing blank lines and a last record without $$$$.
	in := molfile([]string{"O"}, nil) + "$$$$\n" + molfile([]string{"N"}, nil) + "\n\n"
	rows, bad, err := ReadAll(NewSDFReader(strings.NewReader(strings.ReplaceAll(in, "\n", "\r\n")), Options{}))
	if err != nil || len(bad) != 0 || len(rows) != 2 || rows[0].SMILES != "O" || rows[1].SMILES != "N" || rows[1].Line != 2 {
		t.Errorf("rows %+v errors %+v err %v", rows, bad, err)
	}
}
