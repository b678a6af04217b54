package chem

import "testing"

// TestParseGoldenForms: each golden record's Kekulé form and its randomized
// forms (RDKit 2022.09.3 MolToSmiles kekuleSmiles / doRandom) parse to the
// same counts as the input SMILES. Randomized strings RDKit itself cannot
// round-trip are skipped.
func TestParseGoldenForms(t *testing.T) {
	gs := loadGolden(t)
	forms, bad := 0, 0
	for i := range gs.Records {
		r := &gs.Records[i]
		want := goldenCounts(r)
		check := func(kind, s string) {
			forms++
			m, err := Parse(s)
			if err != nil {
				bad++
				t.Errorf("%s form %q of %q: %v", kind, s, r.Smiles, err)
				return
			}
			if got := countsOf(m); got != want {
				bad++
				if bad < 30 {
					t.Errorf("%s form %q of %q: counts %+v, want %+v", kind, s, r.Smiles, got, want)
				}
			}
		}
		check("kekule", r.Kekule)
		for k, s := range r.Randomized {
			if k < len(r.RandomizedRoundtripOK) && !r.RandomizedRoundtripOK[k] {
				continue
			}
			check("randomized", s)
		}
	}
	t.Logf("%d kekule and randomized forms, %d disagree", forms, bad)
}
