package chem

import (
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
	}
	for _, p := range pairs {
		a, b := canonOf(t, p[0]), canonOf(t, p[1])
		if a == b {
			t.Errorf("%q and %q both give %q", p[0], p[1], a)
		}
	}
}
