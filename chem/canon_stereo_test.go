package chem

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// stereoRecord is one line of testdata/stereo-pairs.jsonl, written by
// testdata/stereo-pairs.py with RDKit 2022.09.3 (Debian python3-rdkit): one
// stereoisomer (every '@'/'@@' and '/'/'\' combination of a template) of a
// family such as the tropines, inositols or decalins.
type stereoRecord struct {
	Family     string   `json:"family"`
	Smiles     string   `json:"smiles"`
	Canonical  string   `json:"canonical"`  // Chem.MolToSmiles(mol)
	Randomized []string `json:"randomized"` // doRandom spellings RDKit reads back
	// Exact numbers the stereoisomer within its family by an exact test
	// (an isomorphism keeping every tetrahedral mark's configuration);
	// present for families without double-bond marks.
	Exact *int `json:"exact"`
	// CanonicalSame is false when, by that test, RDKit's canonical string
	// is another stereoisomer than Smiles.
	CanonicalSame *bool `json:"canonical_same"`
}

// spellings returns the member and the RDKit spellings of it: its
// randomized forms, and its RDKit canonical string unless the exact test
// found that to be another stereoisomer.
func (r stereoRecord) spellings() []string {
	out := []string{r.Smiles}
	if r.CanonicalSame == nil || *r.CanonicalSame {
		out = append(out, r.Canonical)
	}
	return append(out, r.Randomized...)
}

