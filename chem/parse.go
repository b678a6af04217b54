package chem

import (
	"strconv"
	"sync"
)

// Parse reads one SMILES string and returns the sanitized molecule, as
// RDKit's Chem.MolFromSmiles would: hydrogens counted, hydrogen atoms that
// RDKit would remove merged into their neighbour, nitro-like groups
// charge-separated, valences checked, rings found, aromatic input
// kekulized and aromaticity perceived again with RDKit's model. The SMILES
// ends at the first whitespace (the rest is a name, as RDKit reads it).
//
// Errors are *ParseError values that wrap one of the Err* categories. Parse
// never panics and its work is bounded by a polynomial in the input length.
func Parse(smiles string) (*Mol, error) {
	p := parserPool.Get().(*parser)
	defer parserPool.Put(p)
	p.reset(smiles)
	if err := p.parse(); err != nil {
		return nil, err
	}
	m := p.build()
	if err := sanitize(m, p); err != nil {
		return nil, err
	}
	return m, nil
}

var parserPool = sync.Pool{New: func() any { return new(parser) }}

// bondSpec is a bond symbol as written.
type bondSpec struct {
	order BondOrder // BondUnspecified when no symbol was written
	dir   BondDir
	pos   int32 // offset of the symbol, -1 when none
	set   bool
}

// ringOpen is a ring-closure number waiting for its partner.
type ringOpen struct {
	num  int
	atom int32
	spec bondSpec
	pos  int32
}

// parser holds the scratch state of one Parse call; it is pooled.
type parser struct {
	s       string
	n       int // length of the SMILES proper (up to the first whitespace)
	atoms   []Atom
	bonds   []Bond
	keys    [][2]int32 // per bond: neighbour-order key at Begin and at End
	ringNum []int32    // per bond: ring-closure number, -1 for chain bonds
	open    []ringOpen
	stack   []int32
	keys2   [][2]int32
	order   []int32
	// sanitization scratch
	scratch sanitizeScratch
}

func (p *parser) reset(s string) {
	p.s = s
	p.atoms = p.atoms[:0]
	p.bonds = p.bonds[:0]
	p.keys = p.keys[:0]
	p.ringNum = p.ringNum[:0]
	p.open = p.open[:0]
	p.stack = p.stack[:0]
}

