package chem

import (
	"testing"
)

// TestCanonicalSMILESGolden checks, on every golden record (RDKit 2022.09.3
// canonical, Kekulé and randomized spellings of each ESOL/BBBP molecule),
// that all spellings of a molecule give one canonical string, that the
// string reads back to itself, and that molecules RDKit tells apart stay
// apart (and vice versa).
func TestCanonicalSMILESGolden(t *testing.T) {
	g := loadGolden(t)
	var (
		records, allSame, parseFail, unstable int
		shown                                 int
	)
	ours := map[string]string{}   // RDKit canonical -> ours
	theirs := map[string]string{} // ours -> RDKit canonical
	splitRD, mergedRD := 0, 0
	for _, r := range g.Records {
		records++
		m, err := Parse(r.Smiles)
		if err != nil {
			parseFail++
			continue
		}
		want := CanonicalSMILES(m)
		forms := []string{r.Canonical, r.Kekule}
		for k, s := range r.Randomized {
			if k < len(r.RandomizedRoundtripOK) && r.RandomizedRoundtripOK[k] {
				forms = append(forms, s)
			}
		}
		same := true
		for _, s := range forms {
			mm, err := Parse(s)
			if err != nil {
				same = false
				if shown < 8 {
					t.Logf("parse %q (form of %q): %v", s, r.Smiles, err)
					shown++
				}
				continue
			}
			if got := CanonicalSMILES(mm); got != want {
				same = false
				if shown < 8 {
					t.Logf("%q -> %q\n   but %q -> %q", r.Smiles, want, s, got)
					shown++
				}
			}
		}
		if same {
			allSame++
		}
		back, err := Parse(want)
		if err != nil || CanonicalSMILES(back) != want {
			unstable++
			if shown < 8 {
				t.Logf("canonical %q of %q does not read back to itself (err %v)", want, r.Smiles, err)
				shown++
			}
		}
		if o, ok := ours[r.Canonical]; ok && o != want {
			splitRD++
		}
		ours[r.Canonical] = want
		if rd, ok := theirs[want]; ok && rd != r.Canonical {
			mergedRD++
			if shown < 8 {
				t.Logf("%q and %q (different in RDKit) both give %q", rd, r.Canonical, want)
				shown++
			}
		}
		theirs[want] = r.Canonical
	}
	t.Logf("canonical SMILES over %d records (%s): all spellings agree %d (%.2f%%), parse failures %d, "+
		"not stable on re-read %d; RDKit-distinct merged %d, RDKit-equal split %d; %d distinct RDKit, %d distinct ours",
		records, g.Path, allSame, 100*float64(allSame)/float64(records), parseFail, unstable, mergedRD, splitRD, len(ours), len(theirs))
	if allSame < records*99/100 {
		t.Errorf("spellings agree for %d of %d records, want >= 99%%", allSame, records)
	}
	if unstable > 0 {
		t.Errorf("%d canonical strings do not read back to themselves", unstable)
	}
	if mergedRD > 0 || splitRD > 0 {
		t.Errorf("identity differs from RDKit: %d merged, %d split", mergedRD, splitRD)
	}
}
