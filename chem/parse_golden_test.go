package chem

import (
	"testing"
)

// molCounts are the golden fields Parse alone decides.
type molCounts struct {
	numAtoms, numBonds, heavy, totalH, charge, rings, aromAtoms, aromRings int
}

func countsOf(m *Mol) molCounts {
	var c molCounts
	c.numAtoms, c.numBonds = m.NumAtoms(), m.NumBonds()
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Element == 1 {
			c.totalH++
		} else {
			c.heavy++
		}
		c.totalH += a.TotalH()
		c.charge += int(a.Charge)
		if a.Aromatic {
			c.aromAtoms++
		}
	}
	c.rings = len(m.Rings())
	c.aromRings = NumAromaticRings(m)
	return c
}

func goldenCounts(r *goldenRecord) molCounts {
	return molCounts{r.NumAtoms, r.NumBonds, r.HeavyAtoms, r.TotalHs, r.FormalCharge, r.RingCount, r.AromaticAtoms, r.AromaticRings}
}

var countFields = []string{"num_atoms", "num_bonds", "heavy_atoms", "total_hs", "formal_charge", "ring_count", "aromatic_atoms", "aromatic_rings"}

func (c molCounts) fields() [8]int {
	return [8]int{c.numAtoms, c.numBonds, c.heavy, c.totalH, c.charge, c.rings, c.aromAtoms, c.aromRings}
}

// TestParseGolden compares Parse's counts with RDKit 2022.09.3's for every
// golden record and requires 100% agreement on each field.
func TestParseGolden(t *testing.T) {
	gs := loadGolden(t)
	var match [8]int
	parsed := 0
	shown := 0
	for i := range gs.Records {
		r := &gs.Records[i]
		m, err := Parse(r.Smiles)
		if err != nil {
			t.Errorf("Parse(%q): %v", r.Smiles, err)
			continue
		}
		parsed++
		got, want := countsOf(m).fields(), goldenCounts(r).fields()
		for f := range got {
			if got[f] == want[f] {
				match[f]++
			} else if shown < 40 {
				shown++
				t.Errorf("%s: %s = %d, RDKit says %d", r.Smiles, countFields[f], got[f], want[f])
			}
		}
	}
	n := len(gs.Records)
	t.Logf("golden %s: parsed %d/%d", gs.Path, parsed, n)
	for f, name := range countFields {
		t.Logf("  %-15s %4d/%d  %.2f%%", name, match[f], n, 100*float64(match[f])/float64(n))
	}
}