func (p *parser) fail(kind error, pos int, msg string) error {
	return newError(kind, p.s, pos, msg)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func (p *parser) parse() error {
	s := p.s
	n := len(s)
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			n = i
			break
		}
	}
	p.n = n
	if n == 0 {
		if len(s) == 0 {
			return p.fail(ErrEmpty, 0, "the SMILES is empty: no atoms")
		}
		return p.fail(ErrEmpty, 0, "the SMILES starts with whitespace: no atoms before it")
	}
	prev := int32(-1)
	var bond bondSpec
	afterParen := false // just after '(' (a bond may follow, nothing else but an atom)
	dotPos := -1        // offset of a '.' not yet followed by an atom
	for i := 0; i < n; {
		c := s[i]
		switch {
		case c == '[' || c == '*' || isLetter(c):
			idx, next, err := p.atom(i)
			if err != nil {
				return err
			}
			if prev >= 0 {
				p.addBond(prev, idx, bond, int32(i), -1, int32(i))
			} else if bond.set {
				return p.fail(ErrSyntax, int(bond.pos), "bond symbol '"+string(s[bond.pos])+"'"+at(int(bond.pos))+" has no atom before it")
			}
			prev = idx
			bond = bondSpec{}
			afterParen = false
			dotPos = -1
			i = next
		case c == '-' || c == '=' || c == '#' || c == '$' || c == ':' || c == '/' || c == '\\' || c == '~':
			if prev < 0 {
				return p.fail(ErrSyntax, i, "bond symbol '"+string(c)+"'"+at(i)+" has no atom before it")
			}
			if bond.set {
				return p.fail(ErrSyntax, i, "bond symbol '"+string(c)+"'"+at(i)+" follows another bond symbol")
			}
			bond = bondSpec{pos: int32(i), set: true}
			switch c {
			case '-':
				bond.order = BondSingle
			case '=':
				bond.order = BondDouble
			case '#':
				bond.order = BondTriple
			case '$':
				bond.order = BondQuadruple
			case ':':
				bond.order = BondAromatic
			case '~':
				bond.order = BondAny
			case '/': // order left implicit: aromatic between aromatic atoms
				bond.order, bond.dir = BondUnspecified, DirUp
			case '\\':
				bond.order, bond.dir = BondUnspecified, DirDown
			}
			i++
		case c == '(':
			if prev < 0 {
				return p.fail(ErrSyntax, i, "branch '('"+at(i)+" opens before any atom")
			}
			if bond.set {
				return p.fail(ErrSyntax, i, "branch '('"+at(i)+" follows a bond symbol; write the bond inside the branch")
			}
			if afterParen {
				return p.fail(ErrSyntax, i, "branch '('"+at(i)+" opens directly inside another branch")
			}
			p.stack = append(p.stack, prev, int32(i))
			afterParen = true
			i++
		case c == ')':
			if len(p.stack) == 0 {
				return p.fail(ErrSyntax, i, "')'"+at(i)+" closes no open branch")
			}
			if bond.set {
				return p.fail(ErrSyntax, int(bond.pos), "bond symbol"+at(int(bond.pos))+" has no atom after it")
			}
			if afterParen {
				return p.fail(ErrSyntax, i, "empty branch '()'"+at(i-1))
			}
			if dotPos >= 0 {
				return p.fail(ErrSyntax, dotPos, "'.'"+at(dotPos)+" has no atom after it")
			}
			prev = p.stack[len(p.stack)-2]
			p.stack = p.stack[:len(p.stack)-2]
			i++
		case c == '.':
			if prev < 0 || afterParen {
				return p.fail(ErrSyntax, i, "'.'"+at(i)+" has no atom before it")
			}
			if bond.set {
				return p.fail(ErrSyntax, int(bond.pos), "bond symbol"+at(int(bond.pos))+" has no atom after it")
			}
			prev = -1
			dotPos = i
			i++
		case c >= '0' && c <= '9' || c == '%':
			if prev < 0 || afterParen {
				return p.fail(ErrRing, i, "ring-closure number"+at(i)+" has no atom before it")
			}
			num, next, err := p.ringNumber(i)
			if err != nil {
				return err
			}
			if err := p.ringClosure(num, prev, bond, i); err != nil {
				return err
			}
			bond = bondSpec{}
			i = next
		default:
			return p.fail(ErrSyntax, i, describeByte(c)+at(i)+" is not allowed in SMILES")
		}
	}
	if bond.set {
		return p.fail(ErrSyntax, int(bond.pos), "bond symbol '"+string(s[bond.pos])+"'"+at(int(bond.pos))+" has no atom after it")
	}
	if dotPos >= 0 {
		return p.fail(ErrSyntax, dotPos, "'.'"+at(dotPos)+" has no atom after it")
	}
	if len(p.stack) > 0 {
		pos := int(p.stack[len(p.stack)-1])
		return p.fail(ErrSyntax, pos, "branch '('"+at(pos)+" is never closed")
	}
	if len(p.open) > 0 {
		o := p.open[0]
		for _, r := range p.open[1:] {
			if r.pos < o.pos {
				o = r
			}
		}
		return p.fail(ErrRing, int(o.pos), "ring bond "+strconv.Itoa(o.num)+" opened"+at(int(o.pos))+" is never closed")
	}
	if len(p.atoms) > 1<<20 {
		return p.fail(ErrSyntax, 0, "too many atoms (more than 1048576)")
	}
	return nil
}

