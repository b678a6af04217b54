package chem

import "sort"

// ringScratch holds reusable buffers for ring perception.
type ringScratch struct {
	disc, low  []int32
	stackA     []int32
	stackI     []int32
	parentBond []int32
	ringBond   []bool
	sys        []int32 // system id per atom, -1 when not in a ring
	queue      []int32
	prevAtom   []int32
	prevBond   []int32
	seen       []int32
	stamp      int32
	local      []int32 // bond index -> local index within its system
	dist       []int32
	sssr       sssrState
}

func growI32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// perceiveRings finds ring bonds (bonds that are not bridges), then a
// smallest set of smallest rings for each ring system, and fills the
// molecule's ring fields.
func perceiveRings(m *Mol, sc *ringScratch) {
	nA, nB := len(m.Atoms), len(m.Bonds)
	mem := make([]uint8, nA+nB)
	m.atomRings, m.bondRings = mem[:nA:nA], mem[nA:]
	m.rings, m.ringBonds = nil, nil
	if nB < 3 {
		return
	}
	// cycle rank = E - V + components; zero means no rings
	if !hasCycle(m, sc) {
		return
	}
	if rdkitRings(m, &sc.sssr) {
		return
	}
	m.rings, m.ringBonds = nil, nil
	for i := range m.atomRings {
		m.atomRings[i] = 0
	}
	for i := range m.bondRings {
		m.bondRings[i] = 0
	}
	findRingBonds(m, sc)
	// ring systems: connected components over ring bonds
	sys := growI32(sc.sys, nA)
	sc.sys = sys
	for i := range sys {
		sys[i] = -1
	}
	nSys := int32(0)
	queue := sc.queue[:0]
	var systems [][2]int32 // per system: first atom, and count is recomputed
	for s := 0; s < nA; s++ {
		if sys[s] >= 0 || !atomHasRingBond(m, sc, s) {
			continue
		}
		sys[s] = nSys
		queue = append(queue[:0], int32(s))
		for q := 0; q < len(queue); q++ {
			v := queue[q]
			for _, nb := range m.Neighbors(int(v)) {
				if sc.ringBond[nb.Bond] && sys[nb.Atom] < 0 {
					sys[nb.Atom] = nSys
					queue = append(queue, nb.Atom)
				}
			}
		}
		systems = append(systems, [2]int32{int32(s), int32(len(queue))})
		nSys++
	}
	sc.queue = queue
	var rings, ringBonds [][]int32
	for si, sy := range systems {
		r, rb := systemRings(m, sc, int32(si), sy[0])
		rings = append(rings, r...)
		ringBonds = append(ringBonds, rb...)
	}
	m.rings, m.ringBonds = rings, ringBonds
	countRingMembership(m)
}

func countRingMembership(m *Mol) {
	for k, r := range m.rings {
		for _, a := range r {
			if m.atomRings[a] < 255 {
				m.atomRings[a]++
			}
		}
		for _, b := range m.ringBonds[k] {
			if m.bondRings[b] < 255 {
				m.bondRings[b]++
			}
		}
	}
}

func atomHasRingBond(m *Mol, sc *ringScratch, a int) bool {
	for _, nb := range m.Neighbors(a) {
		if sc.ringBond[nb.Bond] {
			return true
		}
	}
	return false
}

// hasCycle reports whether the graph has a cycle (E > V - components).
func hasCycle(m *Mol, sc *ringScratch) bool {
	nA := len(m.Atoms)
	seen := growI32(sc.seen, nA)
	sc.seen = seen
	for i := range seen {
		seen[i] = 0
	}
	comps := 0
	queue := sc.queue[:0]
	for s := 0; s < nA; s++ {
		if seen[s] != 0 {
			continue
		}
		comps++
		seen[s] = 1
		queue = append(queue[:0], int32(s))
		for q := 0; q < len(queue); q++ {
			for _, nb := range m.Neighbors(int(queue[q])) {
				if seen[nb.Atom] == 0 {
					seen[nb.Atom] = 1
					queue = append(queue, nb.Atom)
				}
			}
		}
	}
	sc.queue = queue
	for i := range seen {
		seen[i] = 0
	}
	sc.stamp = 0
	return len(m.Bonds)-nA+comps > 0
}

