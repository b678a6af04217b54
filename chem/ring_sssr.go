package chem

import (
	"sort"
)

// This file finds rings the way RDKit 2022.09's MolOps::findSSSR and
// symmetrizeSSSR do (Figueras' algorithm as RDKit extends it), so that the
// ring count, and which rings count, match RDKit's CalcNumRings: trim
// degree-0/1 atoms, take the smallest rings through chosen degree-2 atoms,
// else through a degree-3 atom, trim, repeat; keep as many rings as the
// cycle rank by size and bond coverage; the rings found but not kept may
// then join as "symmetrized" rings. Neighbours are visited in bond-index
// order, as RDKit's adjacency lists are, because which of two equally small
// rings is met first decides the extras.

// maxBFSQueue bounds one ring search (RDKit gives up at the same size).
const maxBFSQueue = 200000

// sssrState is the working state of one findSSSR run.
type sssrState struct {
	m       *Mol
	adjS    []int32    // CSR over bonds in index order
	adj     []Neighbor // neighbour atom and bond
	active  []bool     // bonds still in the graph
	degree  []int32    // active degree per atom
	invars  map[string]bool
	keyBuf  []byte
	done    []int8
	parents []int32
	depths  []int32
	queue   []int32
	failed  bool
}

func newSSSRState(m *Mol) *sssrState {
	nA, nB := len(m.Atoms), len(m.Bonds)
	st := &sssrState{m: m, active: make([]bool, nB), degree: make([]int32, nA), invars: map[string]bool{}}
	st.adjS = make([]int32, nA+1)
	for i := range m.Bonds {
		st.adjS[m.Bonds[i].Begin+1]++
		st.adjS[m.Bonds[i].End+1]++
		st.active[i] = true
	}
	for i := 0; i < nA; i++ {
		st.degree[i] = st.adjS[i+1]
		st.adjS[i+1] += st.adjS[i]
	}
	st.adj = make([]Neighbor, 2*nB)
	fill := make([]int32, nA)
	for i := range m.Bonds {
		b := &m.Bonds[i]
		st.adj[st.adjS[b.Begin]+fill[b.Begin]] = Neighbor{Atom: b.End, Bond: int32(i)}
		fill[b.Begin]++
		st.adj[st.adjS[b.End]+fill[b.End]] = Neighbor{Atom: b.Begin, Bond: int32(i)}
		fill[b.End]++
	}
	st.done = make([]int8, nA)
	st.parents = make([]int32, nA)
	st.depths = make([]int32, nA)
	return st
}

func (st *sssrState) nbrs(a int32) []Neighbor { return st.adj[st.adjS[a]:st.adjS[a+1]] }

// ringKey is RDKit's ring invariant: the set of the ring's atoms.
func (st *sssrState) ringKey(ring []int32) string {
	n := (len(st.m.Atoms) + 7) / 8
	if cap(st.keyBuf) < n {
		st.keyBuf = make([]byte, n)
	}
	k := st.keyBuf[:n]
	for i := range k {
		k[i] = 0
	}
	for _, a := range ring {
		k[a/8] |= 1 << (a % 8)
	}
	return string(k)
}

// addRing appends ring to res unless an equal atom set is known.
func (st *sssrState) addRing(res *[][]int32, ring []int32) bool {
	key := st.ringKey(ring)
	if st.invars[key] {
		return false
	}
	st.invars[key] = true
	*res = append(*res, ring)
	return true
}

// intSet is a small ordered set (RDKit uses std::set<int> for "changed").
type intSet []int32

func (s *intSet) insert(x int32) {
	i := sort.Search(len(*s), func(i int) bool { return (*s)[i] >= x })
	if i < len(*s) && (*s)[i] == x {
		return
	}
	*s = append(*s, 0)
	copy((*s)[i+1:], (*s)[i:])
	(*s)[i] = x
}

func (s *intSet) popMin() int32 {
	x := (*s)[0]
	*s = (*s)[1:]
	return x
}

// trimBonds removes cand's active bonds, noting neighbours that drop to
// degree 0 or 1 in changed.
func (st *sssrState) trimBonds(cand int32, changed *intSet, degree []int32, active []bool) {
	for _, nb := range st.nbrs(cand) {
		if !active[nb.Bond] {
			continue
		}
		o := nb.Atom
		if degree[o] <= 2 && changed != nil {
			changed.insert(o)
		}
		active[nb.Bond] = false
		degree[o]--
		degree[cand]--
	}
}

