package chem

import (
	"fmt"
	"slices"
	"sync"
)

// Substructure is a compiled substructure query: a fragment, written as
// SMARTS (ParseSubstructure) or as SMILES (SubstructureFromSMILES), to look
// for in molecules with Matches. Create one with those functions (the zero
// value is not a query); it is immutable and safe for concurrent use.
type Substructure struct {
	src string
	pat *smartsPattern // atoms in matching order (see planPattern)
	// need lists elements the query's atoms require, with how many atoms of
	// each: a molecule with fewer is rejected before any search.
	need []elemNeed
	// parts is the number of disconnected parts of the query.
	parts int
}

// elemNeed is a lower bound on the atoms of one element a match needs.
type elemNeed struct {
	z int
	n int
}

// ParseSubstructure compiles a query written as SMARTS, with the semantics
// of RDKit 2022.09's Chem.MolFromSmarts(q) followed by
// mol.HasSubstructMatch(query) with default parameters: disconnected parts
// ('.') may match anywhere, in one component or several, but on distinct
// atoms; chirality marks are read and ignored (useChirality is false).
//
// Supported: bare and bracket atoms (any element symbol, aromatic b c n o p
// s si as se te, #n, *, a, A), H h D d X v R r x z Z with or without a
// number, isotopes, charges, [H] [2H] [H+] as hydrogen atoms, atom maps,
// recursive $(...), the operators ! & , ; on atoms and bonds, bonds - = #
// $ : ~ @ / \ (no bond written: single or aromatic), branches, ring
// closures (digits, %nn, %(n)) with a bond on either side, and '.'. The
// query ends at the first whitespace.
//
// Errors are *ParseError with the byte offset of the problem and one of
// the Err* categories: ErrEmpty for an empty query or one starting with
// whitespace (RDKit returns an empty query that matches everything);
// ErrSyntax, ErrBracket, ErrElement, ErrRing or ErrChirality for what
// RDKit rejects as well (component grouping "(C.C)", an unclosed ring
// bond, a ring bond on a single atom or doubling a bond, [C@?]); and
// ErrUnsupported for hybridization (^2), which RDKit accepts but this
// package does not evaluate, and for a query of more than 1000 atoms or
// with recursive patterns nested more than 64 deep.
// ParseSubstructure never panics.
func ParseSubstructure(smarts string) (*Substructure, error) {
	p, err := parseSMARTS(smarts)
	if err != nil {
		return nil, err
	}
	return compileQuery(smarts, p.atoms, patternEdges(p)), nil
}

// SubstructureFromSMILES compiles a query written as SMILES, a molecule
// drawn as a fragment, with the semantics of RDKit 2022.09's
// Chem.MolFromSmiles(q) followed by mol.HasSubstructMatch(query): the
// query is parsed and sanitized as Parse does (so C1=CC=CC=C1 is benzene
// and matches only aromatic rings), then a query atom matches a molecule
// atom of the same element (a dummy '*' only matches a dummy) with, where
// the query atom has one, the same charge, isotope and radical count, and
// in at least as many rings; hydrogen counts and aromaticity are not
// compared. A query bond matches a bond of the same order (aromatic,
// single, double...), or any bond when written '~'.
//
// Errors are those of Parse, and ErrUnsupported for a query of more than
// 1000 atoms (as for SMARTS): a *ParseError, never a panic.
func SubstructureFromSMILES(smiles string) (*Substructure, error) {
	m, err := Parse(smiles)
	if err != nil {
		return nil, err
	}
	if len(m.Atoms) > maxQueryAtoms {
		return nil, newError(ErrUnsupported, smiles, int(m.Atoms[maxQueryAtoms].Offset),
			fmt.Sprintf("more than %d atoms in a query", maxQueryAtoms))
	}
	atoms := make([]*atomExpr, len(m.Atoms))
	for i := range m.Atoms {
		atoms[i] = molAtomExpr(m, i)
	}
	edges := make([]queryEdge, len(m.Bonds))
	for k := range m.Bonds {
		b := &m.Bonds[k]
		e := &bondExpr{op: opPrim, prim: bondPrimOrder, order: b.Order}
		if b.Order == BondAny || b.Order == BondUnspecified {
			e = &bondExpr{op: opPrim, prim: bondPrimAny}
		}
		edges[k] = queryEdge{a: int(b.Begin), b: int(b.End), bond: e}
	}
	return compileQuery(smiles, atoms, edges), nil
}