// findRingBonds marks the bonds that are not bridges (Tarjan's lowlink,
// iterative).
func findRingBonds(m *Mol, sc *ringScratch) {
	nA, nB := len(m.Atoms), len(m.Bonds)
	disc := growI32(sc.disc, nA)
	low := growI32(sc.low, nA)
	pb := growI32(sc.parentBond, nA)
	sc.disc, sc.low, sc.parentBond = disc, low, pb
	for i := range disc {
		disc[i] = -1
	}
	if cap(sc.ringBond) < nB {
		sc.ringBond = make([]bool, nB)
	}
	rb := sc.ringBond[:nB]
	sc.ringBond = rb
	for i := range rb {
		rb[i] = true
	}
	t := int32(0)
	stA, stI := sc.stackA[:0], sc.stackI[:0]
	for s := 0; s < nA; s++ {
		if disc[s] >= 0 {
			continue
		}
		disc[s], low[s], pb[s] = t, t, -1
		t++
		stA = append(stA, int32(s))
		stI = append(stI, 0)
		for len(stA) > 0 {
			top := len(stA) - 1
			v := stA[top]
			nbs := m.Neighbors(int(v))
			if int(stI[top]) < len(nbs) {
				nb := nbs[stI[top]]
				stI[top]++
				if nb.Bond == pb[v] {
					continue
				}
				w := nb.Atom
				if disc[w] < 0 {
					disc[w], low[w], pb[w] = t, t, nb.Bond
					t++
					stA = append(stA, w)
					stI = append(stI, 0)
				} else if disc[w] < low[v] {
					low[v] = disc[w]
				}
				continue
			}
			stA, stI = stA[:top], stI[:top]
			if pb[v] >= 0 {
				b := &m.Bonds[pb[v]]
				u := b.Begin
				if u == v {
					u = b.End
				}
				if low[v] < low[u] {
					low[u] = low[v]
				}
				if low[v] > disc[u] {
					rb[pb[v]] = false // bridge
				}
			}
		}
	}
	sc.stackA, sc.stackI = stA, stI
}

// cycle is a candidate ring: atoms in ring order and the bonds between them.
type cycle struct {
	atoms []int32
	bonds []int32
	bits  []uint64
}

// systemRings returns the SSSR of the ring system sys that contains atom
// first: shortest cycles through each ring bond, then (if those do not
// span the cycle space) Horton's candidates, chosen by increasing size
// while independent over GF(2).
func systemRings(m *Mol, sc *ringScratch, sys, first int32) ([][]int32, [][]int32) {
	// collect the system's atoms and bonds
	var atoms, bonds []int32
	local := growI32(sc.local, len(m.Bonds))
	sc.local = local
	for a := range m.Atoms {
		if sc.sys[a] != sys {
			continue
		}
		atoms = append(atoms, int32(a))
		for _, nb := range m.Neighbors(a) {
			if sc.ringBond[nb.Bond] && nb.Atom > int32(a) {
				local[nb.Bond] = int32(len(bonds))
				bonds = append(bonds, nb.Bond)
			}
		}
	}
	rank := len(bonds) - len(atoms) + 1
	if rank == 1 {
		c := walkCycle(m, sc, first)
		return [][]int32{c.atoms}, [][]int32{c.bonds}
	}
	words := (len(bonds) + 63) / 64
	var cands []cycle
	seenSet := map[string]bool{}
	addCand := func(c cycle) {
		c.bits = make([]uint64, words)
		for _, b := range c.bonds {
			l := local[b]
			c.bits[l/64] |= 1 << (l % 64)
		}
		key := bitsKey(c.bits)
		if seenSet[key] {
			return
		}
		seenSet[key] = true
		cands = append(cands, c)
	}
	for _, b := range bonds {
		bd := &m.Bonds[b]
		shortestCyclesThrough(m, sc, bd.Begin, bd.End, b, addCand)
	}
	basis := selectBasis(cands, words, rank)
	if len(basis) < rank {
		// Horton candidates: for every root r and bond (x,y), the two
		// shortest paths r..x and r..y closed by the bond.
		// Bounded: at most maxHortonRoots roots (pathological inputs only).
		for k, r := range atoms {
			if k >= maxHortonRoots || len(cands) > 20000 {
				break
			}
			bfs(m, sc, r, -1, -1)
			for _, b := range bonds {
				if c, ok := hortonCycle(m, sc, r, b); ok {
					addCand(c)
				}
			}
		}
		basis = selectBasis(cands, words, rank)
	}
	basis = symmetrize(basis, cands, len(bonds), local)
	ra := make([][]int32, len(basis))
	rb := make([][]int32, len(basis))
	for k, c := range basis {
		ra[k], rb[k] = c.atoms, c.bonds
	}
	return ra, rb
}

