package chem

import (
	"fmt"
	"slices"
	"strings"
)

// This file holds the SMARTS parser behind the descriptor patterns (Crippen
// atom types, Lipinski donors and acceptors, rotatable bonds) and
// ParseSubstructure. It reads SMARTS as RDKit 2022.09's MolFromSmarts does:
//
//   - atoms: bare B C N O P S F Cl Br I b c n o p s * a A; in brackets any
//     element symbol (the organic subset B C N O P S F Cl Br I means the
//     aliphatic element, other symbols the element whatever its
//     aromaticity), aromatic b c n o p s si as se te, #n, *, a, A, H n,
//     h n, D n, d n, X n, v n, R n, r n, x n, z n, Z n, a leading or
//     standalone number (isotope), charges (+, ++, +n, -, --, -n), [H],
//     [2H], [H+] (a hydrogen atom), recursive $(...), atom maps (:n, which
//     do not constrain), chirality marks (@, @@, @TH1..., accepted and
//     ignored as RDKit ignores them by default when matching), and the
//     operators ! & , ; with their SMARTS precedence;
//   - bonds - = # $ : ~ @ / \ (directional bonds match single bonds) with
//     the same operators; no bond written means single or aromatic;
//   - branches, ring closures (digits, %nn, %(n) up to 5 digits, a bond
//     symbol on either side, the opening one winning when both are
//     written), and '.' between disconnected parts of a query.
//
// Rejected, as RDKit rejects them: component grouping "(C.C)", a ring
// closure that closes on its own atom or doubles a bond, [C@?], %0n.
// Rejected although RDKit accepts them (ErrUnsupported): hybridization ^n,
// more than 1000 atoms, recursive patterns nested more than 64 deep.
// Patterns end at the first whitespace, as RDKit reads them.

// primKind is one kind of atom primitive.
type primKind uint8

const (
	primAny             primKind = iota // *, and chirality marks (ignored)
	primAromatic                        // a
	primAliphatic                       // A
	primAtomicNum                       // #n, [H], and element symbols outside the organic subset
	primHCount                          // H n: total hydrogens, hydrogen atoms bonded as neighbours included
	primImplicitH                       // h n: hydrogens counted on the atom (n < 0: at least one)
	primDegree                          // D n: explicit connections
	primHeavyDegree                     // d n: connections to atoms other than hydrogen
	primTotalDeg                        // X n: connections including hydrogens
	primValence                         // v n: total valence
	primRingCount                       // R n (n < 0: in any ring)
	primRingSize                        // r n: in a smallest ring of size n (n < 0: in any ring)
	primRingBonds                       // x n: ring bonds on the atom (n < 0: at least one)
	primHeteroNbrs                      // z n: neighbours other than C and H (n < 0: at least one)
	primAliphHeteroNbrs                 // Z n: aliphatic neighbours other than C and H (n < 0: at least one)
	primCharge                          // formal charge n
	primIsotope                         // isotope n (0: none given)
	primRecursive                       // $(...)
	primElemAliphatic                   // an aliphatic element symbol: atomic number val, not aromatic
	primElemAromatic                    // an aromatic element symbol: atomic number val, aromatic

	// Primitives that only SubstructureFromSMILES builds (RDKit's
	// Atom::Match of a plain query atom).
	primRadicals      // radical electrons n
	primMinRingCount  // in at least n SSSR rings
	primIsotopeOrNone // isotope n, or no isotope (a dummy atom's rule)
)

// exprOp is a node kind in an atom or bond expression tree.
type exprOp uint8

const (
	opPrim exprOp = iota
	opNot
	opAnd
	opOr
)

// atomExpr is an atom expression tree.
type atomExpr struct {
	op   exprOp
	kids []*atomExpr
	prim primKind
	val  int
	rec  *smartsPattern
}

// bondPrim is one bond primitive.
type bondPrim uint8

const (
	bondPrimSingle bondPrim = iota
	bondPrimDouble
	bondPrimTriple
	bondPrimQuadruple
	bondPrimAromatic
	bondPrimAny
	bondPrimRing
	bondPrimDefault // no bond written: single or aromatic
	bondPrimOrder   // a plain SMILES query bond: this order (or an unspecified bond)
)

