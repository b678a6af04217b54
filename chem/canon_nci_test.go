package chem

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// nciRecord is one line of testdata/canon-nci.jsonl, written by
// testdata/canon-nci.py with RDKit 2022.09.3 (Debian python3-rdkit) from
// the NCI set Debian's rdkit-data ships: molecules with stereo marks or at
// least three rings, the cases that stress canonical ranking.
type nciRecord struct {
	Smiles     string            `json:"smiles"`
	ID         string            `json:"id"`
	Canonical  string            `json:"canonical"`  // Chem.MolToSmiles(mol)
	Randomized []string          `json:"randomized"` // doRandom spellings RDKit reads back
	Counts     map[string]uint32 `json:"morgan2_counts"`
}

// TestCanonicalAndMorganNCI checks canonical SMILES and Morgan ids on 895
// NCI molecules beyond the golden set (cages, fused ring systems, many
// stereocentres): every spelling gives one string, RDKit's distinctions are
// kept both ways, and the radius-2 Morgan counts equal RDKit's.
func TestCanonicalAndMorganNCI(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "canon-nci.jsonl"))
	if err != nil {
		t.Fatalf("reference data: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	var n, rejected, agree, morganOK, unstable, merged, split, shown int
	ours := map[string]string{}
	theirs := map[string]string{}
	for sc.Scan() {
		var r nciRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
		m, err := Parse(r.Smiles)
		if err != nil {
			rejected++
			if shown < 10 {
				shown++
				t.Logf("NCI %s %q rejected: %v", r.ID, r.Smiles, err)
			}
			continue
		}
		want := make(map[uint32]uint32, len(r.Counts))
		for k, v := range r.Counts {
			id, _ := strconv.ParseUint(k, 10, 32)
			want[uint32(id)] = v
		}
		if got := MorganCounts(m, 2); mapsEqual(got, want) {
			morganOK++
		} else if shown < 10 {
			shown++
			t.Logf("NCI %s %q Morgan: %s", r.ID, r.Smiles, diffCounts(got, want))
		}
		c := CanonicalSMILES(m)
		same := true
		for _, s := range append([]string{r.Canonical}, r.Randomized...) {
			mm, err := Parse(s)
			if err != nil {
				same = false
				continue
			}
			if got := CanonicalSMILES(mm); got != c {
				same = false
				if shown < 10 {
					shown++
					t.Logf("NCI %s: %q -> %q but %q -> %q", r.ID, r.Smiles, c, s, got)
				}
			}
		}
		if same {
			agree++
		}
		if back, err := Parse(c); err != nil || CanonicalSMILES(back) != c {
			unstable++
		}
		if o, ok := ours[r.Canonical]; ok && o != c {
			split++
		}
		ours[r.Canonical] = c
		if rd, ok := theirs[c]; ok && rd != r.Canonical {
			merged++
		}
		theirs[c] = r.Canonical
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	parsed := n - rejected
	t.Logf("NCI (RDKit 2022.09.3): %d molecules, %d parsed; spellings agree %d, Morgan counts identical %d, "+
		"not stable on re-read %d, RDKit-distinct merged %d, RDKit-equal split %d",
		n, parsed, agree, morganOK, unstable, merged, split)
	if parsed < n*99/100 {
		t.Errorf("Parse accepts %d of %d NCI molecules RDKit accepts", parsed, n)
	}
	if agree < parsed*99/100 || morganOK < parsed*99/100 {
		t.Errorf("spellings agree for %d and Morgan matches for %d of %d parsed, want >= 99%%", agree, morganOK, parsed)
	}
	if unstable > 0 || merged > 0 || split > 0 {
		t.Errorf("%d unstable, %d merged, %d split", unstable, merged, split)
	}
}