// smallestRings finds all smallest rings through root over active bonds,
// avoiding forbidden atoms (Figueras' BFS as RDKit extends it).
func (st *sssrState) smallestRings(root int32, active []bool, forbidden int32) [][]int32 {
	const white, gray, black = 0, 1, 2
	for i := range st.done {
		st.done[i] = white
		st.parents[i] = -1
		st.depths[i] = 0
	}
	if forbidden >= 0 {
		st.done[forbidden] = black
	}
	q := append(st.queue[:0], root)
	var rings [][]int32
	curSize := int(^uint(0) >> 1)
	for head := 0; head < len(q); head++ {
		if len(q)-head >= maxBFSQueue {
			st.failed = true
			break
		}
		curr := q[head]
		st.done[curr] = black
		depth := int(st.depths[curr]) + 1
		if depth > curSize {
			break
		}
		for _, nb := range st.nbrs(curr) {
			if !active[nb.Bond] {
				continue
			}
			n := nb.Atom
			if st.done[n] == black || st.parents[curr] == n {
				continue
			}
			if st.done[n] == white {
				st.parents[n] = curr
				st.done[n] = gray
				st.depths[n] = int32(depth)
				q = append(q, n)
				continue
			}
			// met again by another path: stitch the two paths
			fwd := []int32{n}
			for p := st.parents[n]; p != -1 && p != root; p = st.parents[p] {
				fwd = append(fwd, p)
			}
			back := []int32{curr}
			ok := true
			for p := st.parents[curr]; p != -1; p = st.parents[p] {
				if containsI32(fwd, p) || containsI32(back, p) {
					ok = false
					break
				}
				back = append(back, p)
			}
			if !ok {
				continue
			}
			// ring: root ... parent(curr), curr, n, parent(n) ...
			ring := make([]int32, 0, len(back)+len(fwd))
			for i := len(back) - 1; i >= 0; i-- {
				ring = append(ring, back[i])
			}
			ring = append(ring, fwd...)
			if len(ring) > 1 {
				if len(ring) <= curSize {
					curSize = len(ring)
					rings = append(rings, ring)
				} else {
					st.queue = q
					return rings
				}
			}
		}
	}
	st.queue = q
	return rings
}

// pickD2Nodes takes one degree-2 atom from each chain of degree-2 atoms.
func (st *sssrState) pickD2Nodes(frag []int32) []int32 {
	forb := make([]bool, len(st.m.Atoms))
	var d2 []int32
	var stack []int32
	for {
		root := int32(-1)
		for _, a := range frag {
			if st.degree[a] == 2 && !forb[a] {
				root = a
				break
			}
		}
		if root < 0 {
			return d2
		}
		d2 = append(d2, root)
		forb[root] = true
		stack = append(stack[:0], root)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, nb := range st.nbrs(v) {
				if st.active[nb.Bond] && !forb[nb.Atom] && st.degree[nb.Atom] == 2 {
					forb[nb.Atom] = true
					stack = append(stack, nb.Atom)
				}
			}
		}
	}
}

// ringsD2 finds the smallest rings through each chosen degree-2 atom; when
// two of them find the same ring, it searches again with the other's bonds
// cut, which finds rings the first search hid.
func (st *sssrState) ringsD2(res *[][]int32, d2 []int32) {
	type dup struct {
		key   string
		cands []int32
	}
	var dupCands []dup
	dupIdx := map[string]int{}
	dupMap := map[int32][]int32{}
	var nodeOrder []int32
	nodeInvars := map[int32][]string{}
	for _, cand := range d2 {
		srings := st.smallestRings(cand, st.active, -1)
		for _, r := range srings {
			st.addRing(res, r)
			key := st.ringKey(r)
			if _, ok := nodeInvars[cand]; !ok {
				nodeOrder = append(nodeOrder, cand)
			}
			nodeInvars[cand] = append(nodeInvars[cand], key)
			sorted := append([]int32(nil), nodeOrder...)
			sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
			for _, other := range sorted {
				if other == cand {
					continue
				}
				for _, k := range nodeInvars[other] {
					if k == key {
						dupMap[cand] = append(dupMap[cand], other)
						dupMap[other] = append(dupMap[other], cand)
						break
					}
				}
			}
			if i, ok := dupIdx[key]; ok {
				dupCands[i].cands = append(dupCands[i].cands, cand)
			} else {
				dupIdx[key] = len(dupCands)
				dupCands = append(dupCands, dup{key: key, cands: []int32{cand}})
			}
		}
		if len(srings) == 0 {
			// no ring through it: trimming is safe and shortens long chains
			changed := intSet{cand}
			for len(changed) > 0 {
				c := changed.popMin()
				st.trimBonds(c, &changed, st.degree, st.active)
			}
		}
	}
	// RDKit walks these in the order of its ring-invariant bitsets
	sort.SliceStable(dupCands, func(i, j int) bool { return bitsetLess(dupCands[i].key, dupCands[j].key) })
	for _, d := range dupCands {
		if len(d.cands) < 2 {
			continue
		}
		var nrings [][]int32
		minSize := int(^uint(0) >> 1)
		for _, c := range d.cands {
			deg := append([]int32(nil), st.degree...)
			act := append([]bool(nil), st.active...)
			for _, o := range dupMap[c] {
				st.trimBonds(o, nil, deg, act)
			}
			for _, r := range st.smallestRings(c, act, -1) {
				if len(r) < minSize {
					minSize = len(r)
				}
				nrings = append(nrings, r)
			}
		}
		for _, r := range nrings {
			if len(r) == minSize {
				st.addRing(res, r)
			}
		}
	}
}