// molAtomExpr is the query for atom i of a molecule used as a query, as
// RDKit's Atom::Match compares plain atoms.
func molAtomExpr(m *Mol, i int) *atomExpr {
	a := &m.Atoms[i]
	prim := func(k primKind, v int) *atomExpr { return &atomExpr{op: opPrim, prim: k, val: v} }
	kids := []*atomExpr{prim(primAtomicNum, int(a.Element))}
	if a.Element == 0 {
		if a.Isotope != 0 { // [1*] matches [*] and [1*]
			kids = append(kids, prim(primIsotopeOrNone, int(a.Isotope)))
		}
	} else {
		if a.Charge != 0 {
			kids = append(kids, prim(primCharge, int(a.Charge)))
		}
		if a.Isotope != 0 {
			kids = append(kids, prim(primIsotope, int(a.Isotope)))
		}
		if a.Radicals != 0 {
			kids = append(kids, prim(primRadicals, int(a.Radicals)))
		}
	}
	if rc := m.AtomRingCount(i); rc > 0 {
		kids = append(kids, prim(primMinRingCount, rc))
	}
	if len(kids) == 1 {
		return kids[0]
	}
	return &atomExpr{op: opAnd, kids: kids}
}

// String returns the query as it was written.
func (q *Substructure) String() string { return q.src }

// Matches reports whether m contains the query: whether every query atom
// can be mapped to its own atom of m, matching it, so that every query
// bond (ring closures included) joins the images of its atoms by a bond it
// matches. It only reads m and q, so it is safe for concurrent use.
func (q *Substructure) Matches(m *Mol) bool {
	if len(q.pat.atoms) > len(m.Atoms) {
		return false
	}
	if len(q.need) > 0 {
		var have [8]int // q.need has at most len(have) entries
		for i := range m.Atoms {
			z := int(m.Atoms[i].Element)
			for k := range q.need {
				if q.need[k].z == z {
					have[k]++
				}
			}
		}
		for k := range q.need {
			if have[k] < q.need[k].n {
				return false
			}
		}
	}
	g := qGraphPool.Get().(*qGraph)
	defer qGraphPool.Put(g)
	g.build(m, false)
	if q.parts > 1 && !g.atomsAssignable(q.pat) {
		return false
	}
	return g.matchAnywhere(q.pat)
}

// atomsAssignable reports whether every pattern atom can be given its own
// molecule atom that matches it (a bipartite matching, Kuhn's algorithm).
// That is necessary for a match; checking it first keeps the search from
// trying every arrangement of many small disconnected parts ("C.C.C...")
// over a molecule that has one atom too few for them.
func (g *qGraph) atomsAssignable(p *smartsPattern) bool {
	nq, nm := len(p.atoms), len(g.atoms)
	g.compat = descGrow(g.compat, nq*nm)
	for k := range nq {
		row := g.compat[k*nm : (k+1)*nm]
		for i := range nm {
			row[i] = int(g.adjStart[i+1]-g.adjStart[i]) >= p.degree[k] && g.matchAtomExpr(p.atoms[k], i)
		}
	}
	g.owner = descGrow(g.owner, nm)
	g.seen = descGrow(g.seen, nm)
	for i := range g.owner {
		g.owner[i] = -1
	}
	var augment func(k int) bool
	augment = func(k int) bool {
		row := g.compat[k*nm : (k+1)*nm]
		for i, ok := range row {
			if !ok || g.seen[i] {
				continue
			}
			g.seen[i] = true
			if g.owner[i] < 0 || augment(int(g.owner[i])) {
				g.owner[i] = int32(k)
				return true
			}
		}
		return false
	}
	for k := range nq {
		clear(g.seen)
		if !augment(k) {
			return false
		}
	}
	return true
}

var qGraphPool = sync.Pool{New: func() any { return new(qGraph) }}

// queryEdge is a query bond between atoms a and b.
type queryEdge struct {
	a, b int
	bond *bondExpr
}

// patternEdges lists the bonds of a parsed pattern.
func patternEdges(p *smartsPattern) []queryEdge {
	var edges []queryEdge
	for k := range p.atoms {
		if p.parent[k] >= 0 {
			edges = append(edges, queryEdge{a: p.parent[k], b: k, bond: p.bonds[k]})
		}
		if p.closures != nil {
			for _, c := range p.closures[k] {
				edges = append(edges, queryEdge{a: c.to, b: k, bond: c.bond})
			}
		}
	}
	return edges
}

// compileQuery builds a Substructure from query atoms and bonds.
func compileQuery(src string, atoms []*atomExpr, edges []queryEdge) *Substructure {
	q := &Substructure{src: src, pat: planPattern(src, atoms, edges)}
	for _, par := range q.pat.parent {
		if par < 0 {
			q.parts++
		}
	}
	counts := map[int]int{}
	for _, a := range atoms {
		if z := definiteElement(a); z >= 0 {
			counts[z]++
		}
	}
	for z, n := range counts {
		q.need = append(q.need, elemNeed{z: z, n: n})
	}
	// keep the rarest elements (fewest expected atoms) when there are many
	slices.SortFunc(q.need, func(a, b elemNeed) int {
		fa, fb := elementFreq(a.z, -1), elementFreq(b.z, -1)
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return a.z - b.z
	})
	if len(q.need) > 8 {
		q.need = q.need[:8]
	}
	return q
}