// symmetrize adds RDKit's symmetrized-SSSR extra rings: a candidate ring
// not in the SSSR joins when, for some SSSR ring of the same size, it
// shares a bond with it and contains every bond that ring alone provides
// (so it could replace that ring). Adamantane gets 4 rings, cubane 6,
// quinuclidine 3.
func symmetrize(basis, cands []cycle, nBonds int, local []int32) []cycle {
	if len(cands) <= len(basis) {
		return basis
	}
	count := make([]int, nBonds)
	for _, r := range basis {
		for _, b := range r.bonds {
			count[local[b]]++
		}
	}
	inBasis := func(c *cycle) bool {
		for k := range basis {
			if &basis[k].bits[0] == &c.bits[0] {
				return true
			}
		}
		return false
	}
	n := len(basis)
	has := func(c *cycle, l int32) bool { return c.bits[l/64]&(1<<(l%64)) != 0 }
	for ci := range cands {
		c := &cands[ci]
		if inBasis(c) {
			continue
		}
		for _, r := range basis[:n] {
			if len(r.bonds) != len(c.bonds) {
				continue
			}
			share, all := false, true
			for _, b := range r.bonds {
				l := local[b]
				if has(c, l) {
					share = true
				} else if count[l] == 1 {
					all = false
				}
			}
			if share && all {
				basis = append(basis, *c)
				break
			}
		}
	}
	return basis
}

func bitsKey(b []uint64) string {
	buf := make([]byte, 8*len(b))
	for i, w := range b {
		for j := 0; j < 8; j++ {
			buf[8*i+j] = byte(w >> (8 * j))
		}
	}
	return string(buf)
}

// selectBasis sorts candidates by size (stable) and keeps those
// independent of the ones kept before, up to rank.
func selectBasis(cands []cycle, words, rank int) []cycle {
	sort.SliceStable(cands, func(i, j int) bool { return len(cands[i].atoms) < len(cands[j].atoms) })
	pivots := map[int][]uint64{}
	var out []cycle
	x := make([]uint64, words)
	for _, c := range cands {
		copy(x, c.bits)
		for {
			p := lowestBit(x)
			if p < 0 {
				break
			}
			row, ok := pivots[p]
			if !ok {
				pivots[p] = append([]uint64(nil), x...)
				out = append(out, c)
				break
			}
			for w := range x {
				x[w] ^= row[w]
			}
		}
		if len(out) == rank {
			break
		}
	}
	return out
}

func lowestBit(x []uint64) int {
	for w, v := range x {
		if v != 0 {
			for b := 0; b < 64; b++ {
				if v&(1<<b) != 0 {
					return 64*w + b
				}
			}
		}
	}
	return -1
}

// walkCycle follows the single cycle of a rank-1 ring system from atom first.
func walkCycle(m *Mol, sc *ringScratch, first int32) cycle {
	var c cycle
	prevBond := int32(-1)
	v := first
	for {
		c.atoms = append(c.atoms, v)
		next := int32(-1)
		for _, nb := range m.Neighbors(int(v)) {
			if sc.ringBond[nb.Bond] && nb.Bond != prevBond {
				next = nb.Atom
				prevBond = nb.Bond
				break
			}
		}
		c.bonds = append(c.bonds, prevBond)
		v = next
		if v == first || v < 0 || len(c.atoms) > len(m.Atoms) {
			break
		}
	}
	return c
}

