package chem

import (
	"slices"
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

// sssrState is the reusable working state of findSSSR.
type sssrState struct {
	m        *Mol
	adjS     []int32    // CSR over bonds in index order
	adj      []Neighbor // neighbour atom and bond
	fill     []int32
	active   []bool // bonds still in the graph
	degree   []int32
	done     []int8
	parents  []int32
	depths   []int32
	queue    []int32
	forb     []bool
	doneAts  []bool
	frag     []int32
	members  []int32
	stack    []int32
	tmpA     []int32
	tmpB     []int32
	hits     [][2]int
	srings   [][]int32
	changed2 intSet
	changed  intSet
	d2       []int32
	res      [][]int32
	all      [][]int32
	pairs    [][2]int32
	nrings   [][]int32
	degCopy  []int32
	actCopy  []bool
	genOf    []uint32
	gen      uint32
	arena    []int32 // ring atoms of this molecule's candidate rings
	found    []foundRing
	failed   bool
}

// foundRing is a candidate ring with RDKit's invariant (its atom set),
// kept as an order-independent hash plus the atoms for exact comparison.
type foundRing struct {
	atoms []int32
	hash  uint64
}

func (st *sssrState) reset(m *Mol) {
	nA, nB := len(m.Atoms), len(m.Bonds)
	st.m = m
	st.failed = false
	st.adjS = growI32(st.adjS, nA+1)
	for i := range st.adjS {
		st.adjS[i] = 0
	}
	if cap(st.active) < nB {
		st.active = make([]bool, nB)
	}
	st.active = st.active[:nB]
	for i := range m.Bonds {
		st.adjS[m.Bonds[i].Begin+1]++
		st.adjS[m.Bonds[i].End+1]++
		st.active[i] = true
	}
	st.degree = growI32(st.degree, nA)
	for i := 0; i < nA; i++ {
		st.degree[i] = st.adjS[i+1]
		st.adjS[i+1] += st.adjS[i]
	}
	if cap(st.adj) < 2*nB {
		st.adj = make([]Neighbor, 2*nB)
	}
	st.adj = st.adj[:2*nB]
	st.fill = growI32(st.fill, nA)
	for i := range st.fill {
		st.fill[i] = 0
	}
	for i := range m.Bonds {
		b := &m.Bonds[i]
		st.adj[st.adjS[b.Begin]+st.fill[b.Begin]] = Neighbor{Atom: b.End, Bond: int32(i)}
		st.fill[b.Begin]++
		st.adj[st.adjS[b.End]+st.fill[b.End]] = Neighbor{Atom: b.Begin, Bond: int32(i)}
		st.fill[b.End]++
	}
	if cap(st.done) < nA {
		st.done = make([]int8, nA)
		st.forb = make([]bool, nA)
		st.doneAts = make([]bool, nA)
	}
	st.done, st.forb, st.doneAts = st.done[:nA], st.forb[:nA], st.doneAts[:nA]
	for i := range st.doneAts {
		st.doneAts[i] = false
	}
	if cap(st.genOf) < nA {
		st.genOf = make([]uint32, nA)
		st.gen = 0
	}
	st.genOf = st.genOf[:nA]
	for i := range st.genOf {
		st.genOf[i] = 0
	}
	st.gen = 0
	st.parents = growI32(st.parents, nA)
	st.depths = growI32(st.depths, nA)
	st.frag = growI32(st.frag, nA)
	st.arena = st.arena[:0]
	st.found = st.found[:0]
}

func (st *sssrState) nbrs(a int32) []Neighbor { return st.adj[st.adjS[a]:st.adjS[a+1]] }

func atomHash(ring []int32) uint64 {
	var h uint64
	for _, a := range ring {
		x := uint64(a) + 0x9e3779b97f4a7c15
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
		x = (x ^ (x >> 27)) * 0x94d049bb133111eb
		h += x ^ (x >> 31)
	}
	return h
}

func sameAtoms(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !containsI32(b, x) {
			return false
		}
	}
	return true
}

// known returns the index in st.found of a ring with ring's atom set, or -1.
func (st *sssrState) known(ring []int32, h uint64) int {
	for i := range st.found {
		if st.found[i].hash == h && sameAtoms(st.found[i].atoms, ring) {
			return i
		}
	}
	return -1
}

// addRing appends ring to res unless an equal atom set is known.
func (st *sssrState) addRing(res *[][]int32, ring []int32) bool {
	h := atomHash(ring)
	if st.known(ring, h) >= 0 {
		return false
	}
	st.found = append(st.found, foundRing{atoms: ring, hash: h})
	*res = append(*res, ring)
	return true
}

// intSet is a small ordered set (RDKit uses std::set<int> for "changed").
type intSet []int32

