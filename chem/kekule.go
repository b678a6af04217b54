package chem

import "strconv"

// kekulize gives every bond a Kekulé order. Aromatic atoms must be in
// rings; an aromatic bond joins the Kekulé problem when both its atoms are
// aromatic and it is in a ring (other aromatic bonds become single). The
// aromatic atoms that still need a double bond (RDKit's rule: their target
// valence exceeds bonds + hydrogens + radicals by exactly one) are paired
// along aromatic bonds by a maximum matching (Edmonds' blossom algorithm:
// polynomial, no backtracking); an atom left unpaired means the system
// cannot be kekulized.
func kekulize(m *Mol, input string, ev []int32, sc *kekuleScratch) error {
	sc.keep = sc.keep[:0]
	any := false
	for i := range m.Atoms {
		if m.Atoms[i].Aromatic {
			any = true
			if m.atomRings[i] == 0 {
				a := &m.Atoms[i]
				return newError(ErrAromaticity, input, int(a.Offset), elements[a.Element].name+at(int(a.Offset))+
					" is written aromatic but is not in a ring")
			}
		}
	}
	// As RDKit's isAromaticAtom, an atom with an aromatic bond takes part
	// even when written uppercase (C:1CC1 kekulizes to C1=CC1).
	participates := func(b int) bool {
		return m.Bonds[b].Order == BondAromatic && m.bondRings[b] > 0
	}
	kekAromatic := func(i int) bool {
		if m.Atoms[i].Aromatic {
			return true
		}
		for _, nb := range m.Neighbors(i) {
			if participates(int(nb.Bond)) {
				return true
			}
		}
		return false
	}
	for i := range m.Bonds {
		b := &m.Bonds[i]
		switch b.Order {
		case BondAromatic:
			any = true
			b.Kekule = BondSingle
			if m.atomRings[b.Begin] == 0 && m.atomRings[b.End] == 0 {
				sc.keep = append(sc.keep, int32(i))
			}
		case BondAny:
			b.Kekule = BondSingle
		default:
			b.Kekule = b.Order
		}
	}
	if !any {
		return nil
	}
	// which aromatic atoms need a double bond
	n := len(m.Atoms)
	sc.idx = growI32(sc.idx, n)
	idx := sc.idx
	verts := sc.verts[:0]
	for i := range m.Atoms {
		idx[i] = -1
		a := &m.Atoms[i]
		if m.atomRings[i] == 0 || !kekAromatic(i) {
			continue
		}
		z := int(a.Element)
		vals := elements[z].valences
		if vals[0] < 0 {
			continue
		}
		// RDKit's markDbondCands: bonds in play count 1, others their
		// order; bonds that add no valence ('~') do not count as neighbours
		sbo, ignore := 0, 0
		for _, nb := range m.Neighbors(i) {
			if participates(int(nb.Bond)) {
				sbo++
			} else {
				c := bondValence2(m.Bonds[nb.Bond].Kekule) / 2
				if m.Bonds[nb.Bond].Order == BondAny {
					c = 0
				}
				sbo += c
				if c == 0 {
					ignore++
				}
			}
		}
		sbo += a.TotalH()
		chr := chargeShift(z, int(a.Charge))
		dv := int(vals[0]) + chr
		tv := int(ev[i]) + int(a.ImplicitH)
		for vi := 1; tv > dv && vi < len(vals) && vals[vi] > 0; vi++ {
			dv = int(vals[vi]) + chr
		}
		rad := int(a.Radicals)
		if m.Degree(i)+int(a.ImplicitH)-ignore+rad >= dv {
			continue // no room for a double bond
		}
		// a bracket atom may also take one by leaving a radical elsewhere
		// ([c]1ccccc1, the phenyl radical)
		if dv == sbo+1+rad || rad == 0 && a.Bracket && dv == sbo+2 {
			idx[i] = int32(len(verts))
			verts = append(verts, int32(i))
		}
	}
	sc.verts = verts
	if len(verts) == 0 {
		return nil
	}
	// matching graph over those atoms, as lists of neighbours
	adj := sc.adj[:0]
	for range verts {
		adj = append(adj, nil)
	}
	sc.adjBuf = sc.adjBuf[:0]
	for k, v := range verts {
		start := len(sc.adjBuf)
		for _, nb := range m.Neighbors(int(v)) {
			if w := idx[nb.Atom]; w >= 0 && participates(int(nb.Bond)) {
				sc.adjBuf = append(sc.adjBuf, w)
			}
		}
		adj[k] = sc.adjBuf[start:len(sc.adjBuf):len(sc.adjBuf)]
	}
	// the buffer may have moved while growing: slice again
	off := 0
	for k := range adj {
		l := len(adj[k])
		adj[k] = sc.adjBuf[off : off+l : off+l]
		off += l
	}
	sc.adj = adj
	match := maxMatching(adj, sc)
	unmatched := false
	for _, w := range match {
		if w < 0 {
			unmatched = true
		}
	}
	if unmatched {
		// report every aromatic atom of the systems that failed, as RDKit does
		bad := unkekulizedAtoms(m, verts, match, participates)
		msg := "cannot kekulize: no alternating single and double bonds fit the aromatic atoms at offsets "
		for k, a := range bad {
			if k == 12 {
				msg += ", ..."
				break
			}
			if k > 0 {
				msg += ", "
			}
			msg += strconv.Itoa(int(m.Atoms[a].Offset))
		}
		return newError(ErrAromaticity, input, int(m.Atoms[bad[0]].Offset), msg)
	}
	for b := range m.Bonds {
		if !participates(b) {
			continue
		}
		x, y := idx[m.Bonds[b].Begin], idx[m.Bonds[b].End]
		if x >= 0 && y >= 0 && match[x] == y {
			m.Bonds[b].Kekule = BondDouble
		}
	}
	return nil
}

