package chem

import (
	"math"
	"testing"
)

// TestDescribeCases checks edge cases outside the golden set against RDKit
// 2022.09.3 (Debian python3-rdkit 202209.3-1): rdMolDescriptors.CalcMolFormula,
// Descriptors.MolWt, Descriptors.ExactMolWt, Lipinski.NumHDonors,
// Lipinski.NumHAcceptors, CalcTPSA, CalcNumRotatableBonds, Crippen.MolLogP,
// Crippen.MolMR.
func TestDescribeCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		smiles       string
		formula      string
		molWt, exact float64
		hbd, hba     int
		tpsa         float64
		rot          int
		logP, mr     float64
	}{
		{"[NH4+].[Cl-]", "H4ClN", 53.492000000000004, 53.003226808, 1, 0, 36.5, 0, -2.6198, 5.9848},
		{"O", "H2O", 18.015, 18.010564684, 0, 0, 31.5, 0, -0.8247, 3.6138},
		{"[13CH4]", "CH4", 17.03535484, 17.034654967999998, 0, 0, 0, 0, 0.6361, 6.731},
		{"[2H]C([2H])([2H])Cl", "CH3Cl", 53.506305334000004, 53.011158014, 0, 0, 0, 0, 0.855, 11.777},
		{"[Ca+2].[O-]C(=O)C.[O-]C(=O)C", "C4H6CaO4", 158.166, 157.989199652, 0, 4, 80.26, 0, -2.8684, 27.116},
		{"*CC", "C2H5*", 29.061999999999998, 29.039125159999998, 0, 0, 0, 0, 0.9739, 10.481},
		{"[H+].[Cl-]", "HCl", 36.461000000000006, 35.976677712, 0, 0, 0, 0, -2.8835, 1.112},
		{"[Fe+3]", "Fe+3", 55.845, 55.93329176027, 0, 0, 0, 0, -0.0025, 0},
		{"c1ccccc1[N+](=O)[O-]", "C6H5NO2", 123.111, 123.0320284, 0, 2, 43.14, 1, 1.5948, 33.0964},
		{"CC(=O)Nc1ccc(O)cc1", "C8H9NO2", 151.165, 151.063328528, 2, 2, 49.33, 1, 1.3506, 42.4105},
		{"[O-]S(=O)(=O)[O-]", "O4S-2", 96.063, 95.95282663982, 0, 4, 80.26, 0, -1.338, 10.4746},
		{"N#N", "N2", 28.014, 28.006148, 0, 2, 47.58, 0, 0.03016, 3.45},
		{"C1CC1", "C3H6", 42.081, 42.046950192, 0, 0, 0, 0, 1.1703, 13.851},
	}
	const tol = 1e-6
	for _, tt := range tests {
		m, err := Parse(tt.smiles)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.smiles, err)
			continue
		}
		d := Describe(m)
		if d.Formula != tt.formula {
			t.Errorf("%s: formula %q, want %q", tt.smiles, d.Formula, tt.formula)
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{
			{"mol_wt", d.MolWt, tt.molWt}, {"exact_mass", d.ExactMass, tt.exact},
			{"hbd", float64(d.HBD), float64(tt.hbd)}, {"hba", float64(d.HBA), float64(tt.hba)},
			{"tpsa", d.TPSA, tt.tpsa}, {"rotatable_bonds", float64(d.RotatableBonds), float64(tt.rot)},
			{"crippen_logp", d.CrippenLogP, tt.logP}, {"crippen_mr", d.CrippenMR, tt.mr},
		} {
			if math.Abs(f.got-f.want) > tol {
				t.Errorf("%s: %s = %v, want %v (RDKit 2022.09)", tt.smiles, f.name, f.got, f.want)
			}
		}
	}
}

// TestSMARTSMatch checks the matcher on patterns with hand-verified
// counts (RDKit 2022.09 GetSubstructMatches, unique).
func TestSMARTSMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		smiles, smarts string
		atoms          int // atoms matched by the first pattern atom
	}{
		{"CCO", "[OH]", 1},
		{"CCO", "[CH3]C", 1},
		{"CC(=O)O", "[CX3](=O)[OX2H1]", 1},
		{"c1ccccc1O", "[c](:a)(:a)-O", 1},
		{"c1ccccc1O", "[$(c-O)]", 1},
		{"c1ccccc1O", "[!$(c-O);c]", 5},
		{"C1CCCCC1C", "[R]", 6},
		{"C1CCCCC1C", "[!R]", 1},
		{"C1CC1CC1CCCC1", "[r3]", 3},
		{"C1CC1CC1CCCC1", "[r5]", 5},
		{"C1CC2CCC1C2", "[x3]", 2},
		{"C[N+](C)(C)C", "[N;+1;X4;D4]", 1},
		{"C#N", "[N]#[C]", 1},
		{"C=CC", "C~C", 3},
		{"C=CC", "C-!@C", 2},
		{"c1ccccc1-c1ccccc1", "c-!@c", 2},
		{"OCCN", "[O,N;!H0]", 2},
		{"O=C(N)C", "[NX3][CX3]=[OX1]", 1},
	}
	for _, tt := range tests {
		m, err := Parse(tt.smiles)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.smiles, err)
		}
		p, err := parseSMARTS(tt.smarts)
		if err != nil {
			t.Fatalf("parseSMARTS(%q): %v", tt.smarts, err)
		}
		if got := newQGraph(m, false).countAtomMatches(p); got != tt.atoms {
			t.Errorf("%s in %s: %d atoms, want %d", tt.smarts, tt.smiles, got, tt.atoms)
		}
	}
}

// FuzzDescribe checks that every molecule the parser accepts can be
// described and given a scaffold without panicking. (The scaffold's own
// parse can fail for exotic inputs such as charged aromatic boron rings,
// where replacing a substituent by hydrogen breaks a valence rule;
// MurckoScaffoldSMILES then returns the written form.)
func FuzzDescribe(f *testing.F) {
	for _, s := range []string{"CCO", "c1ccccc1C(=O)O", "[NH4+].[Cl-]", "C1CC2CCC1C2", "O=C1CCCCC1", "C[N+]1(C)CCCC1",
		"[2H]C([2H])[2H]", "*CC", "[H+]", "c1cc[nH]c1", "C1=CC=CC=C1CC#N", "[O-][n+]1ccccc1", "CC(C)=C1CCCC1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s)
		if err != nil {
			return
		}
		d := Describe(m)
		if d.HeavyAtoms < 0 || d.TotalHs < 0 || d.MolWt < 0 {
			t.Fatalf("%q: impossible descriptors %+v", s, d)
		}
		_ = MurckoScaffoldSMILES(m)
	})
}