// bondExpr is a bond expression tree.
type bondExpr struct {
	op    exprOp
	kids  []*bondExpr
	prim  bondPrim
	order BondOrder // for bondPrimOrder
}

// patBond is a bond from a pattern atom to an earlier one.
type patBond struct {
	to   int
	bond *bondExpr
}

// smartsPattern is a parsed SMARTS pattern in a matching order: atom k > 0
// hangs from an earlier atom parent[k] by bonds[k], or starts a new
// disconnected part when parent[k] is -1 (then bonds[k] is nil); closures[k]
// lists the other bonds from atom k to earlier atoms (ring closures). As
// parsed the order is the written one; a Substructure reorders it.
type smartsPattern struct {
	src      string
	atoms    []*atomExpr
	parent   []int
	bonds    []*bondExpr
	closures [][]patBond // nil when the pattern has no ring closures
	// degree[k] is the number of bonds of atom k: it can only map to an
	// atom with at least as many neighbours.
	degree []int
}

// setDegrees fills p.degree from its bonds.
func (p *smartsPattern) setDegrees() {
	p.degree = make([]int, len(p.atoms))
	for k := range p.atoms {
		if j := p.parent[k]; j >= 0 {
			p.degree[j]++
			p.degree[k]++
		}
		if p.closures != nil {
			for _, c := range p.closures[k] {
				p.degree[c.to]++
				p.degree[k]++
			}
		}
	}
}

// numBonds returns the number of bonds of the pattern.
func (p *smartsPattern) numBonds() int {
	n := 0
	for k := range p.atoms {
		if p.parent[k] >= 0 {
			n++
		}
		if p.closures != nil {
			n += len(p.closures[k])
		}
	}
	return n
}

// smartsParser holds the state of one parse.
type smartsParser struct {
	src   string
	pos   int
	depth int // recursive patterns open at p.pos
}

// maxRecursionDepth bounds the nesting of recursive patterns $(...), which
// keeps parsing linear in the length of the query (real patterns nest two
// or three deep; RDKit has no limit).
const maxRecursionDepth = 64

// parseSMARTS parses a SMARTS pattern. It ends at the first whitespace;
// an empty pattern, or one starting with whitespace, is an ErrEmpty.
// Errors are *ParseError.
func parseSMARTS(src string) (*smartsPattern, error) {
	p := &smartsParser{src: src}
	end := strings.IndexAny(src, " \t\r\n")
	if end < 0 {
		end = len(src)
	}
	if end == 0 {
		if src == "" {
			return nil, p.errf(ErrEmpty, 0, "the query is empty: no atoms")
		}
		return nil, p.errf(ErrEmpty, 0, "the query starts with whitespace: no atoms before it")
	}
	return p.pattern(end)
}

// mustSMARTS parses a pattern known at compile time. Panics on a bad
// pattern (a programmer error).
func mustSMARTS(src string) *smartsPattern {
	p, err := parseSMARTS(src)
	if err != nil {
		panic("chem: " + err.Error())
	}
	return p
}

func (p *smartsParser) errf(kind error, pos int, format string, args ...any) *ParseError {
	return &ParseError{Input: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...), Kind: kind, smarts: true}
}

// token kinds the pattern loop remembers to check what may follow what.
type smartsTok uint8

const (
	tokStart smartsTok = iota
	tokAtom
	tokRing
	tokOpen  // '('
	tokClose // ')'
	tokBond
	tokDot
)

// openRing is a ring-closure number waiting for its partner.
type openRing struct {
	atom, pos int
	bond      *bondExpr // written at the opening, or nil
}