// describeByte names a byte for messages: "character '!'" or "non-ASCII
// byte 0xc3".
func describeByte(c byte) string {
	if c >= 0x80 || c < 0x20 {
		return "byte 0x" + strconv.FormatUint(uint64(c), 16)
	}
	return "character " + strconv.QuoteRune(rune(c))
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// addBond appends a bond and the neighbour-order keys of its two ends.
func (p *parser) addBond(begin, end int32, spec bondSpec, keyBegin, keyEnd, offset int32) {
	b := Bond{Begin: begin, End: end, Order: spec.order, Dir: spec.dir, Offset: offset}
	if spec.pos >= 0 && spec.set {
		b.Offset = spec.pos
	}
	p.bonds = append(p.bonds, b)
	p.keys = append(p.keys, [2]int32{keyBegin, keyEnd})
	p.ringNum = append(p.ringNum, -1)
}

// ringNumber reads a ring-closure number: a digit, %nn or %(n...).
func (p *parser) ringNumber(i int) (num, next int, err error) {
	s := p.s[:p.n]
	if s[i] != '%' {
		return int(s[i] - '0'), i + 1, nil
	}
	if i+1 < len(s) && s[i+1] == '(' {
		j := i + 2
		for j < len(s) && isDigit(s[j]) && j-i-2 < 5 {
			num = num*10 + int(s[j]-'0')
			j++
		}
		if j == i+2 || j >= len(s) || s[j] != ')' {
			return 0, 0, p.fail(ErrRing, i, "'%('"+at(i)+" must be followed by a ring number and ')'")
		}
		return num, j + 1, nil
	}
	if i+2 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) {
		return int(s[i+1]-'0')*10 + int(s[i+2]-'0'), i + 3, nil
	}
	return 0, 0, p.fail(ErrRing, i, "'%'"+at(i)+" must be followed by exactly two digits")
}

func (p *parser) ringClosure(num int, atom int32, spec bondSpec, pos int) error {
	for k := range p.open {
		o := p.open[k]
		if o.num != num {
			continue
		}
		if o.atom == atom {
			return p.fail(ErrRing, pos, "ring bond "+strconv.Itoa(num)+at(pos)+" closes on the atom that opened it")
		}
		if p.bonded(o.atom, atom) {
			return p.fail(ErrRing, pos, "ring bond "+strconv.Itoa(num)+at(pos)+" duplicates the bond between the atoms"+
				at(int(p.atoms[o.atom].Offset))+" and"+at(int(p.atoms[atom].Offset)))
		}
		// The bond symbol may be written on either side. As RDKit does, the
		// first specification wins (C=1CC#1 keeps the double bond), and a
		// direction missing there is taken from the other side.
		flip := func(d BondDir) BondDir {
			switch d {
			case DirUp:
				return DirDown
			case DirDown:
				return DirUp
			}
			return d
		}
		use := o.spec
		if !use.set {
			// a direction written at the closing atom points from it to
			// the opening atom (the bond's Begin): flip it.
			use = spec
			use.dir = flip(spec.dir)
		} else if use.dir == DirNone && spec.set && spec.dir != DirNone {
			use.dir = flip(spec.dir)
		}
		if use.order == BondAny {
			// RDKit gives a '~' ring closure the implicit order (single,
			// or aromatic between aromatic atoms)
			use.order = BondUnspecified
		}
		p.addBond(o.atom, atom, use, o.pos, int32(pos), int32(pos))
		p.ringNum[len(p.ringNum)-1] = int32(num)
		if !use.set {
			p.bonds[len(p.bonds)-1].Offset = int32(pos)
		}
		p.open[k] = p.open[len(p.open)-1]
		p.open = p.open[:len(p.open)-1]
		return nil
	}
	p.open = append(p.open, ringOpen{num: num, atom: atom, spec: spec, pos: int32(pos)})
	return nil
}

func (p *parser) bonded(a, b int32) bool {
	for i := range p.bonds {
		x, y := p.bonds[i].Begin, p.bonds[i].End
		if x == a && y == b || x == b && y == a {
			return true
		}
	}
	return false
}

