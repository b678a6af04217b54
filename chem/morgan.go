package chem

import (
	"fmt"
	"slices"
	"sync"
)

// Morgan (circular, ECFP-like) fingerprints computed exactly as RDKit
// 2022.09's MorganFingerprints::getFingerprint with its defaults
// (connectivity invariants with ring membership, bond types used, no
// chirality, redundant environments removed):
//
//   - Round 0: each atom's invariant is the 32-bit boost-style hash of the
//     vector (atomic number, total degree, total H, formal charge,
//     int(mass − average atomic weight), and 1 if the atom is in a ring).
//   - Round r+1: for each live atom with neighbours, the pairs
//     (bond type, neighbour invariant) are sorted and hashed onto
//     (r, own invariant). The environment of the atom (the set of bonds
//     within r+1 bonds) is recorded; of atoms whose environments are the same
//     bond set, or equal to one seen in an earlier round, only the one with the
//     smallest new invariant contributes, and the others die: they are skipped
//     in later rounds and their invariant reads as 0 for their neighbours.
//
// Every contributing invariant is one fingerprint id; the count fingerprint
// counts ids with multiplicity and the folded bit vector sets bit id % nBits.

// hashCombine is boost::hash_combine on 32-bit seeds, as RDKit's gboost
// (RDGeneral/hash) uses for fingerprint invariants.
func hashCombine(seed, v uint32) uint32 {
	return seed ^ (v + 0x9e3779b9 + (seed << 6) + (seed >> 2))
}

// rdkitBondType is the integer RDKit's Bond::BondType enumeration gives an
// order (SINGLE 1, DOUBLE 2, TRIPLE 3, QUADRUPLE 4, AROMATIC 12,
// UNSPECIFIED 0).
func rdkitBondType(o BondOrder) uint32 {
	switch o {
	case BondSingle:
		return 1
	case BondDouble:
		return 2
	case BondTriple:
		return 3
	case BondQuadruple:
		return 4
	case BondAromatic:
		return 12
	}
	return 0
}

// MorganInvariant returns the round-0 Morgan invariant of atom i of m:
// RDKit's connectivity invariant (getConnectivityInvariants with ring
// membership), which is also the atom's radius-0 fingerprint id.
func MorganInvariant(m *Mol, i int) uint32 {
	a := &m.Atoms[i]
	hs := a.TotalH()
	heavyDeg := m.Degree(i)
	nbrH := 0
	for _, nb := range m.Neighbors(i) {
		if m.Atoms[nb.Atom].Element == 1 {
			nbrH++
		}
	}
	var h uint32
	h = hashCombine(h, uint32(a.Element))
	h = hashCombine(h, uint32(heavyDeg+hs)) // getTotalDegree
	h = hashCombine(h, uint32(hs+nbrH))     // getTotalNumHs(includeNeighbors=true)
	h = hashCombine(h, uint32(int32(a.Charge)))
	h = hashCombine(h, uint32(int32(isotopeDeltaMass(a.Element, a.Isotope))))
	if m.AtomInRing(i) {
		h = hashCombine(h, 1)
	}
	return h
}

// MorganGenerator computes Morgan fingerprints with reusable buffers, so
// that fingerprinting many molecules allocates nothing once warmed up. The
// zero value is ready to use. A MorganGenerator is not safe for concurrent
// use; give each goroutine its own (the package-level functions draw one
// from a pool).
type MorganGenerator struct {
	inv, next  []uint32
	hoods      []uint64 // environments: words per atom, bond bit sets
	roundHoods []uint64
	dead       []bool
	keys       []uint64
	seen       []uint64      // recorded environments, words each
	entries    []morganEntry // what each recorded environment contributes
	table      []int32       // open-addressing index into entries (+1), by hash
	ids        []uint32
}

// morganEntry is a recorded environment: the round it was first seen in
// and the atom and invariant that contribute it.
type morganEntry struct {
	hash  uint64
	layer int32
	atom  int32
	inv   uint32
}

var morganPool = sync.Pool{New: func() any { return new(MorganGenerator) }}

