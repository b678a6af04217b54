package chem

import (
	"fmt"
	"slices"
	"strings"
)

// This file holds a small SMARTS parser: enough of Daylight SMARTS for the
// descriptor patterns RDKit uses (Crippen atom types, Lipinski donors and
// acceptors, rotatable bonds). Supported: bracket and bare atoms, element
// symbols (aliphatic and aromatic), #n, *, a, A, H n, D n, X n, v n, R n,
// r n, x n, charges (+, -, +n, -n, ++), recursive $(...), the operators
// ! & , ; with their SMARTS precedence, branches, and the bond primitives
// - = # : ~ @ with the same operators. Ring closures, chirality and
// component grouping are not supported and are reported as errors.

// smartsError reports a SMARTS pattern that could not be parsed: the
// pattern, the byte offset of the problem and what is wrong there. (The
// patterns are the package's own; the type exists for tests and fuzzing.)
type smartsError struct {
	Pattern string
	Pos     int
	Msg     string
}

// Error describes the problem and where it is.
func (e *smartsError) Error() string {
	return fmt.Sprintf("SMARTS %q at offset %d: %s", e.Pattern, e.Pos, e.Msg)
}

// primKind is one kind of atom primitive.
type primKind uint8

const (
	primAny           primKind = iota // *
	primAromatic                      // a
	primAliphatic                     // A
	primAtomicNum                     // #n, or an element symbol together with primAromatic/primAliphatic
	primHCount                        // H n: total hydrogens, hydrogen atoms bonded as neighbours included
	primDegree                        // D n: explicit connections
	primTotalDeg                      // X n: connections including hydrogens
	primValence                       // v n: total valence
	primRingCount                     // R n (n < 0: in any ring)
	primRingSize                      // r n: in a smallest ring of size n (n < 0: in any ring)
	primRingBonds                     // x n: ring bonds on the atom
	primCharge                        // formal charge n
	primRecursive                     // $(...)
	primElemAliphatic                 // an aliphatic element symbol: atomic number val, not aromatic
	primElemAromatic                  // an aromatic element symbol: atomic number val, aromatic
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
	bondPrimAromatic
	bondPrimAny
	bondPrimRing
	bondPrimDefault // no bond written: single or aromatic
)

// bondExpr is a bond expression tree.
type bondExpr struct {
	op   exprOp
	kids []*bondExpr
	prim bondPrim
}

// smartsPattern is a parsed SMARTS pattern: a tree of atoms in written
// (depth-first) order; atom i > 0 hangs from parent[i] by bonds[i].
type smartsPattern struct {
	src    string
	atoms  []*atomExpr
	parent []int
	bonds  []*bondExpr
}

// smartsParser holds the state of one parse.
type smartsParser struct {
	src string
	pos int
}