// atom reads an organic-subset or bracket atom at i and appends it.
func (p *parser) atom(i int) (int32, int, error) {
	s := p.s[:p.n]
	a := Atom{Offset: int32(i)}
	next := i + 1
	switch c := s[i]; c {
	case '[':
		return p.bracketAtom(i)
	case '*':
		a.Element = 0
	case 'B':
		a.Element = 5
		if i+1 < len(s) && s[i+1] == 'r' {
			a.Element, next = 35, i+2
		}
	case 'C':
		a.Element = 6
		if i+1 < len(s) && s[i+1] == 'l' {
			a.Element, next = 17, i+2
		}
	case 'N':
		a.Element = 7
	case 'O':
		a.Element = 8
	case 'P':
		a.Element = 15
	case 'S':
		a.Element = 16
	case 'F':
		a.Element = 9
	case 'I':
		a.Element = 53
	case 'b':
		a.Element, a.Aromatic = 5, true
	case 'c':
		a.Element, a.Aromatic = 6, true
	case 'n':
		a.Element, a.Aromatic = 7, true
	case 'o':
		a.Element, a.Aromatic = 8, true
	case 'p':
		a.Element, a.Aromatic = 15, true
	case 's':
		a.Element, a.Aromatic = 16, true
	default:
		if i > 0 && isLetter(s[i-1]) {
			if _, ok := AtomicNumber(s[i-1 : i+1]); ok && c >= 'a' {
				return 0, 0, p.fail(ErrElement, i-1, s[i-1:i+1]+at(i-1)+" must be written in brackets, as ["+s[i-1:i+1]+"]")
			}
		}
		if i > 0 && c == 'l' && s[i-1] == 'c' {
			return 0, 0, p.fail(ErrElement, i-1, "'cl' at offset "+strconv.Itoa(i-1)+" is not an element symbol: chlorine is written Cl (never aromatic)")
		}
		if _, ok := AtomicNumber(string(c)); ok && c <= 'Z' {
			return 0, 0, p.fail(ErrElement, i, string(c)+at(i)+" must be written in brackets, as ["+string(c)+"]")
		}
		return 0, 0, p.fail(ErrElement, i, "'"+string(c)+"'"+at(i)+" is not an element symbol")
	}
	p.atoms = append(p.atoms, a)
	return int32(len(p.atoms) - 1), next, nil
}

