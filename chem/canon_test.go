package chem

import (
	"strings"
	"testing"
)

func mustParse(t testing.TB, s string) *Mol {
	t.Helper()
	m, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return m
}

func canonOf(t testing.TB, s string) string {
	t.Helper()
	return CanonicalSMILES(mustParse(t, s))
}

func TestCanonicalSMILESSameMolecule(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{"CCO", "OCC", "C(O)C", "[CH3][CH2][OH]"},
		{"c1ccccc1", "C1=CC=CC=C1", "c1ccccc1", "C1C=CC=CC=1"},
		{"Oc1ccccc1C", "Cc1ccccc1O", "c1cccc(C)c1O", "OC1=C(C)C=CC=C1"},
		{"C[C@H](N)C(=O)O", "N[C@@H](C)C(=O)O", "OC(=O)[C@H](C)N", "C[C@@H](C(=O)O)N"},
		{"F/C=C/F", "F\\C=C\\F", "C(\\F)=C/F"},
		{"F/C=C\\F", "F\\C=C/F", "C(/F)=C/F"},
		{"C[C@H]1CC[C@@H](C)CC1", "C[C@@H]1CC[C@H](C)CC1"},
		{"[NH4+].[Cl-]", "[Cl-].[NH4+]"},
		{"C1CC2CCC1CC2", "C1CC2CCC1CC2", "C12CCC(CC1)CC2"},
		{"O=C1NC=CC=C1", "O=c1cccc[nH]1", "c1cc(=O)[nH]cc1"},
	}
	for _, g := range groups {
		want := canonOf(t, g[0])
		for _, s := range g[1:] {
			if got := canonOf(t, s); got != want {
				t.Errorf("canonical(%q) = %q, canonical(%q) = %q: want equal", g[0], want, s, got)
			}
		}
		if again := canonOf(t, want); again != want {
			t.Errorf("canonical(%q) = %q, not stable", want, again)
		}
	}
}

func TestCanonicalSMILESDifferentMolecules(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"C[C@H](N)C(=O)O", "C[C@@H](N)C(=O)O"},           // L- and D-alanine
		{"F/C=C/F", "F/C=C\\F"},                           // E and Z
		{"C[C@H]1CC[C@@H](C)CC1", "C[C@H]1CC[C@H](C)CC1"}, // cis and trans
		{"C[C@H](O)[C@@H](C)O", "C[C@H](O)[C@H](C)O"},     // meso and chiral butanediol
		{"CCO", "COC"},
		{"[13CH4]", "C"},
		// pseudo-asymmetric centres, kept as RDKit keeps them
		{"CN1[C@@H]2CC[C@H]1C[C@@H](O)C2", "CN1[C@@H]2CC[C@H]1C[C@H](O)C2"}, // tropine and pseudotropine
		{"OC[C@H](O)[C@H](O)[C@H](O)CO", "OC[C@H](O)[C@@H](O)[C@H](O)CO"},   // ribitol and xylitol
		{"C/C=C/[C@H](O)/C=C\\C", "C/C=C/[C@@H](O)/C=C\\C"},                 // r/s between an E and a Z branch
		{"C[C@H]1C[C@H](O)C[C@@H](C)N1", "C[C@H]1C[C@@H](O)C[C@@H](C)N1"},   // 2,6-dimethylpiperidin-4-ol
		{"C/C=C(\\[C@H](C)O)[C@@H](C)O", "C/C=C(/[C@H](C)O)[C@@H](C)O"},     // E/Z between enantiomeric branches
		{"C[C@H]1CC[C@@H](C)CC1", "C[C@H]1CC[C@H](C)CC1"},                   // ring cis/trans, no centre chiral
		{"OC(=O)[C@H]1C[C@H](C(=O)O)C1", "OC(=O)[C@@H]1C[C@H](C(=O)O)C1"},   // 1,3-cyclobutane cis/trans
		// mirror images of a cis,trans triad beside three unmarked
		// equivalent centres: RDKit 2022.09 gives both
		// OC1C(O)[C@H](O)[C@H](O)[C@@H](O)C1O; the tags' parities against
		// the ring neighbours show they are enantiomers
		{"O[C@H]1[C@H](O)[C@H](O)C(O)C(O)C1O", "O[C@@H]1[C@@H](O)[C@@H](O)C(O)C(O)C1O"},
	}
	for _, p := range pairs {
		a, b := canonOf(t, p[0]), canonOf(t, p[1])
		if a == b {
			t.Errorf("%q and %q both give %q", p[0], p[1], a)
		}
	}
}

// TestCanonicalSMILESWrites checks what the canonical string keeps: every
// case must also read back to itself.
func TestCanonicalSMILESWrites(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, smiles string
		contains     []string
	}{
		{"isotopes", "[2H]C([2H])([2H])O", []string{"[2H]"}},
		{"charges and bracket H", "[NH4+].[Cl-]", []string{"[NH4+]", "[Cl-]", "."}},
		{"aromatic lower case and [nH]", "C1=CC=CN1", []string{"[nH]", "c"}},
		{"charged aromatic", "[O-][n+]1ccccc1", []string{"[n+]", "[O-]"}},
		{"atom class", "[CH3:7]C", []string{"[CH3:7]"}},
		{"single bond between aromatic rings", "c1ccccc1-c1ccccc1", []string{")-c"}},
		{"two-digit ring closures", "C1CC2CC3CC4CC5CC6CC7CC8CC9CC%10CC%11CC1C2C3C4C5C6C7C8C9%10%11", []string{"%10", "%11"}},
		{"tetrahedral", "N[C@@H](C)C(=O)O", []string{"@"}},
		{"double-bond stereo", "OC(=O)/C=C/C(=O)O", []string{"\\C=C\\"}},
		{"conjugated double-bond stereo", "C/C=C/C=C/C", []string{"\\C=C\\C=C\\"}},
		{"stereo-less marks dropped", "C[C@H](C)O", nil},
		{"ring double bond in a small ring has no stereo", "C1CC/C=C/C1", nil},
	}
	for _, tc := range tests {
		c := canonOf(t, tc.smiles)
		for _, sub := range tc.contains {
			if !strings.Contains(c, sub) {
				t.Errorf("%s: canonical(%q) = %q lacks %q", tc.name, tc.smiles, c, sub)
			}
		}
		if tc.contains == nil && strings.ContainsAny(c, "@/\\") {
			t.Errorf("%s: canonical(%q) = %q keeps a stereo mark", tc.name, tc.smiles, c)
		}
		if again := canonOf(t, c); again != c {
			t.Errorf("%s: canonical(%q) = %q, which canonicalizes to %q", tc.name, tc.smiles, c, again)
		}
	}
	if CanonicalSMILES(nil) != "" {
		t.Error("CanonicalSMILES(nil) is not empty")
	}
}
