package chem

// Stereo perception for canonical SMILES: which written stereo marks
// describe real stereo elements, and their configuration expressed
// independently of the order the input was written in. As RDKit does when
// it reads SMILES, a tetrahedral mark on an atom whose neighbours are not
// all different, a '/' '\' pair on a double bond whose ends carry two
// equivalent substituents or which lies in a ring of fewer than 8 atoms,
// and directions next to no double bond are dropped.

// tetraCentre is a tetrahedral stereocentre that survives perception.
type tetraCentre struct {
	atom int32
	tag  Chirality
	ref  []int32 // neighbour order the tag refers to; -1 is the hydrogen
}

// dbCentre is a stereo double bond a=b that survives perception: x0 on a
// and y0 on b are cis when cis0 holds.
type dbCentre struct {
	bond, a, b int32
	x0, y0     int32
	cis0       bool
}

// flipDir turns '/' into '\' and back.
func flipDir(d BondDir) BondDir {
	switch d {
	case DirUp:
		return DirDown
	case DirDown:
		return DirUp
	}
	return d
}

// perceiveStereo finds the stereo elements of m, given symmetry classes
// sym (equal class = graph-equivalent atoms).
func perceiveStereo(m *Mol, sym []int32) ([]tetraCentre, []dbCentre) {
	var tetras []tetraCentre
	var candidates []int // ring-stereo candidates: index into tetras
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Chiral == ChiralNone || a.TotalH() > 1 {
			continue
		}
		ref := m.stereoNeighbors(nil, i)
		switch len(ref) {
		case 4:
		case 3:
			if !lonePairCentre(m, i, ref) {
				continue
			}
		default:
			continue
		}
		// count ties among neighbour classes
		ties := 0
		tiedRing := true
		for p := 0; p < len(ref); p++ {
			for q := p + 1; q < len(ref); q++ {
				if ref[p] >= 0 && ref[q] >= 0 && sym[ref[p]] == sym[ref[q]] {
					ties++
					if !m.ringBondBetween(i, int(ref[p])) || !m.ringBondBetween(i, int(ref[q])) {
						tiedRing = false
					}
				}
			}
		}
		if ties > 1 || (ties == 1 && (!tiedRing || !m.AtomInRing(i))) {
			continue
		}
		if ties == 1 {
			candidates = append(candidates, len(tetras))
		}
		tetras = append(tetras, tetraCentre{atom: int32(i), tag: a.Chiral, ref: ref})
	}
	// A ring-stereo candidate (cis/trans on a ring, like 1,4-dimethyl-
	// cyclohexane) needs a partner candidate in one of its rings.
	if len(candidates) > 0 {
		drop := make(map[int]bool)
		for _, ci := range candidates {
			partner := false
			for _, cj := range candidates {
				if ci != cj && m.shareRing(int(tetras[ci].atom), int(tetras[cj].atom)) {
					partner = true
					break
				}
			}
			if !partner {
				drop[ci] = true
			}
		}
		kept := tetras[:0]
		for k, t := range tetras {
			if !drop[k] {
				kept = append(kept, t)
			}
		}
		tetras = kept
	}

	var dbs []dbCentre
	for bi := range m.Bonds {
		bd := &m.Bonds[bi]
		if bd.Order != BondDouble || m.minRingSize(bi) < 8 && m.BondInRing(bi) {
			continue
		}
		a, b := int(bd.Begin), int(bd.End)
		x0, dx, okA := stereoEnd(m, a, bi, sym)
		y0, dy, okB := stereoEnd(m, b, bi, sym)
		if !okA || !okB {
			continue
		}
		dbs = append(dbs, dbCentre{bond: int32(bi), a: int32(a), b: int32(b), x0: x0, y0: y0, cis0: dx == dy})
	}
	return tetras, dbs
}

// stereoEnd checks one end a of double bond bi: it needs one or two other
// neighbours, different from each other, and a '/' or '\' on one of their
// bonds. It returns the marked neighbour and its direction seen from a.
func stereoEnd(m *Mol, a, bi int, sym []int32) (int32, BondDir, bool) {
	var others [2]Neighbor
	n := 0
	for _, nb := range m.Neighbors(a) {
		if int(nb.Bond) == bi {
			continue
		}
		if n == 2 {
			return 0, 0, false
		}
		others[n] = nb
		n++
	}
	if n == 0 || n+m.Atoms[a].TotalH() > 2 {
		return 0, 0, false
	}
	if n == 2 && sym[others[0].Atom] == sym[others[1].Atom] {
		return 0, 0, false
	}
	for k := 0; k < n; k++ {
		bd := &m.Bonds[others[k].Bond]
		if bd.Dir == DirNone || (bd.Order != BondSingle && bd.Order != BondAromatic) {
			continue
		}
		d := bd.Dir
		if int(bd.Begin) != a {
			d = flipDir(d)
		}
		return others[k].Atom, d, true
	}
	return 0, 0, false
}

// lonePairCentre reports whether atom i with three neighbours and no
// hydrogen can be a stereocentre (its lone pair the fourth group): S, Se,
// P, As, and N only in a three-membered ring or at a bridgehead, as RDKit
// accepts.
func lonePairCentre(m *Mol, i int, ref []int32) bool {
	for _, r := range ref {
		if r < 0 {
			return false
		}
	}
	switch m.Atoms[i].Element {
	case 15, 16, 33, 34:
		return true
	case 7:
		if m.Atoms[i].Charge != 0 {
			return false
		}
		for _, ring := range m.Rings() {
			if len(ring) == 3 && containsAtom(ring, i) {
				return true
			}
		}
		return m.isBridgehead(i)
	}
	return false
}

func containsAtom(ring []int32, i int) bool {
	for _, a := range ring {
		if int(a) == i {
			return true
		}
	}
	return false
}

// isBridgehead reports whether atom i lies in two rings that share more
// than one bond (a bridged, not merely fused, ring system).
func (m *Mol) isBridgehead(i int) bool {
	rb := m.RingBonds()
	var mine []int
	for k, ring := range m.Rings() {
		if containsAtom(ring, i) {
			mine = append(mine, k)
		}
	}
	for p := 0; p < len(mine); p++ {
		for q := p + 1; q < len(mine); q++ {
			shared := 0
			for _, x := range rb[mine[p]] {
				for _, y := range rb[mine[q]] {
					if x == y {
						shared++
					}
				}
			}
			if shared > 1 {
				return true
			}
		}
	}
	return false
}

// ringBondBetween reports whether atoms i and j are joined by a ring bond.
func (m *Mol) ringBondBetween(i, j int) bool {
	for _, nb := range m.Neighbors(i) {
		if int(nb.Atom) == j {
			return m.BondInRing(int(nb.Bond))
		}
	}
	return false
}

// shareRing reports whether atoms i and j are in a common SSSR ring.
func (m *Mol) shareRing(i, j int) bool {
	for _, ring := range m.Rings() {
		if containsAtom(ring, i) && containsAtom(ring, j) {
			return true
		}
	}
	return false
}

// minRingSize returns the size of the smallest SSSR ring holding bond b, or
// 0 when it is in none.
func (m *Mol) minRingSize(b int) int {
	best := 0
	for _, ring := range m.RingBonds() {
		for _, x := range ring {
			if int(x) == b && (best == 0 || len(ring) < best) {
				best = len(ring)
			}
		}
	}
	return best
}