func (s *intSet) insert(x int32) {
	lo, hi := 0, len(*s)
	for lo < hi {
		mid := (lo + hi) / 2
		if (*s)[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	i := lo
	if i < len(*s) && (*s)[i] == x {
		return
	}
	*s = append(*s, 0)
	copy((*s)[i+1:], (*s)[i:])
	(*s)[i] = x
}

func (s *intSet) popMin() int32 {
	x := (*s)[0]
	copy(*s, (*s)[1:])
	*s = (*s)[:len(*s)-1]
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
// avoiding the forbidden atom (Figueras' BFS as RDKit extends it). The
// rings live in st.arena.
func (st *sssrState) smallestRings(root int32, active []bool, forbidden int32, rings [][]int32) [][]int32 {
	const white, gray, black = 0, 1, 2
	// atoms not stamped with this search's generation are white, parentless
	st.gen++
	if st.gen == 0 {
		for i := range st.genOf {
			st.genOf[i] = 0
		}
		st.gen = 1
	}
	gen := st.gen
	visit := func(a int32) {
		if st.genOf[a] != gen {
			st.genOf[a] = gen
			st.done[a] = white
			st.parents[a] = -1
			st.depths[a] = 0
		}
	}
	visit(root)
	if forbidden >= 0 {
		visit(forbidden)
		st.done[forbidden] = black
	}
	q := append(st.queue[:0], root)
	curSize := int(^uint(0) >> 1)
	defer func() { st.queue = q }()
	for head := 0; head < len(q); head++ {
		if len(q)-head >= maxBFSQueue {
			st.failed = true
			return rings
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
			visit(n)
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
			fwd := append(st.tmpA[:0], n)
			for p := st.parents[n]; p != -1 && p != root; p = st.parents[p] {
				fwd = append(fwd, p)
			}
			back := append(st.tmpB[:0], curr)
			ok := true
			for p := st.parents[curr]; p != -1; p = st.parents[p] {
				if containsI32(fwd, p) || containsI32(back, p) {
					ok = false
					break
				}
				back = append(back, p)
			}
			st.tmpA, st.tmpB = fwd, back
			if !ok {
				continue
			}
			size := len(back) + len(fwd)
			if size > curSize {
				return rings
			}
			curSize = size
			// ring: root ... parent(curr), curr, n, parent(n) ...
			start := len(st.arena)
			for i := len(back) - 1; i >= 0; i-- {
				st.arena = append(st.arena, back[i])
			}
			st.arena = append(st.arena, fwd...)
			rings = append(rings, st.arena[start:len(st.arena):len(st.arena)])
		}
	}
	return rings
}

// pickD2Nodes takes one degree-2 atom from each chain of degree-2 atoms.
func (st *sssrState) pickD2Nodes(frag []int32, d2 []int32) []int32 {
	for _, a := range frag {
		st.forb[a] = false
	}
	for {
		root := int32(-1)
		for _, a := range frag {
			if st.degree[a] == 2 && !st.forb[a] {
				root = a
				break
			}
		}
		if root < 0 {
			return d2
		}
		d2 = append(d2, root)
		st.forb[root] = true
		stack := append(st.stack[:0], root)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, nb := range st.nbrs(v) {
				if st.active[nb.Bond] && !st.forb[nb.Atom] && st.degree[nb.Atom] == 2 {
					st.forb[nb.Atom] = true
					stack = append(stack, nb.Atom)
				}
			}
		}
		st.stack = stack
	}
}

// ringsD2 finds the smallest rings through each chosen degree-2 atom; when
// two of them find the same ring, it searches again with the other's bonds
// cut, which finds rings the first search hid.
func (st *sssrState) ringsD2(res *[][]int32, d2 []int32) {
	hits := st.hits[:0]
	srings := st.srings[:0]
	for _, cand := range d2 {
		srings = st.smallestRings(cand, st.active, -1, srings[:0])
		for _, r := range srings {
			st.addRing(res, r)
			hits = append(hits, [2]int{int(cand), st.known(r, atomHash(r))})
		}
		if len(srings) == 0 {
			// no ring through it: trimming is safe and shortens long chains
			changed := append(st.changed2[:0], cand)
			for len(changed) > 0 {
				c := changed.popMin()
				st.trimBonds(c, &changed, st.degree, st.active)
			}
			st.changed2 = changed
		}
	}
	st.hits, st.srings = hits, srings
	// rings found from more than one atom
	dupRing := false
	for i := range hits {
		for j := 0; j < i; j++ {
			if hits[j][1] == hits[i][1] && hits[j][0] != hits[i][0] {
				dupRing = true
			}
		}
	}
	if !dupRing {
		return
	}
	st.duplicateCandidates(res, hits)
}

// duplicateCandidates is RDKit's findSSSRforDupCands: for each ring found
// from several degree-2 atoms, search again from each of them with the
// bonds of the atoms it duplicated cut, and keep the smallest new rings.
func (st *sssrState) duplicateCandidates(res *[][]int32, hits [][2]int) {
	// pairs of atoms that found the same ring (RDKit's dupMap, both ways)
	pairs := st.pairs[:0]
	for i, h := range hits {
		for j := 0; j < i; j++ {
			if hits[j][1] == h[1] && hits[j][0] != h[0] {
				pairs = append(pairs, [2]int32{int32(h[0]), int32(hits[j][0])}, [2]int32{int32(hits[j][0]), int32(h[0])})
			}
		}
	}
	st.pairs = pairs
	// groups: ring -> candidate atoms, walked in RDKit's bitset order
	type group struct {
		ring  int
		cands []int32
	}
	var groups []group
	for _, h := range hits {
		k := -1
		for i := range groups {
			if groups[i].ring == h[1] {
				k = i
			}
		}
		if k < 0 {
			groups = append(groups, group{ring: h[1]})
			k = len(groups) - 1
		}
		groups[k].cands = append(groups[k].cands, int32(h[0]))
	}
	// only groups with two or more atoms do anything
	n := 0
	for _, g := range groups {
		if len(g.cands) > 1 {
			groups[n] = g
			n++
		}
	}
	groups = groups[:n]
	if len(groups) > 1 {
		keys := make([][]int32, len(groups))
		for i := range groups {
			k := append([]int32(nil), st.found[groups[i].ring].atoms...)
			slices.Sort(k)
			slices.Reverse(k)
			keys[i] = k
		}
		idx := make([]int, len(groups))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return atomSetLess(keys[idx[i]], keys[idx[j]]) })
		sorted := make([]group, len(groups))
		for i, k := range idx {
			sorted[i] = groups[k]
		}
		groups = sorted
	}
	for _, g := range groups {
		nrings := st.nrings[:0]
		minSize := int(^uint(0) >> 1)
		for _, c := range g.cands {
			deg := append(st.degCopy[:0], st.degree...)
			act := append(st.actCopy[:0], st.active...)
			st.degCopy, st.actCopy = deg, act
			for _, p := range pairs {
				if p[0] == c {
					st.trimBonds(p[1], nil, deg, act)
				}
			}
			before := len(nrings)
			nrings = st.smallestRings(c, act, -1, nrings)
			for _, r := range nrings[before:] {
				if len(r) < minSize {
					minSize = len(r)
				}
			}
		}
		for _, r := range nrings {
			if len(r) == minSize {
				st.addRing(res, r)
			}
		}
		st.nrings = nrings
	}
}