func loadStereoPairs(t testing.TB) []stereoRecord {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "stereo-pairs.jsonl"))
	if err != nil {
		t.Fatalf("reference data: %v", err)
	}
	defer f.Close()
	var out []stereoRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r stereoRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("stereo-pairs.jsonl line %d: %v", len(out)+1, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// stereoIdentities returns the reference identity of each record: RDKit's
// canonical SMILES, or, in a family where RDKit's strings part the members
// otherwise than the exact test, the family and exact class.
func stereoIdentities(recs []stereoRecord) []string {
	ids := make([]string, len(recs))
	for lo := 0; lo < len(recs); {
		hi := lo + 1
		for hi < len(recs) && recs[hi].Family == recs[lo].Family {
			hi++
		}
		exactWins := false
		for i := lo; i < hi && !exactWins; i++ {
			for j := i + 1; j < hi; j++ {
				if recs[i].Exact != nil && recs[j].Exact != nil &&
					(*recs[i].Exact == *recs[j].Exact) != (recs[i].Canonical == recs[j].Canonical) {
					exactWins = true
					break
				}
			}
		}
		for i := lo; i < hi; i++ {
			ids[i] = recs[i].Canonical
			if exactWins {
				ids[i] = recs[i].Family + " #" + strconv.Itoa(*recs[i].Exact)
			}
		}
		lo = hi
	}
	return ids
}

// TestCanonicalSMILESStereoPairs checks stereo identity against RDKit on
// families of stereoisomers: within a family, two members get the same
// canonical SMILES exactly when RDKit gives them the same one (so exo/endo
// tropanes, the nine inositols, cis/trans cyclobutanes, decalins and
// cyclohexanes, and the r/s centres of alditols stay apart); every RDKit
// spelling of a member gives our string for it; and our string reads back
// to itself. Where the exact isomorphism test of the generator disagrees
// with RDKit's strings (three families: RDKit merges the mirror images of a
// partly marked inositol, and splits one isomer of
// 2,5-dimethyloctahydropentalene and of 1,1'-bi(3-methylcyclobutyl) in
// two), the exact answer is the reference.
func TestCanonicalSMILESStereoPairs(t *testing.T) {
	t.Parallel()
	recs := loadStereoPairs(t)
	ours := make([]string, len(recs))
	for i, r := range recs {
		ours[i] = canonOf(t, r.Smiles)
		for _, s := range r.spellings()[1:] {
			if got := canonOf(t, s); got != ours[i] {
				t.Errorf("%s: %q -> %q, but its spelling %q -> %q", r.Family, r.Smiles, ours[i], s, got)
			}
		}
		if again := canonOf(t, ours[i]); again != ours[i] {
			t.Errorf("%s: canonical %q of %q reads back as %q", r.Family, ours[i], r.Smiles, again)
		}
	}
	families, pairs, rdkitWrong := 0, 0, map[string]int{}
	for i := range recs {
		if i == 0 || recs[i].Family != recs[i-1].Family {
			families++
		}
		for j := i + 1; j < len(recs) && recs[j].Family == recs[i].Family; j++ {
			pairs++
			ri, rj := recs[i], recs[j]
			refSame, ourSame := ri.Canonical == rj.Canonical, ours[i] == ours[j]
			ref := "RDKit"
			if ri.Exact != nil && rj.Exact != nil {
				if exactSame := *ri.Exact == *rj.Exact; exactSame != refSame {
					rdkitWrong[ri.Family]++
					refSame, ref = exactSame, "the exact test"
				}
			}
			switch {
			case refSame && !ourSame:
				t.Errorf("%s: %s finds %q and %q the same (RDKit %q, %q), we split them: %q, %q",
					ri.Family, ref, ri.Smiles, rj.Smiles, ri.Canonical, rj.Canonical, ours[i], ours[j])
			case !refSame && ourSame:
				t.Errorf("%s: %s tells %q (RDKit %q) and %q (RDKit %q) apart, we merge them as %q",
					ri.Family, ref, ri.Smiles, ri.Canonical, rj.Smiles, rj.Canonical, ours[i])
			}
		}
	}
	t.Logf("%d stereoisomers in %d families (%d pairs) checked against RDKit 2022.09.3; pairs where RDKit's strings disagree with the exact test, by family: %v",
		len(recs), families, pairs, rdkitWrong)
}

// TestCanonicalSMILESIdentityAcrossSets is the identity property over every
// RDKit reference set at once: the shared golden set
// (../shared/data/chem-golden.jsonl, optional: the test says loudly when it
// falls back to testdata/golden-subset.jsonl), the NCI set and the stereo
// families. No two inputs (or RDKit spellings of them) whose RDKit 2022.09.3
// canonical SMILES differ may share ours, within a set or across sets.
func TestCanonicalSMILESIdentityAcrossSets(t *testing.T) {
	t.Parallel()
	type origin struct{ set, input, rdkit string }
	byOurs := map[string]origin{}
	inputs, merged := 0, 0
	add := func(set, rdkit string, spellings ...string) {
		for _, s := range spellings {
			m, err := Parse(s)
			if err != nil {
				continue // parse agreement is checked by the per-set tests
			}
			inputs++
			c := CanonicalSMILES(m)
			if o, ok := byOurs[c]; ok && o.rdkit != rdkit {
				merged++
				if merged <= 10 {
					t.Errorf("%q (%s, RDKit %q) and %q (%s, RDKit %q) both give %q",
						o.input, o.set, o.rdkit, s, set, rdkit, c)
				}
				continue
			}
			byOurs[c] = origin{set, s, rdkit}
		}
	}
	g := loadGolden(t)
	for _, r := range g.Records {
		add(g.Path, r.Canonical, append([]string{r.Smiles, r.Canonical}, r.Randomized...)...)
	}
	if g.Full {
		for _, r := range readGolden(t, filepath.Join("testdata", "golden-subset.jsonl")) {
			add("golden-subset", r.Canonical, r.Smiles, r.Canonical)
		}
	}
	f, err := os.Open(filepath.Join("testdata", "canon-nci.jsonl"))
	if err != nil {
		t.Fatalf("reference data: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	for sc.Scan() {
		var r nciRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		add("canon-nci", r.Canonical, append([]string{r.Smiles, r.Canonical}, r.Randomized...)...)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	recs := loadStereoPairs(t)
	for i, id := range stereoIdentities(recs) {
		add("stereo-pairs", id, recs[i].spellings()...)
	}
	t.Logf("%d inputs, %d distinct canonical SMILES of ours; RDKit-distinct inputs sharing ours: %d", inputs, len(byOurs), merged)
	if merged > 0 {
		t.Errorf("%d inputs share our canonical SMILES with an input RDKit tells apart", merged)
	}
}

// TestCanonicalSMILESSymmetricRingStereo checks molecules whose symmetric
// parts differ only by ring cis/trans, so that ranking must complete each
// tie to tell them apart: benzenes carrying six 4-methylcyclohexyl groups,
// each cis or trans, give one string for every rotation and direction of
// the same cyclic sequence, and different strings for different sequences.
func TestCanonicalSMILESSymmetricRingStereo(t *testing.T) {
	t.Parallel()
	const cis, trans = "[C@H]2CC[C@H](C)CC2", "[C@H]2CC[C@@H](C)CC2"
	write := func(seq []string) string {
		return "c1(" + seq[0] + ")c(" + seq[1] + ")c(" + seq[2] + ")c(" + seq[3] + ")c(" + seq[4] + ")c1" + seq[5]
	}
	patterns := map[string][]string{
		"alternating": {cis, trans, cis, trans, cis, trans},
		"one trans":   {cis, cis, cis, trans, cis, cis},
		"two apart":   {cis, trans, cis, cis, trans, cis},
		"two beside":  {cis, trans, trans, cis, cis, cis},
	}
	seen := map[string]string{}
	for name, p := range patterns {
		var want string
		for dir := 0; dir < 2; dir++ {
			for rot := 0; rot < 6; rot++ {
				seq := make([]string, 6)
				for k := range seq {
					if dir == 0 {
						seq[k] = p[(k+rot)%6]
					} else {
						seq[k] = p[(6+rot-k)%6]
					}
				}
				s := write(seq)
				got := canonOf(t, s)
				if want == "" {
					want = got
				} else if got != want {
					t.Errorf("%s: %q -> %q, want %q", name, s, got, want)
				}
			}
		}
		if other, ok := seen[want]; ok {
			t.Errorf("%s and %s both give %q", name, other, want)
		}
		seen[want] = name
	}
}