// pattern parses atoms and bonds from p.pos up to end (exclusive).
func (p *smartsParser) pattern(end int) (*smartsPattern, error) {
	pat := &smartsPattern{src: p.src[p.pos:end]}
	start := p.pos
	var stack []int // open branch points
	prev := -1      // atom the next atom or ring closure attaches to
	var pendingBond *bondExpr
	pendingPos := 0
	last, beforeBond := tokStart, tokStart
	rings := map[int]openRing{}
	// afterAtom reports whether an atom, a ring closure or a ')' came last.
	afterAtom := func(t smartsTok) bool { return t == tokAtom || t == tokRing || t == tokClose }
	for p.pos < end {
		c := p.src[p.pos]
		switch {
		case c == '(':
			if last == tokStart {
				return nil, p.errf(ErrSyntax, p.pos, "'(' before any atom: component grouping is not supported")
			}
			if !afterAtom(last) {
				return nil, p.errf(ErrSyntax, p.pos, "'(' must follow an atom")
			}
			stack = append(stack, prev)
			p.pos++
			last = tokOpen
		case c == ')':
			if len(stack) == 0 {
				return nil, p.errf(ErrSyntax, p.pos, "unmatched ')'")
			}
			if !afterAtom(last) {
				return nil, p.errf(ErrSyntax, p.pos, "')' must follow an atom")
			}
			prev = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			p.pos++
			last = tokClose
		case isBondChar(c):
			if !afterAtom(last) && last != tokOpen {
				if last == tokBond {
					return nil, p.errf(ErrSyntax, p.pos, "two bonds in a row")
				}
				return nil, p.errf(ErrSyntax, p.pos, "bond %q must follow an atom", c)
			}
			pendingPos = p.pos
			b, err := p.bondLow(end)
			if err != nil {
				return nil, err
			}
			pendingBond = b
			beforeBond, last = last, tokBond
		case c >= '0' && c <= '9' || c == '%':
			if !afterAtom(last) && (last != tokBond || !afterAtom(beforeBond)) {
				return nil, p.errf(ErrRing, p.pos, "ring-closure number must follow an atom")
			}
			at := p.pos
			n, err := p.ringNumber(end)
			if err != nil {
				return nil, err
			}
			if o, ok := rings[n]; ok {
				delete(rings, n)
				if err := pat.closeRing(p, o, prev, n, at, pendingBond); err != nil {
					return nil, err
				}
			} else {
				rings[n] = openRing{atom: prev, pos: at, bond: pendingBond}
			}
			pendingBond = nil
			last = tokRing
		case c == '.':
			if !afterAtom(last) {
				return nil, p.errf(ErrSyntax, p.pos, "'.' must follow an atom")
			}
			prev = -1
			p.pos++
			last = tokDot
		default:
			at := p.pos
			a, err := p.atom(end)
			if err != nil {
				return nil, err
			}
			pat.atoms = append(pat.atoms, a)
			pat.parent = append(pat.parent, prev)
			if prev >= 0 && pendingBond == nil {
				pendingBond = &bondExpr{op: opPrim, prim: bondPrimDefault}
			}
			pat.bonds = append(pat.bonds, pendingBond)
			if pat.closures != nil {
				pat.closures = append(pat.closures, nil)
			}
			if len(pat.atoms) > maxQueryAtoms {
				return nil, p.errf(ErrUnsupported, at, "more than %d atoms in a query", maxQueryAtoms)
			}
			pendingBond = nil
			prev = len(pat.atoms) - 1
			last = tokAtom
		}
	}
	switch {
	case len(pat.atoms) == 0:
		return nil, p.errf(ErrEmpty, start, "the query has no atoms")
	case last == tokBond:
		return nil, p.errf(ErrSyntax, pendingPos, "bond at the end of the query")
	case last == tokDot:
		return nil, p.errf(ErrSyntax, end-1, "'.' at the end of the query")
	case len(stack) > 0:
		return nil, p.errf(ErrSyntax, end, "unclosed branch: a '(' has no ')'")
	case len(rings) > 0:
		first := openRing{pos: end}
		num := 0
		for n, o := range rings {
			if o.pos <= first.pos {
				first, num = o, n
			}
		}
		return nil, p.errf(ErrRing, first.pos, "ring bond %d opened at offset %d is never closed", num, first.pos)
	}
	pat.setDegrees()
	return pat, nil
}

