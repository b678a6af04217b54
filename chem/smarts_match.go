package chem

// This file holds the SMARTS matcher: a view of a Mol as a query graph
// (with the per-atom properties SMARTS primitives ask about, optionally
// with hydrogens as atoms of their own, as RDKit's AddHs makes them) and a
// backtracking search over a pattern's atoms in its matching order: each
// atom is mapped to a distinct molecule atom, next to the atom its parent
// was mapped to (or anywhere, for the first atom of a disconnected part),
// and its ring-closure bonds are checked as soon as both ends are mapped.

// qAtom is an atom as SMARTS primitives see it.
type qAtom struct {
	elem      uint8
	arom      bool
	charge    int8
	hCount    uint8 // total H: counted on the atom plus hydrogen neighbours
	degree    uint8 // explicit connections
	totalDeg  uint8 // connections including counted hydrogens
	valence   uint8 // total valence
	ringCount uint8 // SSSR rings holding the atom
	minRing   uint8 // size of the smallest SSSR ring holding the atom, 0 if none
	ringBonds uint8 // ring bonds on the atom
	implicitH uint8 // hydrogens counted on the atom (SMARTS h; 0 once they are atoms)
	heavyDeg  uint8 // neighbours other than hydrogen atoms, [2H] counted (SMARTS d)
	hetero    uint8 // neighbours other than C and H (SMARTS z)
	aliphHet  uint8 // aliphatic neighbours other than C and H (SMARTS Z)
	radicals  uint8
	isotope   uint16
	src       int32 // index of the Mol atom, or of the heavy atom an added H hangs from
}

// qEdge is one direction of a bond in the query graph.
type qEdge struct {
	to     int32
	order  BondOrder
	inRing bool
}

// qGraph is a molecule prepared for SMARTS matching. Not safe for
// concurrent use (it memoizes recursive-pattern results).
type qGraph struct {
	atoms    []qAtom
	adjStart []int32
	adj      []qEdge
	memo     []recMemo // results of recursive patterns met so far

	pairMatch []uint8 // scratch for countBondMatches

	// scratch for atomsAssignable
	compat []bool
	owner  []int32
	seen   []bool
}

// recMemo holds one recursive pattern's result per atom: 0 unknown,
// 1 match, 2 no match.
type recMemo struct {
	p   *smartsPattern
	res []int8
}

func (g *qGraph) nbrs(i int) []qEdge { return g.adj[g.adjStart[i]:g.adjStart[i+1]] }

// countIs matches a counting primitive: want < 0 (written without a
// number, as in R or x) asks for any nonzero count.
func countIs(n uint8, want int) bool {
	if want < 0 {
		return n > 0
	}
	return int(n) == want
}

// bondValence is the contribution of a bond to an atom's valence, in the
// Kekulé form for aromatic bonds.
func bondValence(b *Bond) int {
	o := b.Order
	if o == BondAromatic {
		o = b.Kekule
	}
	switch o {
	case BondDouble:
		return 2
	case BondTriple:
		return 3
	case BondQuadruple:
		return 4
	case BondSingle:
		return 1
	case BondAromatic:
		return 1 // no Kekulé assignment recorded; treated as single
	}
	return 0
}

// newQGraph builds the query view of m. With addHs, every hydrogen counted
// on an atom becomes an atom of its own bonded to it (RDKit's AddHs), so
// patterns can type hydrogens.
func newQGraph(m *Mol, addHs bool) *qGraph {
	g := new(qGraph)
	g.build(m, addHs)
	return g
}

