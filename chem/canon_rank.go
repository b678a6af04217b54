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

// ranker holds the state of one canonical ranking. Atoms are laid out in
// order by class: the class of rank k occupies order[k : k+size[k]], so a
// class splits by sorting its segment in place.
type ranker struct {
	m      *Mol
	n      int
	rank   []int32  // rank = number of atoms in lower classes = start of its segment
	size   []int32  // size[k]: atoms in the class of rank k
	order  []int32  // atoms laid out by class
	pos    []int32  // pos[a]: index of atom a in order
	key    []uint64 // per-atom refinement hash, valid for the current ranks of its neighbours
	label  []int32  // stereo label per atom, from the current ranks
	tetras []tetraCentre
	dbs    []dbCentre
	// scratch
	nbuf        []uint64
	stamp       []uint32 // dedupe marks
	epoch       uint32
	touched     []int32 // atoms whose rank changed in the last round
	dirty       []int32
	cells       []int32
	next        []int32 // labels being computed
	stereoAtoms []int32 // atoms that carry a stereo label
	tieFrom     int     // classes below are all single atoms
	newKey      []uint64
	movers      []int32
	mstamp      []uint32
	mepoch      uint32
	deepBudget  int // completions left for breakTie (maxDeepCompletions)
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
		rank:       make([]int32, n),
		size:       make([]int32, n),
		order:      make([]int32, n),
		pos:        make([]int32, n),
		key:        make([]uint64, n),
		label:      make([]int32, n),
		stamp:      make([]uint32, n),
		mstamp:     make([]uint32, n),
		newKey:     make([]uint64, n),
		deepBudget: maxDeepCompletions,
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
		r.size[r.rank[a]]++
		r.pos[a] = int32(k)
	}
	r.touched = append(r.touched[:0], r.order...)
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
// set) until no class splits. Each round rehashes only the atoms next to an
// atom whose rank changed in the previous round (or whose stereo label
// changed), as a hash of its label and sorted (neighbour rank, bond) list.
// All atoms of a class share a hash after every round, so in a class the
// rehashed atoms whose hash changed move behind the others, sorted by hash:
// a canonical order (it depends only on canonical data), at a cost of
// O(d log d) for d rehashed atoms, not O(n), per round.
func (r *ranker) refine(stereo bool) {
	m := r.m
	for {
		r.epoch++
		dirty := r.dirty[:0]
		mark := func(a int32) {
			if r.stamp[a] != r.epoch {
				r.stamp[a] = r.epoch
				dirty = append(dirty, a)
			}
		}
		if stereo {
			for _, a := range r.computeLabels() {
				mark(a)
			}
		}
		for _, a := range r.touched {
			for _, nb := range m.Neighbors(int(a)) {
				mark(nb.Atom)
			}
		}
		r.touched = r.touched[:0]
		r.dirty = dirty
		if len(dirty) == 0 {
			return
		}
		for _, a := range dirty {
			r.newKey[a] = r.hashAtom(int(a))
		}
		slices.SortFunc(dirty, func(x, y int32) int { return int(r.rank[x] - r.rank[y]) })
		for g := 0; g < len(dirty); {
			k := r.rank[dirty[g]]
			h := g + 1
			for h < len(dirty) && r.rank[dirty[h]] == k {
				h++
			}
			r.splitGroup(int(k), dirty[g:h])
			g = h
		}
		if len(r.touched) == 0 && !stereo {
			return
		}
	}
}

// splitGroup applies the new hashes of the rehashed atoms group, all in the
// class of rank k, and splits the class: atoms keeping the class's hash
// stay first, the others follow sorted by hash. Atoms whose rank changes
// are recorded in r.touched.
func (r *ranker) splitGroup(k int, group []int32) {
	common := r.key[group[0]] // every atom of the class had this hash
	r.mepoch++
	movers := r.movers[:0]
	for _, a := range group {
		if r.newKey[a] != common {
			movers = append(movers, a)
			r.mstamp[a] = r.mepoch
		}
		r.key[a] = r.newKey[a]
	}
	r.movers = movers
	size := int(r.size[k])
	if len(movers) == 0 || size == 1 {
		return
	}
	end := k + size
	tail := end - len(movers)
	// swap movers placed before tail with stayers placed in the tail
	j := tail
	for _, a := range movers {
		if int(r.pos[a]) >= tail {
			continue
		}
		for r.mstamp[r.order[j]] == r.mepoch {
			j++
		}
		b, pa := r.order[j], r.pos[a]
		r.order[pa], r.order[j] = b, a
		r.pos[b], r.pos[a] = pa, int32(j)
		j++
	}
	seg := r.order[tail:end]
	slices.SortFunc(seg, func(x, y int32) int { return cmpU64(r.key[x], r.key[y]) })
	if tail > k {
		r.size[k] = int32(tail - k)
	}
	start := tail
	for i, x := range seg {
		r.pos[x] = int32(tail + i)
		if i > 0 && r.key[x] != r.key[seg[i-1]] {
			start = tail + i
		}
		if r.rank[x] != int32(start) {
			r.rank[x] = int32(start)
			r.touched = append(r.touched, x)
		}
		if start == tail+i {
			r.size[start] = 0
		}
		r.size[start]++
	}
}