// bfs runs a breadth-first search over ring bonds from src, skipping bond
// skip; it stops when stop is reached (stop -1: full search). prevAtom and
// prevBond record the tree; seen[v] == stamp marks visited atoms.
func bfs(m *Mol, sc *ringScratch, src, stop, skip int32) {
	nA := len(m.Atoms)
	if len(sc.seen) < nA {
		sc.seen = make([]int32, nA)
	}
	sc.prevAtom = growI32(sc.prevAtom, nA)
	sc.prevBond = growI32(sc.prevBond, nA)
	sc.stamp++
	st := sc.stamp
	sc.seen[src] = st
	sc.prevAtom[src] = -1
	sc.prevBond[src] = -1
	queue := append(sc.queue[:0], src)
	for q := 0; q < len(queue); q++ {
		v := queue[q]
		for _, nb := range m.Neighbors(int(v)) {
			if nb.Bond == skip || !sc.ringBond[nb.Bond] || sc.seen[nb.Atom] == st {
				continue
			}
			sc.seen[nb.Atom] = st
			sc.prevAtom[nb.Atom] = v
			sc.prevBond[nb.Atom] = nb.Bond
			if nb.Atom == stop {
				sc.queue = queue
				return
			}
			queue = append(queue, nb.Atom)
		}
	}
	sc.queue = queue
}

// maxCyclesPerBond bounds the equally short cycles kept for one bond.
const maxCyclesPerBond = 16

// shortestCyclesThrough reports each shortest cycle that uses bond b (u-v)
// (up to maxCyclesPerBond of them) to add.
func shortestCyclesThrough(m *Mol, sc *ringScratch, u, v, b int32, add func(cycle)) {
	bfs(m, sc, u, -1, b)
	st := sc.stamp
	if sc.seen[v] != st {
		return
	}
	// distances from u along the BFS tree
	dist := growI32(sc.dist, len(m.Atoms))
	sc.dist = dist
	for _, x := range sc.queue {
		if x == u {
			dist[x] = 0
		} else {
			dist[x] = dist[sc.prevAtom[x]] + 1
		}
	}
	// enumerate shortest paths v -> u walking to neighbours one step closer
	pathA := []int32{v}
	var pathB []int32
	found := 0
	var walk func(x int32)
	walk = func(x int32) {
		if found >= maxCyclesPerBond {
			return
		}
		if x == u {
			found++
			c := cycle{atoms: append([]int32(nil), pathA...), bonds: append(append([]int32(nil), pathB...), b)}
			add(c)
			return
		}
		for _, nb := range m.Neighbors(int(x)) {
			if nb.Bond == b || !sc.ringBond[nb.Bond] || sc.seen[nb.Atom] != st || dist[nb.Atom] != dist[x]-1 {
				continue
			}
			pathA = append(pathA, nb.Atom)
			pathB = append(pathB, nb.Bond)
			walk(nb.Atom)
			pathA = pathA[:len(pathA)-1]
			pathB = pathB[:len(pathB)-1]
		}
	}
	walk(v)
}

// maxHortonRoots bounds the roots of Horton's candidate search.
const maxHortonRoots = 64

// hortonCycle builds the candidate cycle of root r and bond b from the BFS
// tree of r (bfs must have run from r), if the two tree paths to b's ends
// meet only at r.
func hortonCycle(m *Mol, sc *ringScratch, r, b int32) (cycle, bool) {
	bd := &m.Bonds[b]
	x, y := bd.Begin, bd.End
	st := sc.stamp
	if sc.seen[x] != st || sc.seen[y] != st || sc.prevBond[x] == b || sc.prevBond[y] == b {
		return cycle{}, false
	}
	var px, py []int32
	var bx, by []int32
	for a := x; a >= 0; a = sc.prevAtom[a] {
		px = append(px, a)
		if sc.prevBond[a] >= 0 {
			bx = append(bx, sc.prevBond[a])
		}
	}
	for a := y; a >= 0; a = sc.prevAtom[a] {
		py = append(py, a)
		if sc.prevBond[a] >= 0 {
			by = append(by, sc.prevBond[a])
		}
	}
	// paths must share only r
	for _, a := range py[:len(py)-1] {
		if containsI32(px[:len(px)-1], a) {
			return cycle{}, false
		}
	}
	var c cycle
	// x .. r then r .. y (reversed py without r), bonds accordingly
	c.atoms = append(c.atoms, px...)
	for i := len(py) - 2; i >= 0; i-- {
		c.atoms = append(c.atoms, py[i])
	}
	c.bonds = append(c.bonds, bx...)
	for i := len(by) - 1; i >= 0; i-- {
		c.bonds = append(c.bonds, by[i])
	}
	c.bonds = append(c.bonds, b)
	return c, true
}