func (p *parser) bracketAtom(start int) (int32, int, error) {
	s := p.s[:p.n]
	a := Atom{Offset: int32(start), Bracket: true}
	unclosed := func() error {
		return p.fail(ErrBracket, start, "bracket atom '['"+at(start)+" is never closed")
	}
	j := start + 1
	// isotope
	iso := 0
	for j < len(s) && isDigit(s[j]) {
		if iso > 9999 {
			return 0, 0, p.fail(ErrBracket, j, "isotope"+at(start+1)+" is too large")
		}
		iso = iso*10 + int(s[j]-'0')
		j++
	}
	a.Isotope = uint16(iso)
	if j >= len(s) {
		return 0, 0, unclosed()
	}
	// element symbol
	c := s[j]
	switch {
	case c == '*':
		a.Element = 0
		j++
	case c >= 'A' && c <= 'Z':
		if j+1 < len(s) && s[j+1] >= 'a' && s[j+1] <= 'z' {
			if z, ok := AtomicNumber(s[j : j+2]); ok {
				a.Element = uint8(z)
				j += 2
				break
			}
		}
		z, ok := AtomicNumber(s[j : j+1])
		if !ok {
			sym := s[j : j+1]
			if j+1 < len(s) && s[j+1] >= 'a' && s[j+1] <= 'z' {
				sym = s[j : j+2]
			}
			return 0, 0, p.fail(ErrElement, j, "unknown element symbol '"+sym+"'"+at(j))
		}
		a.Element = uint8(z)
		j++
	case c >= 'a' && c <= 'z':
		a.Aromatic = true
		if j+1 < len(s) {
			switch s[j : j+2] {
			case "se":
				a.Element, j = 34, j+2
			case "as":
				a.Element, j = 33, j+2
			case "te":
				a.Element, j = 52, j+2
			}
		}
		if a.Element == 0 {
			switch c {
			case 'b':
				a.Element = 5
			case 'c':
				a.Element = 6
			case 'n':
				a.Element = 7
			case 'o':
				a.Element = 8
			case 'p':
				a.Element = 15
			case 's':
				a.Element = 16
			default:
				return 0, 0, p.fail(ErrElement, j, "'"+string(c)+"'"+at(j)+" is not an aromatic element symbol")
			}
			j++
		}
	case c == ']':
		return 0, 0, p.fail(ErrBracket, start, "bracket atom"+at(start)+" has no element symbol")
	default:
		return 0, 0, p.fail(ErrBracket, j, describeByte(c)+at(j)+" is not an element symbol")
	}
	// chirality
	if j < len(s) && s[j] == '@' {
		j++
		a.Chiral = ChiralCCW
		if j < len(s) && s[j] == '@' {
			a.Chiral = ChiralCW
			j++
			if j < len(s) && s[j] == '@' {
				return 0, 0, p.fail(ErrChirality, j, "too many '@'"+at(j)+": write @ or @@")
			}
		} else if j+1 < len(s) && isUpper(s[j]) && isUpper(s[j+1]) && s[j] != 'H' {
			class := s[j : j+2]
			k := j + 2
			num := 0
			for k < len(s) && isDigit(s[k]) && k-j < 5 {
				num = num*10 + int(s[k]-'0')
				k++
			}
			limit := map[string]int{"TH": 2, "AL": 2, "SP": 3, "TB": 20, "OH": 30}[class]
			if limit == 0 {
				return 0, 0, p.fail(ErrChirality, j-1, "unknown chirality class @"+class+at(j-1))
			}
			if num < 1 || num > limit {
				return 0, 0, p.fail(ErrChirality, j-1, "chirality @"+s[j:k]+at(j-1)+" is not valid: @"+class+" takes 1 to "+strconv.Itoa(limit))
			}
			switch {
			case class == "TH" && num == 1:
				a.Chiral = ChiralCCW
			case class == "TH" && num == 2:
				a.Chiral = ChiralCW
			default:
				// allene, square-planar, trigonal-bipyramidal and
				// octahedral marks are accepted and not kept
				a.Chiral = ChiralNone
			}
			j = k
		}
	}
	// hydrogen count
	if j < len(s) && s[j] == 'H' {
		j++
		h := 1
		if j < len(s) && isDigit(s[j]) {
			h = int(s[j] - '0')
			j++
		}
		a.ExplicitH = uint8(h)
	}
	// charge
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		sign := s[j]
		j++
		q := 1
		if j < len(s) && isDigit(s[j]) {
			q = int(s[j] - '0')
			j++
			if j < len(s) && isDigit(s[j]) {
				q = q*10 + int(s[j]-'0')
				j++
			}
		} else {
			for j < len(s) && s[j] == sign && q < 15 {
				q++
				j++
			}
		}
		if sign == '-' {
			q = -q
		}
		a.Charge = int8(q)
	}
	// atom class
	if j < len(s) && s[j] == ':' {
		j++
		k := j
		cl := uint64(0)
		for j < len(s) && isDigit(s[j]) {
			cl = cl*10 + uint64(s[j]-'0')
			if cl > 1<<31 {
				return 0, 0, p.fail(ErrBracket, k, "atom class"+at(k)+" is too large")
			}
			j++
		}
		if j == k {
			return 0, 0, p.fail(ErrBracket, k-1, "atom class ':'"+at(k-1)+" has no number")
		}
		a.Class = uint32(cl)
	}
	if j >= len(s) {
		return 0, 0, unclosed()
	}
	if s[j] != ']' {
		return 0, 0, p.fail(ErrBracket, j, describeByte(s[j])+at(j)+" is not allowed in the bracket atom"+at(start))
	}
	p.atoms = append(p.atoms, a)
	return int32(len(p.atoms) - 1), j + 1, nil
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// build resolves implicit bond orders and lays out the molecule with its
// neighbour lists in OpenSMILES order. Bonds are numbered as RDKit numbers
// them: chain bonds in the order written, then ring closures by ring number
// (RDKit closes rings after parsing, in that order), left to right within
// a number.
func (p *parser) build() *Mol {
	m := &Mol{
		Atoms: make([]Atom, len(p.atoms)),
		Bonds: make([]Bond, len(p.bonds)),
	}
	copy(m.Atoms, p.atoms)
	keys := p.keys
	if len(p.open) == 0 && hasClosures(p.ringNum) {
		order := p.order[:0]
		defer func() { p.order = order[:0] }()
		for i, n := range p.ringNum {
			if n < 0 {
				order = append(order, int32(i))
			}
		}
		chain := len(order)
		for i, n := range p.ringNum {
			if n >= 0 {
				order = append(order, int32(i))
			}
		}
		closures := order[chain:]
		// stable insertion sort by ring number (few closures)
		for i := 1; i < len(closures); i++ {
			for j := i; j > 0 && p.ringNum[closures[j]] < p.ringNum[closures[j-1]]; j-- {
				closures[j], closures[j-1] = closures[j-1], closures[j]
			}
		}
		keys = p.keys2[:0]
		for k, i := range order {
			m.Bonds[k] = p.bonds[i]
			keys = append(keys, p.keys[i])
		}
		p.keys2 = keys
		p.keys = append(p.keys[:0], keys...)
		keys = p.keys
	} else {
		copy(m.Bonds, p.bonds)
	}
	for i := range m.Bonds {
		b := &m.Bonds[i]
		if b.Order == BondUnspecified {
			if m.Atoms[b.Begin].Aromatic && m.Atoms[b.End].Aromatic {
				b.Order = BondAromatic
			} else {
				b.Order = BondSingle
			}
		}
	}
	m.buildAdjacency(keys)
	return m
}

