package chem

// Stereo perception for canonical SMILES: which written stereo marks
// describe real stereo elements, and their configuration expressed
// independently of the order the input was written in. As RDKit's legacy
// perception does when it reads SMILES, a tetrahedral mark on an atom whose
// neighbours are not all different (once the configurations of the other
// stereo elements are taken into account) and that describes no ring
// stereo, a '/' '\' pair on a double bond whose ends carry two equivalent
// substituents or which lies in a ring of fewer than 8 atoms, and
// directions next to no double bond are dropped.

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

// perceiveStereo finds the stereo elements of m as RDKit's legacy
// perception (assignStereochemistry) does, refining r's symmetry classes as
// it goes, and leaves them set on r. A marked centre whose neighbours all
// differ in class, and a marked double bond whose ends each carry two
// different substituents (or one), are stereo elements. Their
// configurations then refine the classes (RDKit's rerankAtoms: an R and an
// S centre, or an E and a Z bond, are no longer equivalent), and marks that
// were rejected for two equivalent neighbours are checked again, until a
// round accepts nothing new: so a para-stereocentre (the pseudo-asymmetric
// C3 of tropine, between enantiotopic bridgeheads; the r/s centre of
// ribitol; a centre between an E and a Z branch) is kept. Marks still tied
// at the end describe ring stereo (cis/trans on a ring, as in
// 1,4-dimethylcyclohexane) when the atom is a ring-stereo candidate and
// another candidate lies in the same ring system; the others are dropped.
func perceiveStereo(r *ranker) {
	m := r.m
	var pendT []tetraCentre
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
		pendT = append(pendT, tetraCentre{atom: int32(i), tag: a.Chiral, ref: ref})
	}
	var pendD []dbCand
	for bi := range m.Bonds {
		bd := &m.Bonds[bi]
		if bd.Order != BondDouble || m.minRingSize(bi) < 8 && m.BondInRing(bi) {
			continue
		}
		a, b := int(bd.Begin), int(bd.End)
		x0, dx, xo, okA := stereoEnd(m, a, bi)
		y0, dy, yo, okB := stereoEnd(m, b, bi)
		if !okA || !okB {
			continue
		}
		pendD = append(pendD, dbCand{dbCentre{bond: int32(bi), a: int32(a), b: int32(b), x0: x0, y0: y0, cis0: dx == dy}, xo, yo})
	}
	var tetras []tetraCentre
	var dbs []dbCentre
	for len(pendT) > 0 || len(pendD) > 0 {
		progress := false
		keptT := pendT[:0]
		for _, t := range pendT {
			if r.allDistinct(t.ref) {
				tetras = append(tetras, t)
				progress = true
			} else {
				keptT = append(keptT, t)
			}
		}
		pendT = keptT
		keptD := pendD[:0]
		for _, d := range pendD {
			if (d.xo < 0 || r.rank[d.xo] != r.rank[d.x0]) && (d.yo < 0 || r.rank[d.yo] != r.rank[d.y0]) {
				dbs = append(dbs, d.dbCentre)
				progress = true
			} else {
				keptD = append(keptD, d)
			}
		}
		pendD = keptD
		if !progress || len(pendT) == 0 && len(pendD) == 0 {
			break
		}
		r.setStereo(tetras, dbs)
		r.refine(true)
	}
	if len(pendT) > 1 {
		tetras = append(tetras, ringStereo(r, pendT)...)
	}
	r.setStereo(tetras, dbs)
}

// dbCand is a marked double bond waiting for its ends to differ: xo and yo
// are the unmarked substituents at each end (-1 when there is none).
type dbCand struct {
	dbCentre
	xo, yo int32
}

// allDistinct reports whether the atoms (-1 for a hydrogen) are in
// different classes.
func (r *ranker) allDistinct(ref []int32) bool {
	for p := 0; p < len(ref); p++ {
		for q := p + 1; q < len(ref); q++ {
			if ref[p] >= 0 && ref[q] >= 0 && r.rank[ref[p]] == r.rank[ref[q]] {
				return false
			}
		}
	}
	return true
}

// ringStereo returns the tied marked centres that RDKit keeps as ring
// stereo (findChiralAtomSpecialCases): ring-stereo candidates with another
// candidate in the same ring system (atoms joined by ring bonds).
func ringStereo(r *ranker, pend []tetraCentre) []tetraCentre {
	m := r.m
	var cands []tetraCentre
	for _, t := range pend {
		if ringStereoCandidate(r, int(t.atom)) {
			cands = append(cands, t)
		}
	}
	if len(cands) < 2 {
		return nil
	}
	system := m.ringSystems()
	var out []tetraCentre
	for i, t := range cands {
		for j, u := range cands {
			if i != j && system[t.atom] == system[u.atom] {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// ringStereoCandidate is RDKit's atomIsCandidateForRingStereochem: a ring
// atom with two different non-ring neighbours, or one non-ring neighbour
// and at least two ring neighbours, or (fused and bridged systems) three
// ring neighbours in two classes or four in three.
func ringStereoCandidate(r *ranker, i int) bool {
	m := r.m
	if !m.AtomInRing(i) {
		return false
	}
	var nonRing, ringN []int32
	for _, nb := range m.Neighbors(i) {
		if m.BondInRing(int(nb.Bond)) {
			ringN = append(ringN, nb.Atom)
		} else {
			nonRing = append(nonRing, nb.Atom)
		}
	}
	classes := 0
	for p, x := range ringN {
		seen := false
		for _, y := range ringN[:p] {
			if r.rank[x] == r.rank[y] {
				seen = true
				break
			}
		}
		if !seen {
			classes++
		}
	}
	switch len(nonRing) {
	case 2:
		return r.rank[nonRing[0]] != r.rank[nonRing[1]]
	case 1:
		return len(ringN) >= 2
	case 0:
		return len(ringN) == 4 && classes == 3 || len(ringN) == 3 && classes == 2
	}
	return false
}

// ringSystems labels each atom with its ring system: atoms joined by a
// path of ring bonds share a label; atoms in no ring get their own.
func (m *Mol) ringSystems() []int32 {
	n := m.NumAtoms()
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for b := range m.Bonds {
		if m.BondInRing(b) {
			x, y := find(m.Bonds[b].Begin), find(m.Bonds[b].End)
			if x != y {
				parent[x] = y
			}
		}
	}
	for i := range parent {
		parent[i] = find(int32(i))
	}
	return parent
}

// stereoEnd checks one end a of double bond bi: it needs one or two other
// neighbours and a '/' or '\' on one of their bonds. It returns the marked
// neighbour, its direction seen from a, and the other neighbour (-1 when
// there is none).
func stereoEnd(m *Mol, a, bi int) (int32, BondDir, int32, bool) {
	var others [2]Neighbor
	n := 0
	for _, nb := range m.Neighbors(a) {
		if int(nb.Bond) == bi {
			continue
		}
		if n == 2 {
			return 0, 0, 0, false
		}
		others[n] = nb
		n++
	}
	if n == 0 || n+m.Atoms[a].TotalH() > 2 {
		return 0, 0, 0, false
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
		other := int32(-1)
		if n == 2 {
			other = others[1-k].Atom
		}
		return others[k].Atom, d, other, true
	}
	return 0, 0, 0, false
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