// maxQueryAtoms bounds the size of a query (RDKit has no such limit; a
// query this large is not a substructure anyone draws).
const maxQueryAtoms = 1000

// closeRing adds the ring-closure bond numbered n between atom o.atom and
// atom b; at is the offset of the closing number, bond the bond written
// before it (or nil).
func (pat *smartsPattern) closeRing(p *smartsParser, o openRing, b, n, at int, bond *bondExpr) error {
	a := o.atom
	if a == b {
		return p.errf(ErrRing, at, "ring bond %d closes on the atom that opened it at offset %d", n, o.pos)
	}
	// the bond is kept on the later atom of the two (a ring can close
	// after a branch, on an earlier atom than the one that opened it)
	a, b = min(a, b), max(a, b)
	if pat.parent[b] == a || pat.closures != nil && slices.ContainsFunc(pat.closures[b], func(c patBond) bool { return c.to == a }) {
		return p.errf(ErrRing, at, "ring bond %d duplicates a bond between the same two atoms", n)
	}
	switch {
	case o.bond != nil:
		bond = o.bond // RDKit keeps the bond written at the opening
	case bond == nil:
		bond = &bondExpr{op: opPrim, prim: bondPrimDefault}
	}
	if pat.closures == nil {
		pat.closures = make([][]patBond, len(pat.atoms))
	}
	pat.closures[b] = append(pat.closures[b], patBond{to: a, bond: bond})
	return nil
}

// ringNumber reads a ring-closure number: a digit, %nn (10 to 99) or
// %(n) with 1 to 5 digits.
func (p *smartsParser) ringNumber(end int) (int, error) {
	start := p.pos
	c := p.src[p.pos]
	if c != '%' {
		p.pos++
		return int(c - '0'), nil
	}
	if p.pos+1 < end && p.src[p.pos+1] == '(' {
		p.pos += 2
		n, digits := 0, 0
		for p.pos < end && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			n = n*10 + int(p.src[p.pos]-'0')
			digits++
			p.pos++
			if digits > 5 {
				return 0, p.errf(ErrRing, start, "ring number %%(...) has more than 5 digits")
			}
		}
		if digits == 0 || p.pos >= end || p.src[p.pos] != ')' {
			return 0, p.errf(ErrRing, start, "'%%(' must be followed by digits and ')'")
		}
		p.pos++
		return n, nil
	}
	if p.pos+2 >= end {
		return 0, p.errf(ErrRing, start, "'%%' must be followed by two digits")
	}
	d1, d2 := p.src[p.pos+1], p.src[p.pos+2]
	if d1 < '1' || d1 > '9' || d2 < '0' || d2 > '9' {
		return 0, p.errf(ErrRing, start, "'%%' must be followed by two digits, 10 to 99")
	}
	p.pos += 3
	return int(d1-'0')*10 + int(d2-'0'), nil
}

// bare atoms outside brackets.
var bareAtoms = []struct {
	sym  string
	num  int
	arom bool
}{
	{"Cl", 17, false}, {"Br", 35, false},
	{"B", 5, false}, {"C", 6, false}, {"N", 7, false}, {"O", 8, false},
	{"P", 15, false}, {"S", 16, false}, {"F", 9, false}, {"I", 53, false},
	{"b", 5, true}, {"c", 6, true}, {"n", 7, true}, {"o", 8, true},
	{"p", 15, true}, {"s", 16, true},
}

// elemExpr is the expression for an element symbol: atomic number and
// aromaticity.
func elemExpr(num int, arom bool) *atomExpr {
	if arom {
		return &atomExpr{op: opPrim, prim: primElemAromatic, val: num}
	}
	return &atomExpr{op: opPrim, prim: primElemAliphatic, val: num}
}