// bitsetLess orders atom-set keys as numbers, highest atom first, like
// boost::dynamic_bitset's operator<.
func bitsetLess(a, b string) bool {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] != b[i] {
			for bit := 7; bit >= 0; bit-- {
				x, y := a[i]>>bit&1, b[i]>>bit&1
				if x != y {
					return x < y
				}
			}
		}
	}
	return false
}

// ringsD3 finds up to three rings through a degree-3 atom.
func (st *sssrState) ringsD3(res *[][]int32, cand int32) {
	srings := st.smallestRings(cand, st.active, -1)
	for _, r := range srings {
		st.addRing(res, r)
	}
	if len(srings) >= 3 || len(srings) == 0 {
		return
	}
	var n [3]int32
	k := 0
	for _, nb := range st.nbrs(cand) {
		if st.active[nb.Bond] && k < 3 {
			n[k] = nb.Atom
			k++
		}
	}
	if k < 3 {
		return
	}
	in := func(r []int32, a int32) bool { return containsI32(r, a) }
	if len(srings) == 2 {
		f := int32(-1)
		for _, x := range n {
			if in(srings[0], x) && in(srings[1], x) {
				f = x
				break
			}
		}
		if f < 0 {
			return
		}
		for _, r := range st.smallestRings(cand, st.active, f) {
			st.addRing(res, r)
		}
		return
	}
	var f1, f2 int32 = -1, -1
	switch {
	case !in(srings[0], n[0]):
		f1, f2 = n[1], n[2]
	case !in(srings[0], n[1]):
		f1, f2 = n[0], n[2]
	case !in(srings[0], n[2]):
		f1, f2 = n[0], n[1]
	}
	if f1 < 0 {
		return
	}
	for _, r := range st.smallestRings(cand, st.active, f2) {
		st.addRing(res, r)
	}
	for _, r := range st.smallestRings(cand, st.active, f1) {
		st.addRing(res, r)
	}
}

// ringBondsOf converts an atom ring to its bonds (bond i joins atom i and
// atom i+1), or nil if some consecutive atoms are not bonded.
func ringBondsOf(m *Mol, ring []int32) []int32 {
	out := make([]int32, len(ring))
	for i, a := range ring {
		b := ring[(i+1)%len(ring)]
		out[i] = -1
		for _, nb := range m.Neighbors(int(a)) {
			if nb.Atom == b {
				out[i] = nb.Bond
				break
			}
		}
		if out[i] < 0 {
			return nil
		}
	}
	return out
}

// removeExtraRings keeps nexpt rings: by size, skipping rings whose bonds
// are all covered already, and among equal sizes preferring the ring that
// overlaps most with what is kept (RDKit's order). It returns the kept
// rings and the others (the candidates for symmetrization).
func removeExtraRings(m *Mol, res [][]int32) (keep, extras [][]int32) {
	sort.SliceStable(res, func(i, j int) bool { return len(res[i]) < len(res[j]) })
	nB := len(m.Bonds)
	words := (nB + 63) / 64
	bits := make([][]uint64, len(res))
	for i, r := range res {
		bits[i] = make([]uint64, words)
		for _, b := range ringBondsOf(m, r) {
			bits[i][b/64] |= 1 << (b % 64)
		}
	}
	subset := func(a, u []uint64) bool {
		for w := range a {
			if a[w]&^u[w] != 0 {
				return false
			}
		}
		return true
	}
	overlap := func(a, u []uint64) int {
		c := 0
		for w := range a {
			c += popcount(a[w] & u[w])
		}
		return c
	}
	avail := make([]bool, len(res))
	kept := make([]bool, len(res))
	for i := range avail {
		avail[i] = true
	}
	union := make([]uint64, words)
	for i := range res {
		if subset(bits[i], union) {
			avail[i] = false
		}
		if !avail[i] {
			continue
		}
		for w := range union {
			union[w] |= bits[i][w]
		}
		kept[i] = true
		consider := make([]bool, len(res))
		any := false
		for j := i + 1; j < len(res); j++ {
			if avail[j] && len(res[j]) == len(res[i]) {
				consider[j] = true
				any = true
			}
		}
		for any {
			bestJ, best := i+1, -1
			for j := i + 1; j < len(res) && len(res[j]) == len(res[i]); j++ {
				if !consider[j] || !avail[j] {
					continue
				}
				if o := overlap(bits[j], union); o > best {
					best, bestJ = o, j
				}
			}
			consider[bestJ] = false
			if subset(bits[bestJ], union) {
				avail[bestJ] = false
			} else {
				kept[bestJ] = true
				avail[bestJ] = false
				for w := range union {
					union[w] |= bits[bestJ][w]
				}
			}
			any = false
			for _, c := range consider {
				if c {
					any = true
					break
				}
			}
		}
	}
	for i, r := range res {
		if kept[i] {
			keep = append(keep, r)
		} else {
			extras = append(extras, r)
		}
	}
	return keep, extras
}

