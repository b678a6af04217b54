package chem

// normalizeChirality rewrites each tetrahedral mark so that it is relative
// to the order [hydrogen (if the atom has one), Neighbors(i)...]. As
// written, OpenSMILES puts a bracket hydrogen after the preceding atom
// ([C@H] in N[C@H](C)O sees N, H, C, O), so an atom with a preceding atom
// and one hydrogen changes parity. keys are the parser's order keys; the
// preceding atom is the neighbour with key -1.
func normalizeChirality(m *Mol, keys [][2]int32) {
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Chiral == ChiralNone || a.ExplicitH != 1 {
			continue
		}
		nb := m.Neighbors(i)
		if len(nb) == 0 {
			continue
		}
		k := keys[nb[0].Bond]
		key := k[1]
		if m.Bonds[nb[0].Bond].Begin == int32(i) {
			key = k[0]
		}
		if key == -1 {
			a.Chiral = invertChirality(a.Chiral)
		}
	}
}

func invertChirality(c Chirality) Chirality {
	switch c {
	case ChiralCCW:
		return ChiralCW
	case ChiralCW:
		return ChiralCCW
	}
	return c
}

// removableH reports whether atom i is a hydrogen atom that RDKit's
// RemoveHs (default parameters, which SmilesToMol runs before sanitizing)
// would fold into its neighbour: not isotopic, exactly one neighbour that
// is neither hydrogen nor a wildcard, joined by a single bond, and not the
// only directional bond that fixes a double bond's geometry ([H]/C=C/F
// keeps its H). Charged hydrogens go too, charge and all ([H+]C is CH4).
func removableH(m *Mol, i int) bool {
	a := &m.Atoms[i]
	if a.Element != 1 || a.Isotope != 0 || a.ExplicitH != 0 || m.Degree(i) != 1 {
		return false
	}
	nb := m.Neighbors(i)[0]
	other := &m.Atoms[nb.Atom]
	if other.Element == 1 || other.Element == 0 {
		return false
	}
	b := &m.Bonds[nb.Bond]
	if b.Order != BondSingle && b.Order != BondUnspecified {
		return false
	}
	if b.Dir != DirNone {
		double, otherDir := false, false
		for _, x := range m.Neighbors(int(nb.Atom)) {
			bx := &m.Bonds[x.Bond]
			if bx.Order == BondDouble {
				double = true
			} else if x.Bond != nb.Bond && bx.Dir != DirNone {
				otherDir = true
			}
		}
		if double && !otherDir {
			return false
		}
	}
	return true
}

// removeHydrogens folds removable hydrogen atoms into their neighbours'
// ExplicitH, keeping chirality marks (relative to [H, neighbours...]) right.
// It returns the molecule itself when there is nothing to remove.
func removeHydrogens(m *Mol) *Mol {
	any := false
	for i := range m.Atoms {
		if m.Atoms[i].Element == 1 && removableH(m, i) {
			any = true
			break
		}
	}
	if !any {
		return m
	}
	remove := make([]bool, len(m.Atoms))
	for i := range m.Atoms {
		if m.Atoms[i].Element != 1 || !removableH(m, i) {
			continue
		}
		remove[i] = true
		nb := m.Neighbors(i)[0]
		heavy := int(nb.Atom)
		h := &m.Atoms[heavy]
		if h.Chiral != ChiralNone {
			// position of the H among the heavy atom's neighbours; moving
			// it to the front takes pos swaps. A bracket H already in front
			// makes two hydrogens: the mark no longer matters.
			pos := 0
			for k, x := range m.Neighbors(heavy) {
				if int(x.Atom) == i {
					pos = k
				}
			}
			if h.ExplicitH == 0 && pos%2 == 1 {
				h.Chiral = invertChirality(h.Chiral)
			}
		}
		if h.ExplicitH < 255 {
			h.ExplicitH++
		}
	}
	newIdx := make([]int32, len(m.Atoms))
	atoms := make([]Atom, 0, len(m.Atoms))
	for i := range m.Atoms {
		if remove[i] {
			newIdx[i] = -1
			continue
		}
		newIdx[i] = int32(len(atoms))
		atoms = append(atoms, m.Atoms[i])
	}
	// neighbour order is kept: rebuild from the old ordered lists
	bonds := make([]Bond, 0, len(m.Bonds))
	bondIdx := make([]int32, len(m.Bonds))
	for i := range m.Bonds {
		b := m.Bonds[i]
		if remove[b.Begin] || remove[b.End] {
			bondIdx[i] = -1
			continue
		}
		bondIdx[i] = int32(len(bonds))
		b.Begin, b.End = newIdx[b.Begin], newIdx[b.End]
		bonds = append(bonds, b)
	}
	start := make([]int32, len(atoms)+1)
	nbrs := make([]Neighbor, 0, 2*len(bonds))
	for i := range m.Atoms {
		if remove[i] {
			continue
		}
		for _, x := range m.Neighbors(i) {
			if bondIdx[x.Bond] < 0 {
				continue
			}
			nbrs = append(nbrs, Neighbor{Atom: newIdx[x.Atom], Bond: bondIdx[x.Bond]})
		}
		start[newIdx[i]+1] = int32(len(nbrs))
	}
	return &Mol{Atoms: atoms, Bonds: bonds, nbrStart: start, nbrs: nbrs}
}