// definiteElement returns the atomic number every atom matching e has, or
// -1 when e allows several.
func definiteElement(e *atomExpr) int {
	switch e.op {
	case opPrim:
		switch e.prim {
		case primAtomicNum, primElemAliphatic, primElemAromatic:
			return e.val
		}
	case opAnd:
		for _, k := range e.kids {
			if z := definiteElement(k); z >= 0 {
				return z
			}
		}
	case opOr:
		z := -1
		for i, k := range e.kids {
			zk := definiteElement(k)
			if zk < 0 || i > 0 && zk != z {
				return -1
			}
			z = zk
		}
		return z
	}
	return -1
}

// planPattern orders the query atoms for the search: first the atom the
// fewest molecule atoms are expected to match (a rare element, a charge,
// many constraints; ties to the atom with most bonds), then repeatedly the
// unplaced atom with the most bonds to atoms already placed (so ring
// closures are checked as early as possible), the most selective first
// among those; a disconnected part starts again from its most selective
// atom.
func planPattern(src string, atoms []*atomExpr, edges []queryEdge) *smartsPattern {
	n := len(atoms)
	type half struct {
		to   int
		bond *bondExpr
	}
	adj := make([][]half, n)
	for _, e := range edges {
		adj[e.a] = append(adj[e.a], half{e.b, e.bond})
		adj[e.b] = append(adj[e.b], half{e.a, e.bond})
	}
	cost := make([]float64, n)
	for i, a := range atoms {
		cost[i] = atomFreq(a)
	}
	newIdx := make([]int, n)
	for i := range newIdx {
		newIdx[i] = -1
	}
	links := make([]int, n) // bonds to placed atoms
	p := &smartsPattern{
		src:    src,
		atoms:  make([]*atomExpr, 0, n),
		parent: make([]int, 0, n),
		bonds:  make([]*bondExpr, 0, n),
	}
	hasClosures := false
	closures := make([][]patBond, 0, n)
	for len(p.atoms) < n {
		best := -1
		better := func(i int) bool {
			switch {
			case best < 0:
				return true
			case links[i] != links[best]:
				return links[i] > links[best]
			case cost[i] != cost[best]:
				return cost[i] < cost[best]
			case len(adj[i]) != len(adj[best]):
				return len(adj[i]) > len(adj[best])
			}
			return false
		}
		for i := range n {
			if newIdx[i] < 0 && better(i) {
				best = i
			}
		}
		k := len(p.atoms)
		newIdx[best] = k
		parent := -1
		var bond *bondExpr
		var cl []patBond
		for _, h := range adj[best] {
			if j := newIdx[h.to]; j >= 0 {
				if parent < 0 {
					parent, bond = j, h.bond
				} else {
					cl = append(cl, patBond{to: j, bond: h.bond})
				}
			} else {
				links[h.to]++
			}
		}
		p.atoms = append(p.atoms, atoms[best])
		p.parent = append(p.parent, parent)
		p.bonds = append(p.bonds, bond)
		closures = append(closures, cl)
		hasClosures = hasClosures || len(cl) > 0
	}
	if hasClosures {
		p.closures = closures
	}
	p.setDegrees()
	return p
}

// atomFreq estimates the fraction of atoms of typical drug-like molecules
// that match e: a guide for the search order, not a statistic.
func atomFreq(e *atomExpr) float64 {
	switch e.op {
	case opNot:
		return max(0.05, 1-atomFreq(e.kids[0]))
	case opAnd:
		f := 1.0
		for _, k := range e.kids {
			f *= atomFreq(k)
		}
		return f
	case opOr:
		f := 0.0
		for _, k := range e.kids {
			f += atomFreq(k)
		}
		return min(f, 1)
	}
	switch e.prim {
	case primAny:
		return 1
	case primAromatic:
		return 0.4
	case primAliphatic:
		return 0.6
	case primAtomicNum:
		return elementFreq(e.val, -1)
	case primElemAliphatic:
		return elementFreq(e.val, 0)
	case primElemAromatic:
		return elementFreq(e.val, 1)
	case primCharge, primRadicals:
		if e.val == 0 {
			return 0.97
		}
		return 0.02
	case primIsotope:
		if e.val == 0 {
			return 0.99
		}
		return 0.001
	case primIsotopeOrNone:
		return 1
	case primRecursive:
		return 0.2
	case primRingCount, primRingSize, primRingBonds, primMinRingCount:
		return 0.5
	}
	return 0.3 // counts: H, h, D, d, X, v, z, Z
}

// elementFreq estimates the fraction of atoms that are element z (arom:
// 0 aliphatic, 1 aromatic, -1 either).
func elementFreq(z, arom int) float64 {
	var aliph, ar float64
	switch z {
	case 6:
		aliph, ar = 0.35, 0.35
	case 7:
		aliph, ar = 0.05, 0.03
	case 8:
		aliph, ar = 0.1, 0.005
	case 16:
		aliph, ar = 0.012, 0.005
	case 9, 17:
		aliph = 0.02
	case 35, 15:
		aliph = 0.004
	default:
		aliph, ar = 0.001, 0.0005
	}
	switch arom {
	case 0:
		return aliph
	case 1:
		return ar
	}
	return aliph + ar
}