func popcount(x uint64) int {
	c := 0
	for x != 0 {
		x &= x - 1
		c++
	}
	return c
}

// rdkitRings runs RDKit's findSSSR + symmetrizeSSSR. ok is false when the
// search fell short of the cycle rank (highly fused cages); the caller then
// uses the general algorithm.
func rdkitRings(m *Mol) (rings [][]int32, ok bool) {
	nA := len(m.Atoms)
	st := newSSSRState(m)
	// fragments, atoms ascending
	frag := make([]int32, nA)
	for i := range frag {
		frag[i] = -1
	}
	var frags [][]int32
	for s := 0; s < nA; s++ {
		if frag[s] >= 0 {
			continue
		}
		id := int32(len(frags))
		frag[s] = id
		members := []int32{int32(s)}
		for q := 0; q < len(members); q++ {
			for _, nb := range st.nbrs(members[q]) {
				if frag[nb.Atom] < 0 {
					frag[nb.Atom] = id
					members = append(members, nb.Atom)
				}
			}
		}
		sort.Slice(members, func(i, j int) bool { return members[i] < members[j] })
		frags = append(frags, members)
	}
	var all, extras [][]int32
	doneAts := make([]bool, nA)
	for _, cur := range frags {
		if len(cur) < 3 {
			continue
		}
		var changed intSet
		nb := 0
		for _, a := range cur {
			nb += int(st.degree[a])
			if st.degree[a] < 2 {
				changed.insert(a)
			}
		}
		nb /= 2
		nexpt := nb - len(cur) + 1
		if nexpt < 1 {
			continue
		}
		var res [][]int32
		nDone := 0
		for nDone < len(cur) {
			for len(changed) > 0 {
				c := changed.popMin()
				if !doneAts[c] {
					doneAts[c] = true
					nDone++
					st.trimBonds(c, &changed, st.degree, st.active)
				}
			}
			d2 := st.pickD2Nodes(cur)
			if len(d2) > 0 {
				st.ringsD2(&res, d2)
				for _, d := range d2 {
					doneAts[d] = true
					nDone++
					st.trimBonds(d, &changed, st.degree, st.active)
				}
			} else if nDone < len(cur) {
				cand := int32(-1)
				for _, a := range cur {
					if st.degree[a] == 3 {
						cand = a
						break
					}
				}
				if cand < 0 {
					break
				}
				st.ringsD3(&res, cand)
				doneAts[cand] = true
				nDone++
				st.trimBonds(cand, &changed, st.degree, st.active)
			}
			if st.failed {
				return nil, false
			}
		}
		if len(res) < nexpt {
			return nil, false
		}
		if len(res) > nexpt {
			var ex [][]int32
			res, ex = removeExtraRings(m, res)
			extras = ex // RDKit keeps the extras of the last fragment only
		}
		all = append(all, res...)
	}
	return symmetrizeRings(m, all, extras), true
}

// symmetrizeRings adds the extra rings that could replace an SSSR ring of
// the same size: sharing a bond with it and holding every bond that ring
// alone provides (RDKit's symmetrizeSSSR).
func symmetrizeRings(m *Mol, sssr, extras [][]int32) [][]int32 {
	if len(extras) == 0 {
		return sssr
	}
	count := make([]int, len(m.Bonds))
	rb := make([][]int32, len(sssr))
	for i, r := range sssr {
		rb[i] = ringBondsOf(m, r)
		for _, b := range rb[i] {
			count[b]++
		}
	}
	out := sssr
	for _, ex := range extras {
		eb := ringBondsOf(m, ex)
		for _, r := range rb {
			if len(r) != len(eb) {
				continue
			}
			share, all := false, true
			for _, b := range r {
				if count[b] == 1 || !share {
					if containsI32(eb, b) {
						share = true
					} else if count[b] == 1 {
						all = false
					}
				}
			}
			if share && all {
				out = append(out, ex)
				break
			}
		}
	}
	return out
}