// AppendMorganIDs appends to dst the Morgan fingerprint ids of m up to the
// given radius, with multiplicity and sorted ascending: RDKit 2022.09's
// GetMorganFingerprint(mol, radius) as a list. Panics if radius < 0.
func AppendMorganIDs(dst []uint32, m *Mol, radius int) []uint32 {
	g := morganPool.Get().(*MorganGenerator)
	start := len(dst)
	dst = g.AppendIDs(dst, m, radius)
	morganPool.Put(g)
	slices.Sort(dst[start:])
	return dst
}

// MorganCounts returns the unfolded Morgan count fingerprint of m, id to
// count, identical to RDKit 2022.09's AllChem.GetMorganFingerprint(mol,
// radius) (useChirality=False). Panics if radius < 0.
func MorganCounts(m *Mol, radius int) map[uint32]uint32 {
	g := morganPool.Get().(*MorganGenerator)
	ids := g.AppendIDs(g.ids[:0], m, radius)
	out := make(map[uint32]uint32, len(ids))
	for _, id := range ids {
		out[id]++
	}
	g.ids = ids
	morganPool.Put(g)
	return out
}

// MorganFoldedCounts returns the Morgan count fingerprint of m folded to
// nBits (bit id % nBits to the summed count of its ids), identical to RDKit
// 2022.09's AllChem.GetHashedMorganFingerprint(mol, radius, nBits=nBits).
// Panics if radius < 0 or nBits <= 0.
func MorganFoldedCounts(m *Mol, radius, nBits int) map[uint32]uint32 {
	if nBits <= 0 {
		panic(fmt.Sprintf("chem: Morgan fingerprint size %d must be positive", nBits))
	}
	g := morganPool.Get().(*MorganGenerator)
	ids := g.AppendIDs(g.ids[:0], m, radius)
	out := make(map[uint32]uint32, len(ids))
	for _, id := range ids {
		out[id%uint32(nBits)]++
	}
	g.ids = ids
	morganPool.Put(g)
	return out
}

// MorganBits returns the Morgan fingerprint of m folded to nBits bits (bit
// id % nBits), identical to RDKit 2022.09's
// AllChem.GetMorganFingerprintAsBitVect(mol, radius, nBits=nBits).
// Panics if radius < 0 or nBits <= 0.
func MorganBits(m *Mol, radius, nBits int) BitVec {
	g := morganPool.Get().(*MorganGenerator)
	v := g.Bits(m, radius, nBits)
	morganPool.Put(g)
	return v
}

// Bits is MorganBits using g's buffers; the returned vector is newly
// allocated and owned by the caller.
func (g *MorganGenerator) Bits(m *Mol, radius, nBits int) BitVec {
	if nBits <= 0 {
		panic(fmt.Sprintf("chem: Morgan fingerprint size %d must be positive", nBits))
	}
	v := NewBitVec(nBits)
	g.FoldInto(v, m, radius)
	return v
}

// FoldInto sets in v the bit id % v.Len() of every Morgan id of m up to the
// given radius (bits already on stay on). Panics if v is empty or radius < 0.
func (g *MorganGenerator) FoldInto(v BitVec, m *Mol, radius int) {
	if v.n <= 0 {
		panic("chem: Morgan FoldInto needs a non-empty bit vector")
	}
	g.ids = g.AppendIDs(g.ids[:0], m, radius)
	n := uint32(v.n)
	for _, id := range g.ids {
		b := id % n
		v.words[b>>6] |= 1 << (b & 63)
	}
}