// maxMatching returns a maximum matching of the general graph adj
// (match[v] = partner or -1): a greedy start that takes forced pairs first,
// then Edmonds' blossom augmentation for each vertex left unmatched.
func maxMatching(adj [][]int32, sc *kekuleScratch) []int32 {
	n := len(adj)
	sc.match = growI32(sc.match, n)
	match := sc.match
	for i := range match {
		match[i] = -1
	}
	// greedy: repeatedly match a vertex with the fewest free neighbours
	sc.free = growI32(sc.free, n)
	free := sc.free
	for v := range adj {
		free[v] = int32(len(adj[v]))
	}
	for {
		best := -1
		for v := 0; v < n; v++ {
			if match[v] < 0 && free[v] > 0 && (best < 0 || free[v] < free[best]) {
				best = v
				if free[v] == 1 {
					break
				}
			}
		}
		if best < 0 {
			break
		}
		var w int32 = -1
		for _, u := range adj[best] {
			if match[u] < 0 && (w < 0 || free[u] < free[w]) {
				w = u
			}
		}
		match[best], match[w] = w, int32(best)
		for _, x := range [2]int32{int32(best), w} {
			for _, u := range adj[x] {
				free[u]--
			}
		}
	}
	var bl *blossom
	for v := 0; v < n; v++ {
		if match[v] < 0 && len(adj[v]) > 0 {
			if bl == nil {
				bl = newBlossom(adj, match)
			}
			bl.augment(int32(v))
		}
	}
	return match
}

// blossom is Edmonds' algorithm state (the classic O(V^3) formulation).
type blossom struct {
	adj     [][]int32
	match   []int32
	p, base []int32
	used    []bool
	inBl    []bool
	q       []int32
}

func newBlossom(adj [][]int32, match []int32) *blossom {
	n := len(adj)
	return &blossom{adj: adj, match: match, p: make([]int32, n), base: make([]int32, n),
		used: make([]bool, n), inBl: make([]bool, n)}
}

func (b *blossom) lca(x, y int32) int32 {
	seen := make([]bool, len(b.adj))
	for {
		x = b.base[x]
		seen[x] = true
		if b.match[x] < 0 {
			break
		}
		x = b.p[b.match[x]]
	}
	for {
		y = b.base[y]
		if seen[y] {
			return y
		}
		y = b.p[b.match[y]]
	}
}

func (b *blossom) markPath(v, base, child int32) {
	for b.base[v] != base {
		b.inBl[b.base[v]] = true
		b.inBl[b.base[b.match[v]]] = true
		b.p[v] = child
		child = b.match[v]
		v = b.p[b.match[v]]
	}
}

func (b *blossom) findPath(root int32) int32 {
	n := len(b.adj)
	for i := 0; i < n; i++ {
		b.used[i] = false
		b.p[i] = -1
		b.base[i] = int32(i)
	}
	b.used[root] = true
	b.q = append(b.q[:0], root)
	for qi := 0; qi < len(b.q); qi++ {
		v := b.q[qi]
		for _, to := range b.adj[v] {
			if b.base[v] == b.base[to] || b.match[v] == to {
				continue
			}
			if to == root || b.match[to] >= 0 && b.p[b.match[to]] >= 0 {
				cur := b.lca(v, to)
				for i := range b.inBl {
					b.inBl[i] = false
				}
				b.markPath(v, cur, to)
				b.markPath(to, cur, v)
				for i := 0; i < n; i++ {
					if b.inBl[b.base[i]] {
						b.base[i] = cur
						if !b.used[i] {
							b.used[i] = true
							b.q = append(b.q, int32(i))
						}
					}
				}
			} else if b.p[to] < 0 {
				b.p[to] = v
				if b.match[to] < 0 {
					return to
				}
				b.used[b.match[to]] = true
				b.q = append(b.q, b.match[to])
			}
		}
	}
	return -1
}

func (b *blossom) augment(root int32) {
	v := b.findPath(root)
	for v >= 0 {
		pv := b.p[v]
		ppv := b.match[pv]
		b.match[v] = pv
		b.match[pv] = v
		v = ppv
	}
}

// unkekulizedAtoms lists, in atom order, the aromatic atoms connected by
// aromatic bonds to an atom left without a double bond.
func unkekulizedAtoms(m *Mol, verts, match []int32, participates func(int) bool) []int32 {
	in := make([]bool, len(m.Atoms))
	var queue []int32
	for v, w := range match {
		if w < 0 && !in[verts[v]] {
			in[verts[v]] = true
			queue = append(queue, verts[v])
		}
	}
	for q := 0; q < len(queue); q++ {
		for _, nb := range m.Neighbors(int(queue[q])) {
			if participates(int(nb.Bond)) && !in[nb.Atom] {
				in[nb.Atom] = true
				queue = append(queue, nb.Atom)
			}
		}
	}
	var out []int32
	for i, ok := range in {
		if ok {
			out = append(out, int32(i))
		}
	}
	return out
}

// kekuleScratch holds reusable buffers for kekulization.
type kekuleScratch struct {
	idx, verts, match, free []int32
	// keep: aromatic bonds between atoms outside rings (C:C); RDKit leaves
	// their type aromatic, and so do we after aromaticity perception
	keep   []int32
	adj    [][]int32
	adjBuf []int32
}
