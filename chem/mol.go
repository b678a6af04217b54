package chem

// BondOrder is the type of a bond as written or perceived.
type BondOrder uint8

// Bond orders. Aromatic marks a bond in an aromatic ring after perception
// (or written ':' / implied between two aromatic atoms in a ring). Any is
// SMILES '~' (accepted as RDKit does, treated as unspecified).
const (
	BondUnspecified BondOrder = iota
	BondSingle
	BondDouble
	BondTriple
	BondQuadruple
	BondAromatic
	BondAny
)

// BondDir is the '/' or '\' mark on a single bond next to a double bond,
// read from the bond's Begin atom towards its End atom.
type BondDir uint8

// Bond directions.
const (
	DirNone BondDir = iota
	DirUp           // '/' from Begin to End
	DirDown         // '\' from Begin to End
)

// Chirality is a tetrahedral mark of a bracket atom. After Parse it is
// relative to this neighbour order: the atom's hydrogen first (when it has
// exactly one, written as [C@H] or as an [H] atom that Parse folded in),
// then Neighbors(i) in order. Neighbors(i) lists, as OpenSMILES reads
// them, the preceding atom, then ring-closure partners in the order their
// digits follow the atom, then branches and the next atom. (As written,
// OpenSMILES puts a bracket H after the preceding atom; Parse moves it to
// the front and flips the mark when that takes one swap.) '@' means the
// remaining neighbours run anticlockwise seen from the first one.
type Chirality uint8

// Chirality marks.
const (
	ChiralNone Chirality = iota
	ChiralCCW            // '@'
	ChiralCW             // '@@'
)

// Atom is one atom of a molecule. Hydrogens are normally not atoms: they are
// counted in ExplicitH (written inside brackets) and ImplicitH (derived from
// the default valence). A hydrogen written as its own atom ([H], [2H], [H+])
// stays an atom, as RDKit keeps such atoms when they are charged, isotopic,
// or have no neighbours.
type Atom struct {
	Element   uint8     // atomic number; 0 for the wildcard '*'
	Isotope   uint16    // mass number, 0 when unspecified
	Charge    int8      // formal charge
	ExplicitH uint8     // H written in a bracket atom ([NH4+] has 4)
	ImplicitH uint8     // H implied by the default valence (organic subset only)
	Radicals  uint8     // unpaired electrons
	Aromatic  bool      // aromatic after perception
	Bracket   bool      // written in brackets: no implicit hydrogens
	Chiral    Chirality // tetrahedral mark, relative to the written neighbour order
	Class     uint32    // atom class ([CH3:1] has 1)
	Offset    int32     // byte offset of the atom in the input SMILES
}

// TotalH is the number of hydrogens on the atom that are not atoms of their own.
func (a *Atom) TotalH() int { return int(a.ExplicitH) + int(a.ImplicitH) }

// Bond joins two atoms.
type Bond struct {
	Begin, End int32     // atom indices, Begin written first
	Order      BondOrder // after sanitization: single, double, triple, quadruple or aromatic
	Kekule     BondOrder // a Kekulé assignment (single/double/triple) also for aromatic bonds
	Dir        BondDir   // '/' or '\' as written from Begin to End
	Offset     int32     // byte offset of the bond symbol (or of the End atom when implicit)
}

// Other returns the bond's atom that is not a.
func (b *Bond) Other(a int) int {
	if int(b.Begin) == a {
		return int(b.End)
	}
	return int(b.Begin)
}

// Neighbor is an adjacent atom and the bond that leads to it.
type Neighbor struct {
	Atom int32
	Bond int32
}

// Mol is a sanitized molecule: hydrogens counted, valences checked, rings
// found, aromaticity perceived. Create one with Parse; a Mol is read-only
// after that and safe for concurrent reads.
type Mol struct {
	// Atoms in the order written (hydrogen atoms that were folded into
	// their neighbour removed).
	Atoms []Atom
	// Bonds numbered as RDKit numbers them: bonds to the next atom or a
	// branch in the order written, then ring closures by ring number, left
	// to right within a number.
	Bonds []Bond

	// adjacency in compressed form: the neighbours of atom i are
	// nbrs[nbrStart[i]:nbrStart[i+1]], in the order the SMILES wrote them.
	nbrStart []int32
	nbrs     []Neighbor

	// rings is RDKit's symmetrized smallest set of smallest rings (what
	// CalcNumRings counts: adamantane 4, cubane 6), each ring as atom
	// indices in ring order; ringBonds the same rings as bond indices
	// (ringBonds[k][j] joins rings[k][j] and rings[k][j+1]).
	rings     [][]int32
	ringBonds [][]int32
	// atomRings and bondRings count the SSSR rings that hold each atom and bond.
	atomRings []uint8
	bondRings []uint8

	// ev is set only while Parse perceives aromaticity: each atom's explicit
	// valence as computed before kekulization.
	ev []int32
}

// NumAtoms returns the number of atoms (hydrogens that are atoms included).
func (m *Mol) NumAtoms() int { return len(m.Atoms) }

// NumBonds returns the number of bonds.
func (m *Mol) NumBonds() int { return len(m.Bonds) }

// Neighbors returns the atoms bonded to atom i, in written order. The slice
// is shared: do not modify it.
func (m *Mol) Neighbors(i int) []Neighbor { return m.nbrs[m.nbrStart[i]:m.nbrStart[i+1]] }

// Degree returns the number of atoms bonded to atom i (hydrogens counted
// on the atom not included).
func (m *Mol) Degree(i int) int { return int(m.nbrStart[i+1] - m.nbrStart[i]) }

// Rings returns RDKit's symmetrized smallest set of smallest rings as
// atom-index cycles; len(Rings()) is RDKit's CalcNumRings. The slices are
// shared: do not modify them.
func (m *Mol) Rings() [][]int32 { return m.rings }

// RingBonds returns the same rings as Rings, as bond indices.
func (m *Mol) RingBonds() [][]int32 { return m.ringBonds }

// AtomInRing reports whether atom i is in a ring.
func (m *Mol) AtomInRing(i int) bool { return m.atomRings[i] > 0 }

// BondInRing reports whether bond b is in a ring.
func (m *Mol) BondInRing(b int) bool { return m.bondRings[b] > 0 }

// AtomRingCount returns how many SSSR rings contain atom i.
func (m *Mol) AtomRingCount(i int) int { return int(m.atomRings[i]) }

// BondRingCount returns how many SSSR rings contain bond b.
func (m *Mol) BondRingCount(b int) int { return int(m.bondRings[b]) }

// ExplicitValence returns the valence atom i gets from its bonds and its
// bracket hydrogens: the sum of Kekulé bond orders ('~' counts 0) plus
// ExplicitH. It equals RDKit's GetExplicitValence after sanitization
// (aromatic atoms included: pyrrole N 3, thiophene S 2, fused c 4).
func (m *Mol) ExplicitValence(i int) int { return kekuleValence(m, i) }

// TotalValence returns ExplicitValence plus the implicit hydrogens: RDKit's
// GetTotalValence, SMARTS v.
func (m *Mol) TotalValence(i int) int { return kekuleValence(m, i) + int(m.Atoms[i].ImplicitH) }

// TotalDegree returns the number of neighbours including all hydrogens:
// RDKit's GetTotalDegree, SMARTS X.
func (m *Mol) TotalDegree(i int) int { return m.Degree(i) + m.Atoms[i].TotalH() }