// atomSetLess orders atom sets (given in decreasing order) as numbers
// whose bits are the atoms, like boost::dynamic_bitset's operator< on
// RDKit's ring invariants.
func atomSetLess(x, y []int32) bool {
	for i := 0; i < len(x) && i < len(y); i++ {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return len(x) < len(y)
}

// ringsD3 finds up to three rings through a degree-3 atom.
func (st *sssrState) ringsD3(res *[][]int32, cand int32) {
	srings := st.smallestRings(cand, st.active, -1, nil)
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
		for _, r := range st.smallestRings(cand, st.active, f, nil) {
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
	for _, r := range st.smallestRings(cand, st.active, f2, nil) {
		st.addRing(res, r)
	}
	for _, r := range st.smallestRings(cand, st.active, f1, nil) {
		st.addRing(res, r)
	}
}

// ringBondsInto appends the bonds of an atom ring (bond i joins atom i and
// atom i+1) to dst; ok is false if consecutive atoms are not bonded.
func (st *sssrState) ringBondsInto(dst []int32, ring []int32) ([]int32, bool) {
	for i, a := range ring {
		b := ring[(i+1)%len(ring)]
		bond := int32(-1)
		for _, nb := range st.nbrs(a) {
			if nb.Atom == b {
				bond = nb.Bond
				break
			}
		}
		if bond < 0 {
			return dst, false
		}
		dst = append(dst, bond)
	}
	return dst, true
}

// removeExtraRings keeps the rings RDKit keeps: by size, skipping rings
// whose bonds are all covered already, and among equal sizes preferring
// the ring that overlaps most with what is kept. It returns the kept rings
// and the others (the candidates for symmetrization).
func (st *sssrState) removeExtraRings(res [][]int32) (keep, extras [][]int32) {
	sort.SliceStable(res, func(i, j int) bool { return len(res[i]) < len(res[j]) })
	nB := len(st.m.Bonds)
	words := (nB + 63) / 64
	bits := make([][]uint64, len(res))
	var tmp []int32
	for i, r := range res {
		bits[i] = make([]uint64, words)
		tmp, _ = st.ringBondsInto(tmp[:0], r)
		for _, b := range tmp {
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
	consider := make([]bool, len(res))
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
		any := false
		for j := range consider {
			consider[j] = j > i && avail[j] && len(res[j]) == len(res[i])
			any = any || consider[j]
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
				any = any || c
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

// rdkitRings runs RDKit's findSSSR + symmetrizeSSSR and stores the rings in
// m. It returns false when the search fell short of the cycle rank (highly
// fused cages, where RDKit itself switches algorithms); the caller then
// uses the general one.
func rdkitRings(m *Mol, st *sssrState) bool {
	nA := len(m.Atoms)
	st.reset(m)
	frag := st.frag
	for i := range frag {
		frag[i] = -1
	}
	var extras [][]int32
	all, res, d2, changed := st.all[:0], st.res[:0], st.d2[:0], st.changed[:0]
	defer func() { st.all, st.res, st.d2, st.changed = all[:0], res[:0], d2[:0], changed[:0] }()
	for s := 0; s < nA; s++ {
		if frag[s] >= 0 {
			continue
		}
		frag[s] = int32(s)
		cur := append(st.members[:0], int32(s))
		for q := 0; q < len(cur); q++ {
			for _, nb := range st.nbrs(cur[q]) {
				if frag[nb.Atom] < 0 {
					frag[nb.Atom] = int32(s)
					cur = append(cur, nb.Atom)
				}
			}
		}
		st.members = cur
		if len(cur) < 3 {
			continue
		}
		nb := 0
		for _, a := range cur {
			nb += int(st.degree[a])
		}
		nb /= 2
		nexpt := nb - len(cur) + 1
		if nexpt < 1 {
			continue
		}
		slices.Sort(cur)
		changed = changed[:0]
		for _, a := range cur {
			if st.degree[a] < 2 {
				changed.insert(a)
			}
		}
		res = res[:0]
		nDone := 0
		for nDone < len(cur) {
			for len(changed) > 0 {
				c := changed.popMin()
				if !st.doneAts[c] {
					st.doneAts[c] = true
					nDone++
					st.trimBonds(c, &changed, st.degree, st.active)
				}
			}
			d2 = st.pickD2Nodes(cur, d2[:0])
			if len(d2) > 0 {
				st.ringsD2(&res, d2)
				for _, d := range d2 {
					st.doneAts[d] = true
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
				st.doneAts[cand] = true
				nDone++
				st.trimBonds(cand, &changed, st.degree, st.active)
			}
			if st.failed {
				return false
			}
		}
		if len(res) < nexpt {
			return false
		}
		if len(res) > nexpt {
			var keep, ex [][]int32
			keep, ex = st.removeExtraRings(res)
			res = keep
			extras = ex // RDKit keeps the extras of the last such fragment only
		}
		all = append(all, res...)
	}
	all = st.symmetrize(all, extras)
	st.store(m, all)
	return true
}

// symmetrize adds the extra rings that could replace an SSSR ring of the
// same size: sharing a bond with it and holding every bond that ring alone
// provides (RDKit's symmetrizeSSSR). Adamantane gets 4 rings, cubane 6.
func (st *sssrState) symmetrize(sssr, extras [][]int32) [][]int32 {
	if len(extras) == 0 {
		return sssr
	}
	count := make([]int, len(st.m.Bonds))
	rb := make([][]int32, len(sssr))
	for i, r := range sssr {
		rb[i], _ = st.ringBondsInto(nil, r)
		for _, b := range rb[i] {
			count[b]++
		}
	}
	out := sssr
	for _, ex := range extras {
		eb, _ := st.ringBondsInto(nil, ex)
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

// store copies the rings into the molecule (one backing array for atoms,
// one for bonds) and counts ring membership.
func (st *sssrState) store(m *Mol, rings [][]int32) {
	total := 0
	for _, r := range rings {
		total += len(r)
	}
	mem := make([]int32, 2*total)
	atoms, bonds := mem[:0:total], mem[total:total]
	hdr := make([][]int32, 2*len(rings))
	m.rings, m.ringBonds = hdr[:len(rings):len(rings)], hdr[len(rings):]
	for k, r := range rings {
		start := len(atoms)
		atoms = append(atoms, r...)
		m.rings[k] = atoms[start:len(atoms):len(atoms)]
		bonds, _ = st.ringBondsInto(bonds, r)
		m.ringBonds[k] = bonds[start:len(bonds):len(bonds)]
	}
	countRingMembership(m)
}