// hashAtom hashes atom i's stereo label and sorted neighbour keys.
func (r *ranker) hashAtom(i int) uint64 {
	m := r.m
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
	r.nbuf = buf
	return h
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
// substituents of its two ends); 0 while undetermined. It returns the atoms
// whose label changed.
func (r *ranker) computeLabels() []int32 {
	for _, a := range r.stereoAtoms {
		r.next[a] = 0
	}
	for _, t := range r.tetras {
		if l, ok := r.tetraLabel(t); ok {
			r.next[t.atom] = int32(l)
		}
	}
	for _, d := range r.dbs {
		v := int32(3)
		if !r.dbCis(d) {
			v = 6
		}
		r.next[d.a] += v
		r.next[d.b] += v
	}
	var changed []int32
	for _, a := range r.stereoAtoms {
		if r.label[a] != r.next[a] {
			r.label[a] = r.next[a]
			changed = append(changed, a)
		}
	}
	return changed
}

// setStereo sets the stereo elements whose configurations label atoms.
func (r *ranker) setStereo(tetras []tetraCentre, dbs []dbCentre) {
	r.tetras, r.dbs = tetras, dbs
	if r.next == nil {
		r.next = make([]int32, r.n)
	}
	r.stereoAtoms = r.stereoAtoms[:0]
	for _, t := range tetras {
		r.stereoAtoms = append(r.stereoAtoms, t.atom)
	}
	for _, d := range dbs {
		r.stereoAtoms = append(r.stereoAtoms, d.a, d.b)
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
// differ. Refinement can leave atoms tied that no symmetry relates (in
// cages such as C1CN2CN1CN3CCN(C2)C3), and with stereo, graph-equivalent
// atoms may differ in their relation to stereo elements (the two ring
// neighbours of a ring-stereo centre), so each candidate (up to
// maxTieCandidates) is tried and the one whose refined partition has the
// smallest signature wins; candidates with equal signatures are taken as
// equivalent (lowest-numbered first).
func (r *ranker) breakTie(stereo bool) bool {
	best := -1
	for k := r.tieFrom; k < r.n; k += int(r.size[k]) {
		if r.size[k] > 1 {
			best = k
			break
		}
		r.tieFrom = k + 1
	}
	if best < 0 {
		return false
	}
	members := slices.Clone(r.order[best : best+int(r.size[best])])
	chosen := slices.Min(members)
	if len(members) > 1 && !r.twinLeaves(members) {
		saved := r.save()
		var bestSig []uint64
		var open []int32 // candidates with the best signature and stereo still undetermined
		for k, c := range members {
			if k == maxTieCandidates {
				break
			}
			r.split(best, c)
			r.refine(stereo)
			sig := r.signature()
			cmp := slices.Compare(sig, bestSig)
			atBest := bestSig == nil || cmp <= 0
			if bestSig == nil || cmp < 0 {
				bestSig, chosen = sig, c
				open = open[:0]
			} else if cmp == 0 && c < chosen {
				chosen = c
			}
			if atBest && stereo && r.stereoOpen() {
				open = append(open, c)
			}
			r.restore(saved)
		}
		if len(open) > 1 && r.deepBudget >= len(open) {
			r.deepBudget -= len(open) // reserved, so nested ties spend only what is left
			chosen = r.completeEach(best, open, saved)
		}
	}
	r.split(best, chosen)
	r.refine(stereo)
	return true
}

// stereoOpen reports whether some stereocentre still has tied neighbours,
// so that its configuration is not yet in the signature: two candidates
// whose refined partitions look alike may then still lead to different
// molecules (the cis and the trans ring of
// C[C@H]1C[C@@H](C1)[C@H]1C[C@H](C)C1 look alike until a ring is split).
func (r *ranker) stereoOpen() bool {
	for _, t := range r.tetras {
		if _, ok := r.tetraLabel(t); !ok {
			return true
		}
	}
	return false
}

// completeEach breaks the remaining ties after each candidate in turn
// (from the saved state, in the class of rank best) and returns the one
// whose discrete partition, the canonically numbered molecule with its
// stereo labels, has the smallest signature; equal ones are equivalent.
// The caller spends one unit of r.deepBudget per candidate beforehand,
// which bounds the work on symmetric molecules with many undetermined
// stereocentres; when the budget is spent, ties fall back to the
// lowest-numbered candidate, as without stereo.
func (r *ranker) completeEach(best int, cands []int32, saved rankerState) int32 {
	var bestSig []uint64
	chosen := cands[0]
	for _, c := range cands {
		r.split(best, c)
		r.refine(true)
		for r.breakTie(true) { //nolint:revive // each call breaks one tie
		}
		sig := r.signature()
		if cmp := slices.Compare(sig, bestSig); bestSig == nil || cmp < 0 || cmp == 0 && c < chosen {
			bestSig, chosen = sig, c
		}
		r.restore(saved)
	}
	return chosen
}

// twinLeaves reports whether the atoms are all end atoms on one neighbour
// (the methyls of a tert-butyl group, the fluorines of CF3): tied, they are
// interchangeable, so there is nothing to search.
func (r *ranker) twinLeaves(atoms []int32) bool {
	var hub int32 = -1
	for _, a := range atoms {
		nb := r.m.Neighbors(int(a))
		if len(nb) != 1 || (hub >= 0 && nb[0].Atom != hub) {
			return false
		}
		hub = nb[0].Atom
	}
	return true
}

// maxTieCandidates bounds the stereo-aware tie search per break.
const maxTieCandidates = 32

// maxDeepCompletions bounds, per molecule, the full completions tried when
// candidates cannot be told apart before their stereo is determined. Each
// costs about one canonical ranking. The stereo families of
// testdata/stereo-pairs.jsonl use at most 2 (44 of 542 molecules use any),
// the golden molecules none; a benzene carrying six cis/trans
// 4-methylcyclohexyl groups uses 20.
const maxDeepCompletions = 32

// split puts atom c alone first in its class of rank best.
func (r *ranker) split(best int, c int32) {
	size := int(r.size[best])
	seg := r.order[best : best+size]
	j := slices.Index(seg, c)
	seg[0], seg[j] = seg[j], seg[0]
	r.pos[seg[0]], r.pos[seg[j]] = int32(best), int32(best+j)
	r.size[best] = 1
	r.size[best+1] = int32(size - 1)
	for _, x := range seg[1:] {
		r.rank[x] = int32(best + 1)
		r.touched = append(r.touched, x)
	}
}

// rankerState is a copy of the refinement state, for trying tie breaks.
type rankerState struct {
	rank, size, order, pos, label []int32
	key                           []uint64
	tieFrom                       int
}

func (r *ranker) save() rankerState {
	return rankerState{slices.Clone(r.rank), slices.Clone(r.size), slices.Clone(r.order),
		slices.Clone(r.pos), slices.Clone(r.label), slices.Clone(r.key), r.tieFrom}
}

func (r *ranker) restore(s rankerState) {
	copy(r.rank, s.rank)
	copy(r.size, s.size)
	copy(r.order, s.order)
	copy(r.pos, s.pos)
	copy(r.label, s.label)
	copy(r.key, s.key)
	r.tieFrom = s.tieFrom
	r.touched = r.touched[:0]
}

// signature describes the current partition canonically: for the atoms in
// rank order, the hash of each one's stereo label and sorted (neighbour
// rank, bond) list. When the partition is discrete it is the canonically
// numbered molecule itself.
func (r *ranker) signature() []uint64 {
	sig := make([]uint64, r.n)
	for k, a := range r.order {
		sig[k] = r.hashAtom(int(a))
	}
	return sig
}

// canonicalRanks returns distinct canonical ranks for the atoms of m and the
// stereo elements that survive perception.
func canonicalRanks(m *Mol) ([]int32, []tetraCentre, []dbCentre) {
	r := newRanker(m)
	r.refine(false)
	perceiveStereo(r)
	stereo := len(r.tetras) > 0 || len(r.dbs) > 0
	r.refine(stereo)
	for r.breakTie(stereo) { //nolint:revive // each call breaks one tie
	}
	return r.rank, r.tetras, r.dbs
}