func (p *smartsParser) atom(end int) (*atomExpr, error) {
	c := p.src[p.pos]
	if c == '[' {
		return p.bracketAtom(end)
	}
	switch c {
	case '*':
		p.pos++
		return &atomExpr{op: opPrim, prim: primAny}, nil
	case 'a':
		p.pos++
		return &atomExpr{op: opPrim, prim: primAromatic}, nil
	case 'A':
		p.pos++
		return &atomExpr{op: opPrim, prim: primAliphatic}, nil
	}
	for _, b := range bareAtoms {
		if strings.HasPrefix(p.src[p.pos:end], b.sym) {
			p.pos += len(b.sym)
			return elemExpr(b.num, b.arom), nil
		}
	}
	if c == ']' {
		return nil, p.errf(ErrSyntax, p.pos, "unmatched ']'")
	}
	if isLetter(c) {
		return nil, p.errf(ErrElement, p.pos, "%q is not an atom outside brackets (write it in brackets, [%c])", c, c)
	}
	return nil, p.errf(ErrSyntax, p.pos, "unexpected %q", c)
}

// bracketAtom parses an atom in brackets, p.pos at its '['.
func (p *smartsParser) bracketAtom(end int) (*atomExpr, error) {
	open := p.pos
	close := p.matchBracket(end)
	if close < 0 {
		return nil, p.errf(ErrBracket, open, "'[' at offset %d is never closed", open)
	}
	p.pos++
	if p.pos == close {
		return nil, p.errf(ErrBracket, open, "empty bracket atom []")
	}
	if e, ok, err := p.hydrogenAtom(close); ok || err != nil {
		return e, err
	}
	e, err := p.lowAnd(close)
	if err != nil {
		return nil, err
	}
	if p.pos < close && p.src[p.pos] == ':' {
		if err := p.atomMap(close); err != nil {
			return nil, err
		}
	}
	if p.pos != close {
		return nil, p.errf(ErrBracket, p.pos, "unexpected %q in bracket atom", p.src[p.pos])
	}
	p.pos = close + 1
	return e, nil
}

// hydrogenAtom reads the bracket forms that mean a hydrogen atom rather
// than a hydrogen count: [H], [2H], [H+], [2H-2], each with an optional
// atom map. As in RDKit, a bracket starting like [H+ must be one of them.
func (p *smartsParser) hydrogenAtom(close int) (e *atomExpr, ok bool, err error) {
	start := p.pos
	iso, hasIso := p.number(close)
	i := p.pos
	p.pos = start
	if i >= close || p.src[i] != 'H' {
		return nil, false, nil
	}
	j := i + 1
	charged := j < close && (p.src[j] == '+' || p.src[j] == '-')
	if j < close && !charged && p.src[j] != ':' {
		return nil, false, nil // [H2], [HD1]...: a hydrogen count
	}
	kids := []*atomExpr{{op: opPrim, prim: primAtomicNum, val: 1}}
	if hasIso {
		kids = append(kids, &atomExpr{op: opPrim, prim: primIsotope, val: iso})
	}
	p.pos = j
	if charged {
		kids = append(kids, p.charge(close))
	}
	if p.pos < close && p.src[p.pos] == ':' {
		if err := p.atomMap(close); err != nil {
			return nil, false, err
		}
	}
	if p.pos != close {
		return nil, false, p.errf(ErrBracket, p.pos, "a hydrogen atom such as [H+] takes no other primitives (write [#1;...])")
	}
	p.pos = close + 1
	if len(kids) == 1 {
		return kids[0], true, nil
	}
	return &atomExpr{op: opAnd, kids: kids}, true, nil
}

// atomMap reads an atom map ":n" (p.pos at ':'), which does not constrain
// a match.
func (p *smartsParser) atomMap(close int) error {
	start := p.pos
	p.pos++
	if p.pos >= close || p.src[p.pos] < '0' || p.src[p.pos] > '9' {
		return p.errf(ErrBracket, start, "':' must be followed by an atom map number")
	}
	if p.src[p.pos] == '0' && p.pos+1 < close && p.src[p.pos+1] >= '0' && p.src[p.pos+1] <= '9' {
		return p.errf(ErrBracket, start, "an atom map number cannot start with 0")
	}
	p.number(close)
	return nil
}

