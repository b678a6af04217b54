package chem

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMurckoScaffold compares with RDKit 2022.09.3
// MurckoScaffold.GetScaffoldForMol (Chem.MolToSmiles of the result; both
// sides compared through our canonical form).
func TestMurckoScaffold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Cc1ccccc1", "c1ccccc1"},
		{"CCCC", ""},
		{"CCO", ""},
		{"O=C1CCCCC1", "O=C1CCCCC1"},
		{"CC(=O)c1ccccc1", "c1ccccc1"},
		{"Cn1ccnc1", "c1c[nH]cn1"},
		{"c1ccccc1CCc1ccccc1", "c1ccc(CCc2ccccc2)cc1"},
		{"OC(=O)C1CC1C(C)=C", "C1CC1"},
		{"C[n+]1ccccc1", "c1cc[nH+]cc1"},
		{"CC1=CCCC1", "C1=CCCC1"},
		{"C1CC1.c1ccccc1C", "C1CC1.c1ccccc1"},
		{"[NH3+]CC1CCCCC1", "C1CCCCC1"},
		{"O=C(NC1CC1)c1ccccc1", "O=C(NC1CC1)c1ccccc1"},
		{"Cc1cc[nH]c1C", "c1cc[nH]c1"},
		{"CC(C)=C1CCCC1", "C=C1CCCC1"},
		{"CS(=O)(=O)c1ccccc1", "c1ccccc1"},
		{"O=S1(=O)CCCC1", "O=S1(=O)CCCC1"},
		{"CC(C)(C)c1ccccc1", "c1ccccc1"},
		{"CN1CCCC1", "C1CCNC1"},
		{"[O-][n+]1ccccc1", "c1cc[nH+]cc1"},
		{"C[N+]1(C)CCCC1", "C1CC[NH2+]C1"},
		{"Clc1ccc2ccccc2c1", "c1ccc2ccccc2c1"},
		{"CC1(C)CC2(CC2)C1", "C1CC2(C1)CC2"},
		{"c1ccc2c(c1)C1(CC1)CC2", "c1ccc2c(c1)CCC21CC1"},
		{"CC(Cc1ccccc1)NC(=O)CC1CCNCC1", "O=C(CC1CCNCC1)NCCc1ccccc1"},
	}
	for _, tt := range tests {
		m, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		got := MurckoScaffoldSMILES(m)
		want := ""
		if tt.want != "" {
			w, err := Parse(tt.want)
			if err != nil {
				t.Errorf("Parse(%q): %v", tt.want, err)
				continue
			}
			want = CanonicalSMILES(w)
		}
		if got != want {
			t.Errorf("MurckoScaffoldSMILES(%q) = %q, want %q (RDKit %q)", tt.in, got, want, tt.want)
		}
	}
}

// TestMurckoScaffoldGolden compares the scaffolds of all 3120 ESOL+BBBP
// molecules with RDKit 2022.09.3's (testdata/murcko_golden.tsv, written
// without stereo), both sides through our canonical SMILES.
func TestMurckoScaffoldGolden(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "murcko_golden.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, match := 0, 0
	var misses []string
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		smiles, scaffold, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		m, err := Parse(smiles)
		if err != nil {
			t.Errorf("Parse(%q): %v", smiles, err)
			continue
		}
		n++
		want := ""
		if scaffold != "" {
			w, err := Parse(scaffold)
			if err != nil {
				t.Errorf("Parse(%q) (RDKit scaffold): %v", scaffold, err)
				continue
			}
			want = CanonicalSMILES(w)
		}
		if got := MurckoScaffoldSMILES(m); got == want {
			match++
		} else if len(misses) < 10 {
			misses = append(misses, smiles+": got "+got+", RDKit "+scaffold)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Murcko scaffolds matching RDKit: %d/%d", match, n)
	if match != n {
		t.Errorf("%d scaffolds differ from RDKit; first: %q", n-match, misses)
	}
}
