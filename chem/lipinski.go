package chem

// Lipinski-style counts as RDKit 2022.09 computes them
// (Code/GraphMol/Descriptors/Lipinski.cpp).

// SMARTS behind the pattern-based counts (RDKit 2022.09, Lipinski.cpp).
const (
	hbdSMARTS = "[N&!H0&v3,N&!H0&+1&v4,O&H1&+0,S&H1&+0,n&H1&+0]"
	hbaSMARTS = "[$([O,S;H1;v2]-[!$(*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N;v3;!$(N-*=!@[O,N,P,S])]),$([nH0,o,s;+0])]"
	// rotatableSMARTS is the Strict definition, which CalcNumRotatableBonds
	// uses by default in RDKit 2022.09.
	rotatableSMARTS = "[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)&!$(C([CH3])([CH3])[CH3])&!$([CD3](=[N,O,S])-!@[#7,O,S!D1])&!$([#7,O,S!D1]-!@[CD3]=[N,O,S])&!$([CD3](=[N+])-!@[#7!D1])&!$([#7!D1]-!@[CD3]=[N+])]-,:;!@[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)&!$(C([CH3])([CH3])[CH3])]"
)

var (
	hbdPattern       = mustSMARTS(hbdSMARTS)
	hbaPattern       = mustSMARTS(hbaSMARTS)
	rotatablePattern = mustSMARTS(rotatableSMARTS)
)

// NumHDonors returns the number of hydrogen-bond donors (RDKit
// Lipinski.NumHDonors / CalcNumHBD): atoms matching hbdSMARTS.
func NumHDonors(m *Mol) int { return newQGraph(m, false).countAtomMatches(hbdPattern) }

// NumHAcceptors returns the number of hydrogen-bond acceptors (RDKit
// Lipinski.NumHAcceptors / CalcNumHBA): atoms matching hbaSMARTS.
func NumHAcceptors(m *Mol) int { return newQGraph(m, false).countAtomMatches(hbaPattern) }

// NumRotatableBonds returns the number of rotatable bonds by RDKit's Strict
// definition (CalcNumRotatableBonds default in 2022.09): non-ring single
// bonds between non-terminal atoms, excluding triple-bond neighbours, CX3
// and t-butyl groups and amide-like C–N bonds.
func NumRotatableBonds(m *Mol) int {
	return newQGraph(m, false).countBondMatches(rotatablePattern)
}

// NHOHCount returns the number of hydrogens on nitrogen and oxygen atoms
// (RDKit Lipinski.NHOHCount / CalcNumLipinskiHBD).
func NHOHCount(m *Mol) int {
	n := 0
	for i := range m.Atoms {
		if e := m.Atoms[i].Element; e == 7 || e == 8 {
			n += m.Atoms[i].TotalH()
			for _, nb := range m.Neighbors(i) {
				if m.Atoms[nb.Atom].Element == 1 {
					n++
				}
			}
		}
	}
	return n
}

// NOCount returns the number of nitrogen and oxygen atoms (RDKit
// Lipinski.NOCount / CalcNumLipinskiHBA).
func NOCount(m *Mol) int {
	n := 0
	for i := range m.Atoms {
		if e := m.Atoms[i].Element; e == 7 || e == 8 {
			n++
		}
	}
	return n
}

// FractionCSP3 returns the fraction of carbons with four connections
// counting hydrogens (RDKit CalcFractionCSP3), 0 without carbon.
func FractionCSP3(m *Mol) float64 {
	c, sp3 := 0, 0
	for i := range m.Atoms {
		if m.Atoms[i].Element != 6 {
			continue
		}
		c++
		if m.Degree(i)+m.Atoms[i].TotalH() == 4 {
			sp3++
		}
	}
	if c == 0 {
		return 0
	}
	return float64(sp3) / float64(c)
}

// NumAromaticRings returns the number of SSSR rings whose bonds are all
// aromatic (RDKit CalcNumAromaticRings).
func NumAromaticRings(m *Mol) int {
	n := 0
	for _, r := range m.RingBonds() {
		all := true
		for _, b := range r {
			if !inAromaticRing(m, b) {
				all = false
				break
			}
		}
		if all {
			n++
		}
	}
	return n
}

// inAromaticRing reports whether bond b is part of an aromatic ring: an
// aromatic bond, or a triple bond between aromatic atoms (perception keeps a
// triple bond triple, as RDKit does, and an sp atom's only two bonds are
// both in its ring, so the triple bond lies in the aromatic ring).
func inAromaticRing(m *Mol, b int32) bool {
	bd := &m.Bonds[b]
	switch bd.Order {
	case BondAromatic:
		return true
	case BondTriple:
		return m.Atoms[bd.Begin].Aromatic && m.Atoms[bd.End].Aromatic
	}
	return false
}

// NumAromaticAtoms returns the number of aromatic atoms.
func NumAromaticAtoms(m *Mol) int {
	n := 0
	for i := range m.Atoms {
		if m.Atoms[i].Aromatic {
			n++
		}
	}
	return n
}

// NumHeavyAtoms returns the number of atoms other than hydrogen (RDKit
// GetNumHeavyAtoms).
func NumHeavyAtoms(m *Mol) int {
	n := 0
	for i := range m.Atoms {
		if m.Atoms[i].Element != 1 {
			n++
		}
	}
	return n
}

// NumHydrogens returns the number of hydrogens, counted on atoms or atoms
// of their own (the H atoms of RDKit's AddHs).
func NumHydrogens(m *Mol) int {
	n := 0
	for i := range m.Atoms {
		n += m.Atoms[i].TotalH()
		if m.Atoms[i].Element == 1 {
			n++
		}
	}
	return n
}
