package chem

import (
	"slices"
)

// Canonical atom ranking: iterative refinement of atom invariants by
// neighbour ranks (Weininger's CANON, as RDKit's new_canon refines), with
// the configuration of stereo elements, expressed relative to neighbour
// ranks, as part of each atom's invariant, and ties between atoms that stay
// equivalent broken one at a time (lowest tied class first), refining after
// each break. Atoms that are symmetry-equivalent give the same string
// whichever is chosen.

// ranker holds the state of one canonical ranking.
type ranker struct {
	m      *Mol
	n      int
	rank   []int32 // rank = number of atoms with a strictly smaller invariant
	label  []int32 // stereo label per atom, from the current ranks
	tetras []tetraCentre
	dbs    []dbCentre
	order  []int32  // scratch: atoms laid out by class
	fill   []int32  // scratch: atoms placed per class
	key    []uint64 // scratch: per-atom refinement hash
	nbuf   []uint64
}

// bondCode is the bond's contribution to a neighbour key.
func bondCode(o BondOrder) uint64 {
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
		return 5
	case BondAny:
		return 6
	}
	return 0
}

// atomInvariant packs what distinguishes an atom by itself. Degree comes
// first so that strings start at a chain end. Radicals are left out: SMILES
// cannot write them, Parse derives them from what is written.
func atomInvariant(m *Mol, i int) uint64 {
	a := &m.Atoms[i]
	var arom uint64
	if a.Aromatic {
		arom = 1
	}
	var ring uint64
	if m.AtomInRing(i) {
		ring = 1
	}
	return uint64(m.Degree(i))<<56 |
		uint64(a.Element)<<48 |
		uint64(a.Isotope)<<32 |
		uint64(uint8(a.Charge+64))<<24 |
		uint64(a.TotalH()&15)<<20 |
		arom<<19 | ring<<18 |
		uint64(a.Class&0xffff)
}

