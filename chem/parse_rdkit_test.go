package chem

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseRDKitReference compares Parse with RDKit 2022.09.3 on sets
// committed under testdata (see their headers for the RDKit calls): the 4999
// NCI molecules Debian's rdkit-data ships and hand-picked edge cases, where
// every molecule RDKit rejects must be rejected and for the others the
// atom, bond, hydrogen, charge, ring, aromatic atom, aromatic ring and
// radical counts must all agree; and 3000 random mutations of real SMILES,
// where at least 99% must agree (2998 do; the two known differences are
// an aromatic [nH] written with an explicit double bond).
func TestParseRDKitReference(t *testing.T) {
	for _, set := range []struct {
		name    string
		minRate float64
	}{{"parse-rdkit-edge.tsv", 1}, {"parse-rdkit-nci5k.tsv", 1}, {"parse-rdkit-mutants.tsv", 0.99}} {
		name := set.name
		t.Run(name, func(t *testing.T) {
			report := t.Errorf
			if set.minRate < 1 {
				report = t.Logf
			}
			f, err := os.Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatalf("reference file missing: %v", err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			n, agree := 0, 0
			for sc.Scan() {
				line := sc.Text()
				if strings.HasPrefix(line, "#") || line == "" {
					continue
				}
				parts := strings.Split(line, "\t")
				if len(parts) != 3 {
					t.Fatalf("bad line %q", line)
				}
				n++
				smiles := parts[0]
				m, err := Parse(smiles)
				if parts[1] == "0" {
					if err == nil {
						report("Parse(%q) accepted; RDKit rejects it", smiles)
						continue
					}
					agree++
					continue
				}
				if err != nil {
					report("Parse(%q): %v; RDKit accepts it", smiles, err)
					continue
				}
				c := countsOf(m)
				rad := 0
				for i := range m.Atoms {
					rad += int(m.Atoms[i].Radicals)
				}
				got := fmt.Sprintf("%d %d %d %d %d %d %d %d", c.numAtoms, c.numBonds, c.totalH, c.charge, c.rings, c.aromAtoms, c.aromRings, rad)
				if got != parts[2] {
					report("Parse(%q): counts %s, RDKit %s (atoms bonds H charge rings aromatic-atoms aromatic-rings radicals)", smiles, got, parts[2])
					continue
				}
				agree++
			}
			t.Logf("%s: %d/%d agree with RDKit", name, agree, n)
			if rate := float64(agree) / float64(n); rate < set.minRate {
				t.Errorf("%s: agreement %.4f, want at least %.2f", name, rate, set.minRate)
			}
		})
	}
}