// build makes g the query view of m (see newQGraph), reusing g's buffers.
func (g *qGraph) build(m *Mol, addHs bool) {
	n := len(m.Atoms)
	nH := 0
	if addHs {
		for i := range m.Atoms {
			nH += m.Atoms[i].TotalH()
		}
	}
	total := n + nH
	g.atoms = descGrow(g.atoms[:0], total)[:n]
	for k := range g.memo {
		g.memo[k].p = nil
	}
	g.memo = g.memo[:0]
	for i := range m.Atoms {
		a := &m.Atoms[i]
		h := a.TotalH()
		val := h
		hNbrs := 0
		rb := 0
		het, aliphHet, heavy := 0, 0, 0
		for _, nb := range m.Neighbors(i) {
			b := &m.Bonds[nb.Bond]
			val += bondValence(b)
			o := &m.Atoms[nb.Atom]
			if o.Element != 1 || o.Isotope > 1 {
				heavy++ // RDKit's d counts isotopic hydrogens ([2H]) as heavy
			}
			switch o.Element {
			case 1:
				hNbrs++
			case 6:
			default:
				het++
				if !o.Aromatic {
					aliphHet++
				}
			}
			if m.BondInRing(int(nb.Bond)) {
				rb++
			}
		}
		deg := m.Degree(i)
		implicitH := h
		if addHs {
			deg += h // the hydrogens become neighbours
			implicitH = 0
		}
		g.atoms[i] = qAtom{
			elem:      a.Element,
			arom:      a.Aromatic,
			charge:    a.Charge,
			hCount:    uint8(min(h+hNbrs, 255)),
			degree:    uint8(min(deg, 255)),
			totalDeg:  uint8(min(m.Degree(i)+h, 255)),
			valence:   uint8(min(val, 255)),
			ringCount: uint8(min(m.AtomRingCount(i), 255)),
			ringBonds: uint8(min(rb, 255)),
			implicitH: uint8(min(implicitH, 255)),
			heavyDeg:  uint8(min(heavy, 255)),
			hetero:    uint8(min(het, 255)),
			aliphHet:  uint8(min(aliphHet, 255)),
			radicals:  a.Radicals,
			isotope:   a.Isotope,
			src:       int32(i),
		}
	}
	for _, r := range m.Rings() {
		s := uint8(min(len(r), 255))
		for _, a := range r {
			if q := &g.atoms[a]; q.minRing == 0 || s < q.minRing {
				q.minRing = s
			}
		}
	}
	// adjacency: heavy atoms' bonds then their added hydrogens; each added
	// hydrogen's single bond back
	g.adjStart = descGrow(g.adjStart[:0], total+1)
	edges := 0
	for i := 0; i < n; i++ {
		g.adjStart[i] = int32(edges)
		edges += int(g.atoms[i].degree)
	}
	for i := n; i <= total; i++ {
		g.adjStart[i] = int32(edges + i - n)
	}
	g.adj = descGrow(g.adj[:0], edges+nH)[:0]
	next := int32(n)
	for i := 0; i < n; i++ {
		for _, nb := range m.Neighbors(i) {
			g.adj = append(g.adj, qEdge{to: nb.Atom, order: m.Bonds[nb.Bond].Order, inRing: m.BondInRing(int(nb.Bond))})
		}
		if addHs {
			for range m.Atoms[i].TotalH() {
				g.adj = append(g.adj, qEdge{to: next, order: BondSingle})
				next++
			}
		}
	}
	if addHs {
		for i := 0; i < n; i++ {
			for range m.Atoms[i].TotalH() {
				g.atoms = append(g.atoms, qAtom{elem: 1, degree: 1, totalDeg: 1, valence: 1, heavyDeg: 1, src: int32(i)})
				g.adj = append(g.adj, qEdge{to: int32(i), order: BondSingle})
			}
		}
	}
}