func newRanker(m *Mol) *ranker {
	n := m.NumAtoms()
	r := &ranker{m: m, n: n,
		rank:  make([]int32, n),
		label: make([]int32, n),
		order: make([]int32, n),
		fill:  make([]int32, n),
		key:   make([]uint64, n),
	}
	inv := make([]uint64, n)
	for i := range n {
		inv[i] = atomInvariant(m, i)
		r.order[i] = int32(i)
	}
	slices.SortFunc(r.order, func(x, y int32) int { return cmpU64(inv[x], inv[y]) })
	for k, a := range r.order {
		if k > 0 && inv[a] == inv[r.order[k-1]] {
			r.rank[a] = r.rank[r.order[k-1]]
		} else {
			r.rank[a] = int32(k)
		}
	}
	return r
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// refine splits classes by neighbour ranks (and stereo labels when stereo is
// set) until no class splits. Each round hashes every atom's label and
// sorted (neighbour rank, bond) list, then re-sorts only the classes whose
// members hash differently: ordering by a hash of canonical data is itself
// canonical, and a round costs O(n) plus the sorts of the classes that split.
func (r *ranker) refine(stereo bool) {
	m := r.m
	n := r.n
	for {
		if stereo {
			r.computeLabels()
		}
		for i := range n {
			buf := r.nbuf[:0]
			for _, nb := range m.Neighbors(i) {
				buf = append(buf, uint64(r.rank[nb.Atom])<<8|bondCode(m.Bonds[nb.Bond].Order))
			}
			for p := 1; p < len(buf); p++ {
				for q := p; q > 0 && buf[q] < buf[q-1]; q-- {
					buf[q], buf[q-1] = buf[q-1], buf[q]
				}
			}
			h := mix64(uint64(r.label[i]) + 0x9E3779B97F4A7C15)
			for _, k := range buf {
				h = mix64(h ^ k)
			}
			r.key[i] = h
			r.nbuf = buf
		}
		// lay the atoms out by class: class rank k occupies k, k+1, ...
		clear(r.fill)
		for i := range n {
			k := r.rank[i]
			r.order[k+r.fill[k]] = int32(i)
			r.fill[k]++
		}
		changed := false
		for start := 0; start < n; {
			size := int(r.fill[r.rank[r.order[start]]])
			seg := r.order[start : start+size]
			split := false
			for _, x := range seg[1:] {
				if r.key[x] != r.key[seg[0]] {
					split = true
					break
				}
			}
			if split {
				changed = true
				slices.SortFunc(seg, func(x, y int32) int { return cmpU64(r.key[x], r.key[y]) })
				for k, x := range seg {
					if k > 0 && r.key[x] == r.key[seg[k-1]] {
						r.rank[x] = r.rank[seg[k-1]]
					} else {
						r.rank[x] = int32(start + k)
					}
				}
			}
			start += size
		}
		if !changed {
			return
		}
	}
}

// mix64 is a 64-bit finalizer (MurmurHash3's fmix64).
func mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// computeLabels sets each atom's stereo label from the current ranks:
// 1 or 2 for a tetrahedral centre whose neighbours all differ in rank (its
// chirality with neighbours taken in rank order), and 3 or 6 added for an
// end of a stereo double bond (cis or trans between the highest-ranked
// substituents of its two ends). 0 while undetermined.
func (r *ranker) computeLabels() {
	clear(r.label)
	for _, t := range r.tetras {
		if l, ok := r.tetraLabel(t); ok {
			r.label[t.atom] = int32(l)
		}
	}
	for _, d := range r.dbs {
		cis := r.dbCis(d)
		v := int32(3)
		if !cis {
			v = 6
		}
		r.label[d.a] += v
		r.label[d.b] += v
	}
}

// rankOf gives the hydrogen pseudo-neighbour (-1) the lowest rank.
func (r *ranker) rankOf(a int32) int32 {
	if a < 0 {
		return -1
	}
	return r.rank[a]
}

// tetraLabel is the chirality of t with its neighbours in increasing rank
// order, or false when two neighbours share a rank.
func (r *ranker) tetraLabel(t tetraCentre) (Chirality, bool) {
	odd := false
	for p := 0; p < len(t.ref); p++ {
		for q := p + 1; q < len(t.ref); q++ {
			rp, rq := r.rankOf(t.ref[p]), r.rankOf(t.ref[q])
			if rp == rq {
				return 0, false
			}
			if rp > rq {
				odd = !odd
			}
		}
	}
	return permuteChirality(t.tag, odd), true
}

// permuteChirality returns the mark that keeps the configuration when the
// neighbour order is permuted by an odd (or even) permutation.
func permuteChirality(c Chirality, odd bool) Chirality {
	if !odd {
		return c
	}
	if c == ChiralCCW {
		return ChiralCW
	}
	return ChiralCCW
}

// dbRef returns the substituent of end a (other than b) with the highest
// rank.
func (r *ranker) dbRef(a, b int32) int32 {
	best := int32(-1)
	for _, nb := range r.m.Neighbors(int(a)) {
		if nb.Atom == b {
			continue
		}
		if best < 0 || r.rank[nb.Atom] > r.rank[best] {
			best = nb.Atom
		}
	}
	return best
}

// dbCis reports whether the highest-ranked substituents of the two ends of
// d are cis.
func (r *ranker) dbCis(d dbCentre) bool {
	x, y := r.dbRef(d.a, d.b), r.dbRef(d.b, d.a)
	return d.cis0 != (x != d.x0) != (y != d.y0)
}

// breakTie splits the lowest-ranked class with more than one atom, putting
// one of its atoms first, and refines. It reports false when all ranks
// differ. Without stereo any member will do (lowest-numbered): tied atoms
// are symmetry-equivalent. With stereo, graph-equivalent atoms may differ
// in their relation to stereo elements (the two ring neighbours of a
// ring-stereo centre), so each candidate (up to maxTieCandidates) is tried
// and the one giving the smallest stereo-label signature wins.
func (r *ranker) breakTie(stereo bool) bool {
	count := make([]int32, r.n)
	for _, x := range r.rank {
		count[x]++
	}
	best := int32(-1)
	for x := int32(0); x < int32(r.n); x++ {
		if count[x] > 1 {
			best = x
			break
		}
	}
	if best < 0 {
		return false
	}
	var members []int
	for i, x := range r.rank {
		if x == best {
			members = append(members, i)
		}
	}
	chosen := members[0]
	if stereo && len(members) > 1 {
		saved := slices.Clone(r.rank)
		var bestSig []int32
		for k, c := range members {
			if k == maxTieCandidates {
				break
			}
			copy(r.rank, saved)
			r.split(best, c)
			r.refine(true)
			sig := r.signature()
			if bestSig == nil || slices.Compare(sig, bestSig) < 0 {
				bestSig, chosen = sig, c
			}
		}
		copy(r.rank, saved)
	}
	r.split(best, chosen)
	r.refine(stereo)
	return true
}

// maxTieCandidates bounds the stereo-aware tie search per break.
const maxTieCandidates = 32

// split puts atom c first in its class best.
func (r *ranker) split(best int32, c int) {
	for i, x := range r.rank {
		if x == best && i != c {
			r.rank[i] = best + 1
		}
	}
}

// signature lists the stereo labels of the atoms in rank order.
func (r *ranker) signature() []int32 {
	r.computeLabels()
	idx := make([]int32, r.n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int { return int(r.rank[x]) - int(r.rank[y]) })
	sig := make([]int32, r.n)
	for k, a := range idx {
		sig[k] = r.label[a]
	}
	return sig
}

// canonicalRanks returns distinct canonical ranks for the atoms of m and the
// stereo elements that survive perception.
func canonicalRanks(m *Mol) ([]int32, []tetraCentre, []dbCentre) {
	r := newRanker(m)
	r.refine(false)
	sym := slices.Clone(r.rank)
	r.tetras, r.dbs = perceiveStereo(m, sym)
	stereo := len(r.tetras) > 0 || len(r.dbs) > 0
	r.refine(stereo)
	for r.breakTie(stereo) {
	}
	return r.rank, r.tetras, r.dbs
}