func hasClosures(ringNum []int32) bool {
	for _, n := range ringNum {
		if n >= 0 {
			return true
		}
	}
	return false
}

// buildAdjacency fills nbrStart/nbrs; keys (optional) order each atom's
// neighbours: -1 for the preceding atom, else the offset where the bond is
// written at that atom (ring-closure digits, then branches and the next atom).
func (m *Mol) buildAdjacency(keys [][2]int32) {
	n := len(m.Atoms)
	start := make([]int32, n+1)
	for i := range m.Bonds {
		start[m.Bonds[i].Begin+1]++
		start[m.Bonds[i].End+1]++
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	nbrs := make([]Neighbor, 2*len(m.Bonds))
	var fillBuf [64]int32
	var fill []int32
	if n <= len(fillBuf) {
		fill = fillBuf[:n]
	} else {
		fill = make([]int32, n)
	}
	var keyBuf [128]int32
	var key []int32
	if keys != nil {
		if len(nbrs) <= len(keyBuf) {
			key = keyBuf[:len(nbrs)]
		} else {
			key = make([]int32, len(nbrs))
		}
	}
	for i := range m.Bonds {
		b := &m.Bonds[i]
		x, y := b.Begin, b.End
		px, py := start[x]+fill[x], start[y]+fill[y]
		nbrs[px] = Neighbor{Atom: y, Bond: int32(i)}
		nbrs[py] = Neighbor{Atom: x, Bond: int32(i)}
		if key != nil {
			key[px], key[py] = keys[i][0], keys[i][1]
		}
		fill[x]++
		fill[y]++
	}
	if key != nil {
		for a := 0; a < n; a++ {
			lo, hi := int(start[a]), int(start[a+1])
			for i := lo + 1; i < hi; i++ {
				for j := i; j > lo && key[j] < key[j-1]; j-- {
					key[j], key[j-1] = key[j-1], key[j]
					nbrs[j], nbrs[j-1] = nbrs[j-1], nbrs[j]
				}
			}
		}
	}
	m.nbrStart = start
	m.nbrs = nbrs
}
