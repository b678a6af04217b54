package chem

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
)

// TestMorganGolden compares, on every golden record, the unfolded Morgan
// radius-2 ids and counts with RDKit 2022.09.3's
// AllChem.GetMorganFingerprint(mol, 2), the 2048-bit folding with
// GetMorganFingerprintAsBitVect(mol, 2, nBits=2048) and the folded counts
// with GetHashedMorganFingerprint(mol, 2, nBits=2048).
func TestMorganGolden(t *testing.T) {
	g := loadGolden(t)
	var records, parsed, countsOK, bitsOK, foldedOK, shown int
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
		wantFolded := make(map[uint32]uint32, len(r.Morgan2FoldedCounts))
		for k, v := range r.Morgan2FoldedCounts {
			b, _ := strconv.ParseUint(k, 10, 32)
			wantFolded[uint32(b)] = uint32(v)
		}
		if mapsEqual(MorganFoldedCounts(m, 2, 2048), wantFolded) {
			foldedOK++
		} else if shown < 6 {
			shown++
			t.Logf("folded counts differ for %q", r.Smiles)
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
	t.Logf("Morgan r=2 over %d records (%s): counts identical %d (%.2f%%), 2048 bits identical %d (%.2f%%), "+
		"2048 folded counts identical %d (%.2f%%), parsed %d",
		records, g.Path, countsOK, 100*float64(countsOK)/float64(records), bitsOK, 100*float64(bitsOK)/float64(records),
		foldedOK, 100*float64(foldedOK)/float64(records), parsed)
	if countsOK < records*99/100 {
		t.Errorf("Morgan counts identical for %d of %d records, want >= 99%%", countsOK, records)
	}
	if bitsOK < records*99/100 {
		t.Errorf("Morgan bits identical for %d of %d records, want >= 99%%", bitsOK, records)
	}
	if foldedOK < records*99/100 {
		t.Errorf("Morgan folded counts identical for %d of %d records, want >= 99%%", foldedOK, records)
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

// TestMorganConcurrent computes fingerprints from many goroutines at once
// (the package functions share pooled generators) and checks they agree
// with a sequential run.
func TestMorganConcurrent(t *testing.T) {
	t.Parallel()
	smiles := []string{"CCO", "c1ccccc1O", "C[C@H](N)C(=O)O", "CC(=O)Nc1ccc(O)cc1", "[NH4+].[Cl-]"}
	want := make([]BitVec, len(smiles))
	for i, s := range smiles {
		want[i] = MorganBits(mustParse(t, s), 2, 2048)
	}
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for k := 0; k < 50; k++ {
				for i, s := range smiles {
					m, err := Parse(s)
					if err != nil {
						done <- err
						return
					}
					if got := MorganBits(m, 2, 2048); !got.Equal(want[i]) {
						done <- fmt.Errorf("%s: concurrent bits %v, want %v", s, got, want[i])
						return
					}
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// TestMorganSmall pins fingerprints to RDKit 2022.09.3 values (from the
// golden records of these SMILES), so the package tests the hashing even
// without the shared data.
func TestMorganSmall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		smiles string
		want   map[uint32]uint32 // AllChem.GetMorganFingerprint(mol, 2).GetNonzeroElements()
	}{
		// radius 2 adds nothing: every atom's 2-bond environment is the whole
		// molecule, already seen at radius 1 (duplicate environments removed)
		{"CCO", map[uint32]uint32{864662311: 1, 1535166686: 1, 2245384272: 1, 2246728737: 1, 3542456614: 1, 4018048386: 1}},
		{"CC(C)O", map[uint32]uint32{864662311: 1, 1542633699: 1, 2245273601: 1, 2246728737: 2, 2662015685: 1, 3537119515: 2}},
	}
	for _, tc := range tests {
		m := mustParse(t, tc.smiles)
		if got := MorganCounts(m, 2); !mapsEqual(got, tc.want) {
			t.Errorf("%s: %s", tc.smiles, diffCounts(got, tc.want))
		}
		ids := AppendMorganIDs(nil, m, 2)
		if !slices.IsSorted(ids) {
			t.Errorf("%s: AppendMorganIDs not sorted: %v", tc.smiles, ids)
		}
		v := MorganBits(m, 2, 2048)
		for id := range tc.want {
			if !v.Get(int(id % 2048)) {
				t.Errorf("%s: bit %d of id %d not set", tc.smiles, id%2048, id)
			}
		}
		if got := AppendMorganIDs(nil, m, 0); len(got) != m.NumAtoms() {
			t.Errorf("%s: radius 0 gives %d ids, want one per atom", tc.smiles, len(got))
		}
	}
	// A lone atom has no environments past radius 0.
	if got := AppendMorganIDs(nil, mustParse(t, "[Na+].[Cl-]"), 3); len(got) != 2 {
		t.Errorf("[Na+].[Cl-] gives %d ids, want 2", len(got))
	}
}

// TestMorganSparseMatchesDense runs the sparse-environment path (used for
// molecules with more than 256 bonds) on every golden molecule and checks
// it gives the ids the bit-set path gives.
func TestMorganSparseMatchesDense(t *testing.T) {
	g := loadGolden(t)
	saved := morganDenseMaxWords
	defer func() { morganDenseMaxWords = saved }()
	var mols []*Mol
	var dense [][]uint32
	for _, r := range g.Records {
		m, err := Parse(r.Smiles)
		if err != nil {
			continue
		}
		mols = append(mols, m)
		dense = append(dense, AppendMorganIDs(nil, m, 3))
	}
	morganDenseMaxWords = 0
	for k, m := range mols {
		if got := AppendMorganIDs(nil, m, 3); !slices.Equal(got, dense[k]) {
			t.Fatalf("molecule %d: sparse ids %v, dense ids %v", k, got, dense[k])
		}
	}
}