// parseSMARTS parses a SMARTS pattern.
func parseSMARTS(src string) (*smartsPattern, error) {
	p := &smartsParser{src: src}
	pat, err := p.pattern(len(src))
	if err != nil {
		return nil, err
	}
	return pat, nil
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

func (p *smartsParser) errf(pos int, format string, args ...any) error {
	return &smartsError{Pattern: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// pattern parses atoms and bonds up to end (exclusive).
func (p *smartsParser) pattern(end int) (*smartsPattern, error) {
	pat := &smartsPattern{src: p.src[p.pos:end]}
	var stack []int // open branch points
	prev := -1
	var pendingBond *bondExpr
	for p.pos < end {
		c := p.src[p.pos]
		switch {
		case c == '(':
			if prev < 0 {
				return nil, p.errf(p.pos, "branch opened before any atom")
			}
			if pendingBond != nil {
				return nil, p.errf(p.pos, "bond before a branch")
			}
			stack = append(stack, prev)
			p.pos++
		case c == ')':
			if len(stack) == 0 {
				return nil, p.errf(p.pos, "unmatched ')'")
			}
			if pendingBond != nil {
				return nil, p.errf(p.pos, "bond without a following atom")
			}
			prev = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			p.pos++
		case strings.IndexByte("-=#:~@!&,;/\\", c) >= 0:
			if prev < 0 {
				return nil, p.errf(p.pos, "bond before any atom")
			}
			if pendingBond != nil {
				return nil, p.errf(p.pos, "two bonds in a row")
			}
			b, err := p.bondExpression(end)
			if err != nil {
				return nil, err
			}
			pendingBond = b
		case c >= '0' && c <= '9' || c == '%':
			return nil, p.errf(p.pos, "ring closures are not supported")
		case c == '.':
			return nil, p.errf(p.pos, "disconnected patterns are not supported")
		default:
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
			pendingBond = nil
			prev = len(pat.atoms) - 1
		}
	}
	if len(stack) > 0 {
		return nil, p.errf(end, "unclosed branch")
	}
	if pendingBond != nil {
		return nil, p.errf(end, "bond without a following atom")
	}
	if len(pat.atoms) == 0 {
		return nil, p.errf(p.pos, "empty pattern")
	}
	return pat, nil
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
		close := p.matchBracket(end)
		if close < 0 {
			return nil, p.errf(p.pos, "unclosed '['")
		}
		p.pos++
		e, err := p.lowAnd(close)
		if err != nil {
			return nil, err
		}
		if p.pos != close {
			return nil, p.errf(p.pos, "unexpected %q in bracket atom", p.src[p.pos])
		}
		p.pos = close + 1
		return e, nil
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
	return nil, p.errf(p.pos, "unexpected %q", c)
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
		if c == ',' || c == ';' {
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
		return nil, p.errf(p.pos, "missing atom primitive")
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
// there was one.
func (p *smartsParser) number(end int) (n int, ok bool) {
	for p.pos < end && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		n = n*10 + int(p.src[p.pos]-'0')
		ok = true
		p.pos++
		if n > 1000 {
			n = 1000
		}
	}
	return n, ok
}

// bracketElements are element symbols recognised in brackets, two-letter
// symbols first so that "Cl" is not read as C followed by l.
var bracketElements = []struct {
	sym  string
	num  int
	arom bool
}{
	{"Cl", 17, false}, {"Br", 35, false}, {"Si", 14, false}, {"Se", 34, false},
	{"Na", 11, false}, {"Li", 3, false}, {"Mg", 12, false}, {"Al", 13, false},
	{"Ca", 20, false}, {"Zn", 30, false}, {"Fe", 26, false}, {"Cu", 29, false},
	{"As", 33, false}, {"Te", 52, false}, {"Sn", 50, false}, {"Ge", 32, false},
	{"se", 34, true}, {"as", 33, true}, {"te", 52, true},
	{"B", 5, false}, {"C", 6, false}, {"N", 7, false}, {"O", 8, false},
	{"P", 15, false}, {"S", 16, false}, {"F", 9, false}, {"I", 53, false},
	{"K", 19, false},
	{"b", 5, true}, {"c", 6, true}, {"n", 7, true}, {"o", 8, true},
	{"p", 15, true}, {"s", 16, true},
}

func (p *smartsParser) primitive(end int) (*atomExpr, error) {
	start := p.pos
	c := p.src[p.pos]
	prim := func(k primKind, v int) *atomExpr { return &atomExpr{op: opPrim, prim: k, val: v} }
	switch c {
	case '*':
		p.pos++
		return prim(primAny, 0), nil
	case 'a':
		if !strings.HasPrefix(p.src[p.pos:end], "as") {
			p.pos++
			return prim(primAromatic, 0), nil
		}
	case 'A':
		if !strings.HasPrefix(p.src[p.pos:end], "Al") && !strings.HasPrefix(p.src[p.pos:end], "As") {
			p.pos++
			return prim(primAliphatic, 0), nil
		}
	case '#':
		p.pos++
		n, ok := p.number(end)
		if !ok {
			return nil, p.errf(start, "'#' needs an atomic number")
		}
		return prim(primAtomicNum, n), nil
	case 'H', 'D', 'X', 'v', 'x':
		p.pos++
		n, ok := p.number(end)
		if !ok {
			n = 1
		}
		k := map[byte]primKind{'H': primHCount, 'D': primDegree, 'X': primTotalDeg, 'v': primValence, 'x': primRingBonds}[c]
		return prim(k, n), nil
	case 'R', 'r':
		p.pos++
		n, ok := p.number(end)
		if !ok {
			n = -1
		}
		if c == 'R' {
			return prim(primRingCount, n), nil
		}
		return prim(primRingSize, n), nil
	case '+', '-':
		p.pos++
		sign := 1
		if c == '-' {
			sign = -1
		}
		n, ok := p.number(end)
		if !ok {
			n = 1
			for p.pos < end && p.src[p.pos] == c {
				n++
				p.pos++
			}
		}
		return prim(primCharge, sign*n), nil
	case '$':
		if p.pos+1 >= end || p.src[p.pos+1] != '(' {
			return nil, p.errf(start, "'$' must open a recursive pattern '$('")
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
			return nil, p.errf(start, "unclosed recursive pattern")
		}
		p.pos += 2
		sub, err := p.pattern(close)
		if err != nil {
			return nil, err
		}
		p.pos = close + 1
		return &atomExpr{op: opPrim, prim: primRecursive, rec: sub}, nil
	}
	for _, e := range bracketElements {
		if strings.HasPrefix(p.src[p.pos:end], e.sym) {
			p.pos += len(e.sym)
			return elemExpr(e.num, e.arom), nil
		}
	}
	return nil, p.errf(start, "unknown atom primitive %q", c)
}

// bondExpression parses a bond expression (operators as for atoms).
func (p *smartsParser) bondExpression(end int) (*bondExpr, error) {
	return p.bondLow(end)
}

func isBondChar(c byte) bool { return strings.IndexByte("-=#:~@!&,;/\\", c) >= 0 }

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
		return nil, p.errf(p.pos, "missing bond primitive")
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
	case ':':
		k = bondPrimAromatic
	case '~':
		k = bondPrimAny
	case '@':
		k = bondPrimRing
	case '/', '\\':
		k = bondPrimSingle // directional bonds match as single bonds
	default:
		return nil, p.errf(p.pos, "unknown bond primitive %q", c)
	}
	p.pos++
	return &bondExpr{op: opPrim, prim: k}, nil
}
