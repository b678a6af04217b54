package features

import (
	"math"
	"testing"

	"activelab/chem"
)

// TestDenseFeaturesCounts checks the molecule counts of DenseFeatures
// on molecules whose groups are known by hand.
func TestDenseFeaturesCounts(t *testing.T) {
	t.Parallel()
	col := map[string]int{}
	for i, n := range DenseNames {
		col[n] = i
	}
	for _, tc := range []struct {
		smiles string
		want   map[string]float32
	}{
		{"CC(=O)O", map[string]float32{"acid_groups": 1, "aliphatic_amines": 0, "oxygens": 2, "heteroatoms": 2}},                 // acetic acid
		{"CC(=O)[O-].[Na+]", map[string]float32{"acid_groups": 1, "negative_atoms": 1, "positive_atoms": 1}},                     // sodium acetate
		{"OS(=O)(=O)c1ccccc1", map[string]float32{"acid_groups": 1, "sulfurs": 1, "oxygens": 3}},                                 // benzenesulfonic acid
		{"CCN(CC)CC", map[string]float32{"aliphatic_amines": 1, "aliphatic_n": 1, "aromatic_n": 0}},                              // triethylamine
		{"C[N+](C)(C)C", map[string]float32{"aliphatic_amines": 1, "positive_atoms": 1, "abs_formal_charge": 1}},                 // tetramethylammonium
		{"CC(N)=O", map[string]float32{"aliphatic_amines": 0, "aliphatic_n": 1, "acid_groups": 0}},                               // acetamide
		{"Nc1ccccc1", map[string]float32{"aliphatic_amines": 0, "aliphatic_n": 1}},                                               // aniline
		{"c1ccncc1", map[string]float32{"aromatic_n": 1, "aliphatic_n": 0, "aliphatic_amines": 0}},                               // pyridine
		{"C[N+](=O)[O-]", map[string]float32{"positive_atoms": 1, "negative_atoms": 1, "acid_groups": 0, "aliphatic_amines": 0}}, // nitromethane
		{"Clc1ccc(Br)cc1F", map[string]float32{"halogens": 3, "heteroatoms": 3}},
	} {
		m, err := chem.Parse(tc.smiles)
		if err != nil {
			t.Fatalf("%s: %v", tc.smiles, err)
		}
		d := chem.Describe(m)
		v := Dense(m, d)
		if len(v) != len(DenseNames) {
			t.Fatalf("%s: %d features, %d names", tc.smiles, len(v), len(DenseNames))
		}
		for name, want := range tc.want {
			if got := v[col[name]]; got != want {
				t.Errorf("%s: %s = %g, want %g", tc.smiles, name, got, want)
			}
		}
		h := float64(d.HeavyAtoms)
		for name, want := range map[string]float64{
			"tpsa": d.TPSA, "tpsa_per_heavy_atom": d.TPSA / h, "hbd_plus_hba": float64(d.HBD + d.HBA),
			"mol_wt_per_heavy_atom": d.MolWt / h, "logp_minus_tpsa_100": d.CrippenLogP - d.TPSA/100,
		} {
			if got := float64(v[col[name]]); math.Abs(got-want) > 1e-4*math.Max(1, math.Abs(want)) {
				t.Errorf("%s: %s = %g, want %g", tc.smiles, name, got, want)
			}
		}
	}
}