// matchBracket returns the index of the ']' closing the '[' at p.pos,
// skipping nested recursive patterns, or -1.
func (p *smartsParser) matchBracket(end int) int {
	depth := 0
	for i := p.pos; i < end; i++ {
		switch p.src[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// lowAnd: orExpr (';' orExpr)*
func (p *smartsParser) lowAnd(end int) (*atomExpr, error) {
	first, err := p.orExpr(end)
	if err != nil {
		return nil, err
	}
	kids := []*atomExpr{first}
	for p.pos < end && p.src[p.pos] == ';' {
		p.pos++
		k, err := p.orExpr(end)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &atomExpr{op: opAnd, kids: cheapFirst(kids)}, nil
}

// cheapFirst orders the operands of a conjunction so that those without
// recursive patterns are tested first (the result is the same; recursive
// searches are the costly part).
func cheapFirst(kids []*atomExpr) []*atomExpr {
	slices.SortStableFunc(kids, func(a, b *atomExpr) int {
		ra, rb := hasRecursive(a), hasRecursive(b)
		switch {
		case ra == rb:
			return 0
		case rb:
			return -1
		}
		return 1
	})
	return kids
}

func hasRecursive(e *atomExpr) bool {
	if e.op == opPrim {
		return e.prim == primRecursive
	}
	for _, k := range e.kids {
		if hasRecursive(k) {
			return true
		}
	}
	return false
}

// orExpr: highAnd (',' highAnd)*
func (p *smartsParser) orExpr(end int) (*atomExpr, error) {
	first, err := p.highAnd(end)
	if err != nil {
		return nil, err
	}
	kids := []*atomExpr{first}
	for p.pos < end && p.src[p.pos] == ',' {
		p.pos++
		k, err := p.highAnd(end)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &atomExpr{op: opOr, kids: kids}, nil
}

// highAnd: unary ('&'? unary)*
func (p *smartsParser) highAnd(end int) (*atomExpr, error) {
	first, err := p.unary(end)
	if err != nil {
		return nil, err
	}
	kids := []*atomExpr{first}
	for p.pos < end {
		c := p.src[p.pos]
		if c == ',' || c == ';' || c == ':' {
			break
		}
		if c == '&' {
			p.pos++
		}
		k, err := p.unary(end)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &atomExpr{op: opAnd, kids: cheapFirst(kids)}, nil
}

func (p *smartsParser) unary(end int) (*atomExpr, error) {
	if p.pos >= end {
		return nil, p.errf(ErrBracket, p.pos, "missing atom primitive")
	}
	if p.src[p.pos] == '!' {
		p.pos++
		k, err := p.unary(end)
		if err != nil {
			return nil, err
		}
		return &atomExpr{op: opNot, kids: []*atomExpr{k}}, nil
	}
	return p.primitive(end)
}

// number reads an optional unsigned decimal number; ok reports whether
// there was one. As in RDKit's lexer a number starting with 0 is just 0
// ([*01] is isotope 0 and isotope 1). Values are capped at 100000, beyond
// anything a primitive can match.
func (p *smartsParser) number(end int) (n int, ok bool) {
	if p.pos < end && p.src[p.pos] == '0' {
		p.pos++
		return 0, true
	}
	for p.pos < end && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		n = min(n*10+int(p.src[p.pos]-'0'), 100000)
		ok = true
		p.pos++
	}
	return n, ok
}

// smartsOrganic are the element symbols that mean the aliphatic element in
// brackets (RDKit's AtomType query); other symbols mean the element with
// any aromaticity (AtomAtomicNum).
var smartsOrganic = map[string]bool{"B": true, "C": true, "N": true, "O": true, "P": true, "S": true, "F": true, "Cl": true, "Br": true, "I": true}

// smartsAromatic are the aromatic symbols RDKit's SMARTS reads in brackets.
var smartsAromatic = map[string]int{"b": 5, "c": 6, "n": 7, "o": 8, "p": 15, "s": 16, "si": 14, "as": 33, "se": 34, "te": 52}

// smartsNoSymbol lists elements whose symbols RDKit 2022.09's SMARTS lexer
// does not know ([Nh] is N with an implicit hydrogen).
var smartsNoSymbol = map[string]bool{"Nh": true, "Mc": true, "Ts": true, "Og": true}

// element reads an element symbol at p.pos, the longest one first as
// RDKit's lexer does ([Sc] is scandium, [Cs] caesium).
func (p *smartsParser) element(end int) (*atomExpr, bool) {
	rest := p.src[p.pos:end]
	for n := min(2, len(rest)); n >= 1; n-- {
		sym := rest[:n]
		if z, ok := smartsAromatic[sym]; ok {
			p.pos += n
			return elemExpr(z, true), true
		}
		if sym[0] < 'A' || sym[0] > 'Z' || sym == "H" || smartsNoSymbol[sym] {
			continue
		}
		if z, ok := AtomicNumber(sym); ok && z > 0 {
			p.pos += n
			if smartsOrganic[sym] {
				return elemExpr(z, false), true
			}
			return &atomExpr{op: opPrim, prim: primAtomicNum, val: z}, true
		}
	}
	return nil, false
}

func (p *smartsParser) primitive(end int) (*atomExpr, error) {
	start := p.pos
	c := p.src[p.pos]
	prim := func(k primKind, v int) *atomExpr { return &atomExpr{op: opPrim, prim: k, val: v} }
	if e, ok := p.element(end); ok {
		return e, nil
	}
	switch c {
	case '*':
		p.pos++
		return prim(primAny, 0), nil
	case 'a':
		p.pos++
		return prim(primAromatic, 0), nil
	case 'A':
		p.pos++
		return prim(primAliphatic, 0), nil
	case '#':
		p.pos++
		n, ok := p.number(end)
		if !ok {
			return nil, p.errf(ErrBracket, start, "'#' needs an atomic number")
		}
		return prim(primAtomicNum, n), nil
	case 'H', 'D', 'X', 'v', 'd':
		p.pos++
		n, ok := p.number(end)
		if !ok {
			n = 1
		}
		k := map[byte]primKind{'H': primHCount, 'D': primDegree, 'X': primTotalDeg, 'v': primValence, 'd': primHeavyDegree}[c]
		return prim(k, n), nil
	case 'R', 'r', 'x', 'h', 'z', 'Z':
		p.pos++
		n, ok := p.number(end)
		if !ok {
			n = -1 // R, r, x: in a ring; h, z, Z: at least one
		}
		k := map[byte]primKind{'R': primRingCount, 'r': primRingSize, 'x': primRingBonds, 'h': primImplicitH, 'z': primHeteroNbrs, 'Z': primAliphHeteroNbrs}[c]
		return prim(k, n), nil
	case '+', '-':
		return p.charge(end), nil
	case '@':
		return p.chirality(end)
	case '^':
		return nil, p.errf(ErrUnsupported, start, "hybridization queries (^) are not supported")
	case '$':
		return p.recursive(end)
	}
	if c >= '0' && c <= '9' {
		n, _ := p.number(end)
		return prim(primIsotope, n), nil
	}
	if isLetter(c) {
		return nil, p.errf(ErrElement, start, "unknown element or primitive %q in bracket atom", c)
	}
	return nil, p.errf(ErrBracket, start, "unexpected %q in bracket atom", c)
}

// charge reads a charge: + or - followed by a number, or by one more of
// the same sign (++ is +2; RDKit reads +++ as ++ and +).
func (p *smartsParser) charge(end int) *atomExpr {
	c := p.src[p.pos]
	p.pos++
	sign := 1
	if c == '-' {
		sign = -1
	}
	n, ok := p.number(end)
	if !ok {
		n = 1
		if p.pos < end && p.src[p.pos] == c {
			n = 2
			p.pos++
		}
	}
	return &atomExpr{op: opPrim, prim: primCharge, val: sign * n}
}

// chirality reads a chirality mark (@, @@, @TH1, @SP2...), which matching
// ignores as RDKit's HasSubstructMatch does by default (useChirality
// false).
func (p *smartsParser) chirality(end int) (*atomExpr, error) {
	start := p.pos
	p.pos++
	if p.pos < end && p.src[p.pos] == '@' {
		p.pos++
	} else if p.pos+1 < end {
		switch p.src[p.pos : p.pos+2] {
		case "TH", "AL", "SP", "TB", "OH":
			p.pos += 2
			p.number(end)
		}
	}
	if p.pos < end && p.src[p.pos] == '?' {
		return nil, p.errf(ErrChirality, start, "unspecified chirality '@?' is not supported")
	}
	return &atomExpr{op: opPrim, prim: primAny}, nil
}

// recursive reads a recursive pattern $(...), p.pos at '$'.
func (p *smartsParser) recursive(end int) (*atomExpr, error) {
	start := p.pos
	if p.pos+1 >= end || p.src[p.pos+1] != '(' {
		return nil, p.errf(ErrBracket, start, "'$' must open a recursive pattern '$('")
	}
	depth := 0
	close := -1
	for i := p.pos + 1; i < end && close < 0; i++ {
		switch p.src[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				close = i
			}
		}
	}
	if close < 0 {
		return nil, p.errf(ErrBracket, start, "recursive pattern '$(' is never closed")
	}
	if p.depth == maxRecursionDepth {
		return nil, p.errf(ErrUnsupported, start, "recursive patterns nested more than %d deep", maxRecursionDepth)
	}
	p.pos += 2
	p.depth++
	sub, err := p.pattern(close)
	p.depth--
	if err != nil {
		return nil, err
	}
	p.pos = close + 1
	return &atomExpr{op: opPrim, prim: primRecursive, rec: sub}, nil
}

func isBondChar(c byte) bool { return strings.IndexByte("-=#$:~@!&,;/\\", c) >= 0 }

// bondLow parses a bond expression: bondOr (';' bondOr)*.
func (p *smartsParser) bondLow(end int) (*bondExpr, error) {
	first, err := p.bondOr(end)
	if err != nil {
		return nil, err
	}
	kids := []*bondExpr{first}
	for p.pos < end && p.src[p.pos] == ';' {
		p.pos++
		k, err := p.bondOr(end)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &bondExpr{op: opAnd, kids: kids}, nil
}

func (p *smartsParser) bondOr(end int) (*bondExpr, error) {
	first, err := p.bondHigh(end)
	if err != nil {
		return nil, err
	}
	kids := []*bondExpr{first}
	for p.pos < end && p.src[p.pos] == ',' {
		p.pos++
		k, err := p.bondHigh(end)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &bondExpr{op: opOr, kids: kids}, nil
}

func (p *smartsParser) bondHigh(end int) (*bondExpr, error) {
	first, err := p.bondUnary(end)
	if err != nil {
		return nil, err
	}
	kids := []*bondExpr{first}
	for p.pos < end {
		c := p.src[p.pos]
		if c == '&' {
			p.pos++
		} else if !isBondChar(c) || c == ',' || c == ';' {
			break
		}
		k, err := p.bondUnary(end)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &bondExpr{op: opAnd, kids: kids}, nil
}

func (p *smartsParser) bondUnary(end int) (*bondExpr, error) {
	if p.pos >= end {
		return nil, p.errf(ErrSyntax, p.pos, "missing bond primitive")
	}
	c := p.src[p.pos]
	if c == '!' {
		p.pos++
		k, err := p.bondUnary(end)
		if err != nil {
			return nil, err
		}
		return &bondExpr{op: opNot, kids: []*bondExpr{k}}, nil
	}
	var k bondPrim
	switch c {
	case '-':
		k = bondPrimSingle
	case '=':
		k = bondPrimDouble
	case '#':
		k = bondPrimTriple
	case '$':
		k = bondPrimQuadruple
	case ':':
		k = bondPrimAromatic
	case '~':
		k = bondPrimAny
	case '@':
		k = bondPrimRing
	case '/', '\\':
		k = bondPrimSingle // directional bonds match as single bonds
		if p.pos+1 < end && p.src[p.pos+1] == '?' {
			return nil, p.errf(ErrUnsupported, p.pos, "directional bond %q? is not supported", c)
		}
	default:
		return nil, p.errf(ErrSyntax, p.pos, "unknown bond primitive %q", c)
	}
	p.pos++
	return &bondExpr{op: opPrim, prim: k}, nil
}