// matchAtomExpr evaluates an atom expression on atom i.
func (g *qGraph) matchAtomExpr(e *atomExpr, i int) bool {
	switch e.op {
	case opNot:
		return !g.matchAtomExpr(e.kids[0], i)
	case opAnd:
		for _, k := range e.kids {
			if !g.matchAtomExpr(k, i) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range e.kids {
			if g.matchAtomExpr(k, i) {
				return true
			}
		}
		return false
	}
	a := &g.atoms[i]
	switch e.prim {
	case primAny:
		return true
	case primAromatic:
		return a.arom
	case primAliphatic:
		return !a.arom
	case primAtomicNum:
		return int(a.elem) == e.val
	case primElemAliphatic:
		return int(a.elem) == e.val && !a.arom
	case primElemAromatic:
		return int(a.elem) == e.val && a.arom
	case primHCount:
		return int(a.hCount) == e.val
	case primDegree:
		return int(a.degree) == e.val
	case primTotalDeg:
		return int(a.totalDeg) == e.val
	case primValence:
		return int(a.valence) == e.val
	case primRingCount:
		return countIs(a.ringCount, e.val)
	case primRingSize:
		return countIs(a.minRing, e.val)
	case primRingBonds:
		return countIs(a.ringBonds, e.val)
	case primImplicitH:
		return countIs(a.implicitH, e.val)
	case primHeavyDegree:
		return int(a.heavyDeg) == e.val
	case primHeteroNbrs:
		return countIs(a.hetero, e.val)
	case primAliphHeteroNbrs:
		return countIs(a.aliphHet, e.val)
	case primCharge:
		return int(a.charge) == e.val
	case primIsotope:
		return int(a.isotope) == e.val
	case primRecursive:
		return g.matchRecursive(e.rec, i)
	case primRadicals:
		return int(a.radicals) == e.val
	case primMinRingCount:
		return int(a.ringCount) >= e.val
	case primIsotopeOrNone:
		return a.isotope == 0 || int(a.isotope) == e.val
	}
	return false
}

// matchRecursive reports whether pattern p matches with its first atom on
// atom i, memoized per graph.
func (g *qGraph) matchRecursive(p *smartsPattern, i int) bool {
	var m []int8
	for k := range g.memo { // a handful of patterns: a scan beats a map
		if g.memo[k].p == p {
			m = g.memo[k].res
			break
		}
	}
	if m == nil {
		if len(g.memo) < cap(g.memo) { // reuse a buffer from an earlier molecule
			g.memo = g.memo[:len(g.memo)+1]
			last := &g.memo[len(g.memo)-1]
			last.p = p
			last.res = descGrow(last.res[:0], len(g.atoms))
			clear(last.res)
			m = last.res
		} else {
			m = make([]int8, len(g.atoms))
			g.memo = append(g.memo, recMemo{p: p, res: m})
		}
	}
	switch m[i] {
	case 1:
		return true
	case 2:
		return false
	}
	ok := g.matchAt(p, i)
	if ok {
		m[i] = 1
	} else {
		m[i] = 2
	}
	return ok
}

// matchBondExpr evaluates a bond expression on an edge.
func matchBondExpr(e *bondExpr, ed *qEdge) bool {
	switch e.op {
	case opNot:
		return !matchBondExpr(e.kids[0], ed)
	case opAnd:
		for _, k := range e.kids {
			if !matchBondExpr(k, ed) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range e.kids {
			if matchBondExpr(k, ed) {
				return true
			}
		}
		return false
	}
	switch e.prim {
	case bondPrimSingle:
		return ed.order == BondSingle
	case bondPrimDouble:
		return ed.order == BondDouble
	case bondPrimTriple:
		return ed.order == BondTriple
	case bondPrimQuadruple:
		return ed.order == BondQuadruple
	case bondPrimOrder:
		return ed.order == e.order || ed.order == BondAny || ed.order == BondUnspecified
	case bondPrimAromatic:
		return ed.order == BondAromatic
	case bondPrimAny:
		return true
	case bondPrimRing:
		return ed.inRing
	case bondPrimDefault:
		return ed.order == BondSingle || ed.order == BondAromatic
	}
	return false
}

// maxPatternAtoms bounds the size of patterns matched without allocation.
const maxPatternAtoms = 16

// matchAt reports whether p matches with its first atom mapped to atom i.
func (g *qGraph) matchAt(p *smartsPattern, i int) bool {
	if !g.matchAtomExpr(p.atoms[0], i) {
		return false
	}
	if len(p.atoms) == 1 {
		return true
	}
	var buf [maxPatternAtoms]int32
	var mapping []int32
	if len(p.atoms) <= maxPatternAtoms {
		mapping = buf[:len(p.atoms)]
	} else {
		mapping = make([]int32, len(p.atoms))
	}
	mapping[0] = int32(i)
	return g.extend(p, mapping, 1)
}

// matchAnywhere reports whether p matches anywhere in the graph.
func (g *qGraph) matchAnywhere(p *smartsPattern) bool {
	var buf [maxPatternAtoms]int32
	var mapping []int32
	if len(p.atoms) <= maxPatternAtoms {
		mapping = buf[:len(p.atoms)]
	} else {
		mapping = make([]int32, len(p.atoms))
	}
	return g.extend(p, mapping, 0)
}

// extend maps pattern atom k and the rest (atoms before k are mapped),
// backtracking. Atom k goes next to its parent's image, or to any atom
// when it starts a disconnected part.
func (g *qGraph) extend(p *smartsPattern, mapping []int32, k int) bool {
	if k == len(p.atoms) {
		return true
	}
	par := p.parent[k]
	if par < 0 {
		for t := range g.atoms {
			if g.tryMap(p, mapping, k, int32(t)) {
				return true
			}
		}
		return false
	}
	from := mapping[par]
	for ei := range g.nbrs(int(from)) {
		ed := &g.adj[int(g.adjStart[from])+ei]
		if !matchBondExpr(p.bonds[k], ed) {
			continue
		}
		if g.tryMap(p, mapping, k, ed.to) {
			return true
		}
	}
	return false
}

// tryMap maps pattern atom k to atom t if t is free, matches atom k's
// expression and has atom k's ring-closure bonds to the atoms already
// mapped, then maps the rest.
func (g *qGraph) tryMap(p *smartsPattern, mapping []int32, k int, t int32) bool {
	if int(g.adjStart[t+1]-g.adjStart[t]) < p.degree[k] {
		return false
	}
	for _, x := range mapping[:k] {
		if x == t {
			return false
		}
	}
	if !g.matchAtomExpr(p.atoms[k], int(t)) {
		return false
	}
	if p.closures != nil {
		for _, c := range p.closures[k] {
			if !g.hasBond(t, mapping[c.to], c.bond) {
				return false
			}
		}
	}
	mapping[k] = t
	return g.extend(p, mapping, k+1)
}

// hasBond reports whether atoms a and b are bonded by a bond matching e.
func (g *qGraph) hasBond(a, b int32, e *bondExpr) bool {
	for ei := g.adjStart[a]; ei < g.adjStart[a+1]; ei++ {
		if ed := &g.adj[ei]; ed.to == b {
			return matchBondExpr(e, ed)
		}
	}
	return false
}

// countAtomMatches counts the atoms a pattern matches with its first atom
// (for one-atom patterns: RDKit's unique match count).
func (g *qGraph) countAtomMatches(p *smartsPattern) int {
	n := 0
	for i := range g.atoms {
		if g.matchAt(p, i) {
			n++
		}
	}
	return n
}

// countBondMatches counts the bonds matched by a two-atom pattern, each
// bond once whichever way round it matches (RDKit's unique matches).
// Panics if p does not have exactly two atoms (a programmer error).
func (g *qGraph) countBondMatches(p *smartsPattern) int {
	if len(p.atoms) != 2 {
		panic("chem: countBondMatches needs a two-atom pattern")
	}
	// match[i] bit 0: atom i matches the first pattern atom, bit 1: the
	// second; bit 2: computed
	g.pairMatch = descGrow(g.pairMatch, len(g.atoms))
	match := g.pairMatch
	clear(match)
	get := func(i int) uint8 {
		if match[i] == 0 {
			match[i] = 4
			if g.matchAtomExpr(p.atoms[0], i) {
				match[i] |= 1
			}
			if g.matchAtomExpr(p.atoms[1], i) {
				match[i] |= 2
			}
		}
		return match[i]
	}
	n := 0
	for i := range g.atoms {
		for ei := range g.nbrs(i) {
			ed := &g.adj[int(g.adjStart[i])+ei]
			j := int(ed.to)
			if j < i || !matchBondExpr(p.bonds[1], ed) {
				continue
			}
			mi, mj := get(i), get(j)
			if (mi&1 != 0 && mj&2 != 0) || (mj&1 != 0 && mi&2 != 0) {
				n++
			}
		}
	}
	return n
}

// descGrow returns s resized to n, reallocating only when its capacity is
// short (contents are not kept).
func descGrow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/2)
	}
	return s[:n]
}