// AppendIDs appends the Morgan ids of m up to radius to dst, with
// multiplicity, in the order they are found (not sorted). Panics if
// radius < 0.
func (g *MorganGenerator) AppendIDs(dst []uint32, m *Mol, radius int) []uint32 {
	if radius < 0 {
		panic(fmt.Sprintf("chem: Morgan radius %d must not be negative", radius))
	}
	n := m.NumAtoms()
	g.inv = grow(g.inv, n)
	for i := range n {
		g.inv[i] = MorganInvariant(m, i)
	}
	dst = append(dst, g.inv[:n]...)
	if radius == 0 || n == 0 {
		return dst
	}
	w := (m.NumBonds() + 63) / 64
	if w == 0 {
		w = 1
	}
	if w > morganDenseMaxWords {
		return g.appendIDsSparse(dst, m, radius)
	}
	g.next = grow(g.next, n)
	g.hoods = grow(g.hoods, n*w)
	clear(g.hoods[:n*w])
	g.roundHoods = grow(g.roundHoods, n*w)
	g.dead = grow(g.dead, n)
	clear(g.dead[:n])
	g.seen = g.seen[:0]
	g.entries = g.entries[:0]
	tsize := 64
	for tsize < 2*n*radius {
		tsize <<= 1
	}
	g.table = grow(g.table, tsize)
	clear(g.table[:tsize])
	mask := uint64(tsize - 1)

	inv, next := g.inv[:n], g.next[:n]
	hoods, round := g.hoods[:n*w], g.roundHoods[:n*w]
	dead := g.dead[:n]
	for layer := range radius {
		copy(round, hoods)
		roundStart := len(g.entries)
		for a := range n {
			if dead[a] {
				next[a] = 0
				continue
			}
			nbrs := m.Neighbors(a)
			if len(nbrs) == 0 {
				dead[a] = true
				next[a] = 0
				continue
			}
			env := round[a*w : a*w+w]
			keys := g.keys[:0]
			for _, nb := range nbrs {
				b := int(nb.Bond)
				env[b>>6] |= 1 << (uint(b) & 63)
				o := int(nb.Atom)
				for k, x := range hoods[o*w : o*w+w] {
					env[k] |= x
				}
				keys = append(keys, uint64(rdkitBondType(m.Bonds[b].Order))<<32|uint64(inv[o]))
			}
			// insertion sort: degrees are small
			for i := 1; i < len(keys); i++ {
				for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
					keys[j], keys[j-1] = keys[j-1], keys[j]
				}
			}
			h := hashCombine(uint32(layer), inv[a])
			for _, k := range keys {
				p := hashCombine(0, uint32(k>>32))
				p = hashCombine(p, uint32(k))
				h = hashCombine(h, p)
			}
			g.keys = keys
			next[a] = h
			// Record the environment. Of equal environments the one with
			// the smallest invariant (then the lowest atom) contributes;
			// an environment seen in an earlier round contributes nothing.
			hash := hashWords(env)
			slot := hash & mask
			for g.table[slot] != 0 {
				e := &g.entries[g.table[slot]-1]
				s := int(g.table[slot]-1) * w
				if e.hash == hash && slices.Equal(g.seen[s:s+w], env) {
					break
				}
				slot = (slot + 1) & mask
			}
			if g.table[slot] == 0 {
				g.seen = append(g.seen, env...)
				g.entries = append(g.entries, morganEntry{hash: hash, layer: int32(layer), atom: int32(a), inv: h})
				g.table[slot] = int32(len(g.entries))
				continue
			}
			e := &g.entries[g.table[slot]-1]
			switch {
			case e.layer != int32(layer):
				dead[a] = true
			case h < e.inv:
				dead[e.atom] = true
				e.atom, e.inv = int32(a), h
			default:
				dead[a] = true
			}
		}
		for _, e := range g.entries[roundStart:] {
			dst = append(dst, e.inv)
		}
		inv, next = next, inv
		hoods, round = round, hoods
	}
	return dst
}

// hashWords mixes a bond set into 64 bits for grouping equal environments.
func hashWords(ws []uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, x := range ws {
		h ^= x
		h *= 0xff51afd7ed558ccd
		h ^= h >> 33
	}
	return h
}

// grow returns s resliced or reallocated to length n.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/2)
	}
	return s[:n]
}

// isotopeDeltaMass is the round-0 Morgan component int(mass − average
// atomic weight) RDKit computes for an atom: 0 without an isotope label,
// else the isotope's mass minus the element's average weight, truncated
// towards zero (so [2H] gives 1 but [13C] gives 0). An isotope missing from
// the mass table is taken at its mass number.
func isotopeDeltaMass(z uint8, iso uint16) int {
	if iso == 0 {
		return 0
	}
	mass, ok := IsotopeMass(int(z), int(iso))
	if !ok {
		mass = float64(iso)
	}
	return int(mass - AverageMass(int(z)))
}
