package chem

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
)

// TestMorganGolden compares, on every golden record, the unfolded Morgan
// radius-2 ids and counts with RDKit 2022.09.3's
// AllChem.GetMorganFingerprint(mol, 2) and the 2048-bit folding with
// GetMorganFingerprintAsBitVect(mol, 2, nBits=2048).
func TestMorganGolden(t *testing.T) {
	g := loadGolden(t)
	var records, parsed, countsOK, bitsOK, shown int
	for _, r := range g.Records {
		records++
		m, err := Parse(r.Smiles)
		if err != nil {
			continue
		}
		parsed++
		got := MorganCounts(m, 2)
		want := make(map[uint32]uint32, len(r.Morgan2Counts))
		for k, v := range r.Morgan2Counts {
			id, err := strconv.ParseUint(k, 10, 32)
			if err != nil {
				t.Fatalf("record %q: bad id %q", r.Smiles, k)
			}
			want[uint32(id)] = uint32(v)
		}
		if mapsEqual(got, want) {
			countsOK++
		} else if shown < 6 {
			shown++
			t.Logf("counts differ for %q: %s", r.Smiles, diffCounts(got, want))
		}
		bits := MorganBits(m, 2, 2048).OnBits()
		wantBits := r.Morgan2Bits
		if wantBits == nil {
			wantBits = []int{}
		}
		if slices.Equal(bits, wantBits) {
			bitsOK++
		} else if shown < 6 {
			shown++
			t.Logf("bits differ for %q: got %v want %v", r.Smiles, bits, wantBits)
		}
	}
	t.Logf("Morgan r=2 over %d records (%s): counts identical %d (%.2f%%), 2048 bits identical %d (%.2f%%), parsed %d",
		records, g.Path, countsOK, 100*float64(countsOK)/float64(records), bitsOK, 100*float64(bitsOK)/float64(records), parsed)
	if countsOK < records*99/100 {
		t.Errorf("Morgan counts identical for %d of %d records, want >= 99%%", countsOK, records)
	}
	if bitsOK < records*99/100 {
		t.Errorf("Morgan bits identical for %d of %d records, want >= 99%%", bitsOK, records)
	}
}

func mapsEqual(a, b map[uint32]uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func diffCounts(got, want map[uint32]uint32) string {
	var extra, missing []string
	for k, v := range got {
		if want[k] != v {
			extra = append(extra, fmt.Sprintf("%d:%d", k, v))
		}
	}
	for k, v := range want {
		if got[k] != v {
			missing = append(missing, fmt.Sprintf("%d:%d", k, v))
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	return fmt.Sprintf("ours not RDKit's %v; RDKit's not ours %v", extra, missing)
}
