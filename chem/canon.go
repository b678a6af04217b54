package chem

import (
	"slices"
	"strconv"
	"strings"
)

// CanonicalSMILES returns one SMILES string for the molecule m whatever
// atom order, ring-closure digits or Kekulé/aromatic spelling it was read
// from: atoms are ranked canonically (see canon_rank.go) and written in a
// depth-first walk that starts from the lowest-ranked atom of each
// fragment and visits neighbours in rank order. Aromatic atoms are written
// in lower case; isotopes, charges, hydrogen counts (in brackets where the
// organic subset would imply another count), atom classes, tetrahedral
// marks (recomputed for the output order) and double-bond '/' '\' marks
// are kept; stereo marks that describe no stereo element are dropped. The
// string is valid SMILES that Parse reads back to a molecule with the same
// canonical SMILES. It is not RDKit's canonical string.
func CanonicalSMILES(m *Mol) string {
	if m == nil || m.NumAtoms() == 0 {
		return ""
	}
	rank, tetras, dbs := canonicalRanks(m)
	w := newCanonWriter(m, rank, tetras, dbs)
	return w.write()
}

// canonWriter lays out the depth-first walk and writes the string.
type canonWriter struct {
	m      *Mol
	rank   []int32
	tetra  map[int32]*tetraCentre
	dbs    []dbCentre
	pos    []int32    // output position of each atom, -1 before visited
	parent []int32    // DFS parent atom, -1 for roots
	pbond  []int32    // bond to the parent
	snb    []Neighbor // neighbours of each atom by increasing rank (nbrStart layout)
	// children of a: kids[kidStart[a]:kidStart[a+1]], in output order
	kidStart, kids []int32
	// ring-closure bonds at a: closures[closeStart[a]:closeStart[a+1]], in
	// writing order
	closeStart, closures []int32
	closeBonds           []int32 // ring-closure bonds as found
	isClose              []bool  // bond is a ring closure
	outDir               []BondDir
	order                []int32 // atoms in output order
	sb                   strings.Builder
}

func newCanonWriter(m *Mol, rank []int32, tetras []tetraCentre, dbs []dbCentre) *canonWriter {
	n := m.NumAtoms()
	w := &canonWriter{m: m, rank: rank, dbs: dbs,
		tetra:   make(map[int32]*tetraCentre, len(tetras)),
		pos:     make([]int32, n),
		parent:  make([]int32, n),
		pbond:   make([]int32, n),
		snb:     slices.Clone(m.nbrs),
		isClose: make([]bool, m.NumBonds()),
		outDir:  make([]BondDir, m.NumBonds()),
	}
	for k := range tetras {
		w.tetra[tetras[k].atom] = &tetras[k]
	}
	for i := range w.pos {
		w.pos[i] = -1
		w.parent[i] = -1
		w.pbond[i] = -1
		seg := w.sortedNeighbors(i)
		for p := 1; p < len(seg); p++ {
			for q := p; q > 0 && rank[seg[q].Atom] < rank[seg[q-1].Atom]; q-- {
				seg[q], seg[q-1] = seg[q-1], seg[q]
			}
		}
	}
	return w
}

// sortedNeighbors returns the neighbours of a in increasing rank.
func (w *canonWriter) sortedNeighbors(a int) []Neighbor {
	return w.snb[w.m.nbrStart[a]:w.m.nbrStart[a+1]]
}

// kidsOf returns the children of a in the walk, in output order.
func (w *canonWriter) kidsOf(a int) []int32 { return w.kids[w.kidStart[a]:w.kidStart[a+1]] }

// closuresOf returns the ring-closure bonds at a, in writing order.
func (w *canonWriter) closuresOf(a int) []int32 {
	return w.closures[w.closeStart[a]:w.closeStart[a+1]]
}

// layout fills the flat child and ring-closure lists after the walks.
func (w *canonWriter) layout() {
	n := w.m.NumAtoms()
	w.kidStart = make([]int32, n+1)
	w.closeStart = make([]int32, n+1)
	for _, a := range w.order {
		if p := w.parent[a]; p >= 0 {
			w.kidStart[p+1]++
		}
	}
	for _, b := range w.closeBonds {
		w.closeStart[w.m.Bonds[b].Begin+1]++
		w.closeStart[w.m.Bonds[b].End+1]++
	}
	for i := range n {
		w.kidStart[i+1] += w.kidStart[i]
		w.closeStart[i+1] += w.closeStart[i]
	}
	w.kids = make([]int32, w.kidStart[n])
	w.closures = make([]int32, w.closeStart[n])
	fill := make([]int32, n)
	for _, a := range w.order { // pre-order: children come in output order
		if p := w.parent[a]; p >= 0 {
			w.kids[w.kidStart[p]+fill[p]] = a
			fill[p]++
		}
	}
	clear(fill)
	for _, b := range w.closeBonds {
		for _, x := range [2]int32{w.m.Bonds[b].Begin, w.m.Bonds[b].End} {
			w.closures[w.closeStart[x]+fill[x]] = b
			fill[x]++
		}
	}
}

// walk is the first depth-first pass: it fixes the tree, the output order
// and the ring-closure bonds.
func (w *canonWriter) walk(root int) {
	type frame struct {
		atom int
		nbrs []Neighbor
		k    int
	}
	w.pos[root] = int32(len(w.order))
	w.order = append(w.order, int32(root))
	stack := []frame{{atom: root, nbrs: w.sortedNeighbors(root)}}
	usedBond := func(b int32) bool { return w.isClose[b] }
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.k == len(f.nbrs) {
			stack = stack[:len(stack)-1]
			continue
		}
		nb := f.nbrs[f.k]
		f.k++
		a := f.atom
		if nb.Bond == w.pbond[a] || usedBond(nb.Bond) {
			continue
		}
		o := int(nb.Atom)
		if w.pos[o] >= 0 {
			// a ring closure from the ancestor o down to a
			if w.parent[o] == int32(a) && w.pbond[o] == nb.Bond {
				continue
			}
			w.isClose[nb.Bond] = true
			w.closeBonds = append(w.closeBonds, nb.Bond)
			continue
		}
		w.parent[o] = int32(a)
		w.pbond[o] = nb.Bond
		w.pos[o] = int32(len(w.order))
		w.order = append(w.order, int32(o))
		stack = append(stack, frame{atom: o, nbrs: w.sortedNeighbors(o)})
	}
}

func (w *canonWriter) write() string {
	m := w.m
	n := m.NumAtoms()
	// roots: lowest-ranked atom of each fragment, fragments by that rank
	byRank := make([]int32, n)
	for i := range byRank {
		byRank[i] = int32(i)
	}
	slices.SortFunc(byRank, func(x, y int32) int { return int(w.rank[x]) - int(w.rank[y]) })
	var roots []int
	for _, a := range byRank {
		if w.pos[a] < 0 {
			roots = append(roots, int(a))
			w.walk(int(a))
		}
	}
	w.layout()
	w.sortClosures()
	w.assignBondDirs()
	digits := make([]int, m.NumBonds()) // ring digit per closure bond
	inUse := make([]bool, 100)
	for k, root := range roots {
		if k > 0 {
			w.sb.WriteByte('.')
		}
		w.writeFrom(root, digits, inUse)
	}
	return w.sb.String()
}

// sortClosures orders the ring closures at each atom as they will be
// written: closings of rings opened earlier (by the opening atom's
// position), then openings (by the partner's rank).
func (w *canonWriter) sortClosures() {
	for a := range w.m.NumAtoms() {
		list := w.closuresOf(a)
		key := func(b int32) (int, int32) {
			o := w.m.Bonds[b].Other(a)
			if w.pos[o] < w.pos[a] {
				return 0, w.pos[o]
			}
			return 1, w.rank[o]
		}
		slices.SortFunc(list, func(x, y int32) int {
			kx, vx := key(x)
			ky, vy := key(y)
			if kx != ky {
				return kx - ky
			}
			return int(vx - vy)
		})
	}
}

// firstWritten returns the atom of bond b whose '/' or '\' orientation the
// written symbol describes: the parent for a tree bond, the opening atom
// for a ring closure.
func (w *canonWriter) firstWritten(b int) int {
	bd := &w.m.Bonds[b]
	if w.pos[bd.Begin] < w.pos[bd.End] {
		return int(bd.Begin)
	}
	return int(bd.End)
}

// dirFrom is the output direction of bond b seen from atom a.
func (w *canonWriter) dirFrom(a, b int) BondDir {
	d := w.outDir[b]
	if w.firstWritten(b) != a {
		d = flipDir(d)
	}
	return d
}

// setDirFrom sets bond b's output direction so that seen from a it is d.
func (w *canonWriter) setDirFrom(a, b int, d BondDir) {
	if w.firstWritten(b) != a {
		d = flipDir(d)
	}
	w.outDir[b] = d
}

// assignBondDirs marks one substituent bond at each end of every stereo
// double bond with '/' or '\', reusing marks already placed for a
// neighbouring double bond.
func (w *canonWriter) assignBondDirs() {
	m := w.m
	dbs := slices.Clone(w.dbs)
	slices.SortFunc(dbs, func(x, y dbCentre) int {
		return int(min(w.pos[x.a], w.pos[x.b]) - min(w.pos[y.a], w.pos[y.b]))
	})
	// the cis/trans relation of the output reference substituents
	for _, d := range dbs {
		a, b := int(d.a), int(d.b)
		if w.pos[b] < w.pos[a] {
			a, b = b, a
		}
		// the end's substituents in output order, tree bonds first
		end := func(x int) []Neighbor {
			var out []Neighbor
			for _, nb := range m.Neighbors(x) {
				if int(nb.Bond) != int(d.bond) {
					out = append(out, nb)
				}
			}
			slices.SortFunc(out, func(p, q Neighbor) int {
				cp, cq := w.isClose[p.Bond], w.isClose[q.Bond]
				if cp != cq {
					if cp {
						return 1
					}
					return -1
				}
				return int(w.pos[p.Atom] - w.pos[q.Atom])
			})
			return out
		}
		ea, eb := end(a), end(b)
		// cis relation between ea[0] and eb[0]
		cis := d.cis0
		if a == int(d.a) {
			cis = cis != (ea[0].Atom != d.x0) != (eb[0].Atom != d.y0)
		} else {
			cis = cis != (ea[0].Atom != d.y0) != (eb[0].Atom != d.x0)
		}
		dA, okA := w.endDir(a, ea)
		dB, okB := w.endDir(b, eb)
		switch {
		case !okA && !okB:
			dA = DirUp
			w.setDirFrom(a, int(ea[0].Bond), dA)
			fallthrough
		case okA && !okB:
			dB = dA
			if !cis {
				dB = flipDir(dA)
			}
			w.setDirFrom(b, int(eb[0].Bond), dB)
		case !okA && okB:
			dA = dB
			if !cis {
				dA = flipDir(dB)
			}
			w.setDirFrom(a, int(ea[0].Bond), dA)
		}
	}
}

// endDir returns the output direction, seen from x, of the bond to the
// first substituent subs[0], derived from any mark already placed on a
// substituent bond of x.
func (w *canonWriter) endDir(x int, subs []Neighbor) (BondDir, bool) {
	for k, nb := range subs {
		if w.outDir[nb.Bond] != DirNone {
			d := w.dirFrom(x, int(nb.Bond))
			if k != 0 {
				d = flipDir(d)
			}
			return d, true
		}
	}
	return DirNone, false
}

// writeFrom writes the fragment rooted at root.
func (w *canonWriter) writeFrom(root int, digits []int, inUse []bool) {
	type item struct {
		atom int  // -1 writes ")"
		open bool // write "(" before the atom
	}
	// iterative pre-order walk with explicit branch markers
	var stack []item
	stack = append(stack, item{atom: root})
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.atom < 0 {
			w.sb.WriteByte(')')
			continue
		}
		a := it.atom
		if it.open {
			w.sb.WriteByte('(')
		}
		if p := w.parent[a]; p >= 0 {
			w.writeBond(int(p), int(w.pbond[a]))
		}
		w.writeAtom(a)
		// ring closures
		var freed []int
		for _, b := range w.closuresOf(a) {
			o := w.m.Bonds[b].Other(a)
			if w.pos[o] < w.pos[a] {
				w.writeBond(a, int(b))
				w.writeDigit(digits[b])
				freed = append(freed, digits[b])
			} else {
				d := 1
				for d < len(inUse) && inUse[d] {
					d++
				}
				if d == len(inUse) {
					inUse = append(inUse, false)
				}
				inUse[d] = true
				digits[b] = d
				w.writeDigit(d)
			}
		}
		for _, d := range freed {
			inUse[d] = false
		}
		kids := w.kidsOf(a)
		// push in reverse: last child is the chain continuation
		for k := len(kids) - 1; k >= 0; k-- {
			if k < len(kids)-1 {
				stack = append(stack, item{atom: -1})
				stack = append(stack, item{atom: int(kids[k]), open: true})
			} else {
				stack = append(stack, item{atom: int(kids[k])})
			}
		}
	}
}

func (w *canonWriter) writeDigit(d int) {
	if d < 10 {
		w.sb.WriteByte(byte('0' + d))
		return
	}
	w.sb.WriteByte('%')
	if d >= 100 {
		w.sb.WriteByte('(')
		w.sb.WriteString(strconv.Itoa(d))
		w.sb.WriteByte(')')
		return
	}
	w.sb.WriteString(strconv.Itoa(d))
}

// writeBond writes the symbol of bond b as written from atom from to the
// other (the parent for a chain bond, the closing atom for a ring closure,
// whose symbol is written at its closing digit).
func (w *canonWriter) writeBond(from, b int) {
	bd := &w.m.Bonds[b]
	aroms := w.m.Atoms[bd.Begin].Aromatic && w.m.Atoms[bd.End].Aromatic
	switch bd.Order {
	case BondSingle:
		switch w.dirFrom(from, b) {
		case DirUp:
			w.sb.WriteByte('/')
		case DirDown:
			w.sb.WriteByte('\\')
		default:
			if aroms {
				w.sb.WriteByte('-')
			}
		}
	case BondDouble:
		w.sb.WriteByte('=')
	case BondTriple:
		w.sb.WriteByte('#')
	case BondQuadruple:
		w.sb.WriteByte('$')
	case BondAromatic:
		if !aroms {
			w.sb.WriteByte(':')
		}
	case BondAny:
		w.sb.WriteByte('~')
	}
}

// writeAtom writes atom a, in brackets unless the organic subset reads it
// back identically.
func (w *canonWriter) writeAtom(a int) {
	at := &w.m.Atoms[a]
	sym := ElementSymbol(int(at.Element))
	if at.Element == 0 {
		sym = "*"
	}
	if at.Aromatic {
		sym = strings.ToLower(sym)
	}
	chir := w.outputChirality(a)
	if chir == ChiralNone && w.organicOK(a) {
		w.sb.WriteString(sym)
		return
	}
	w.sb.WriteByte('[')
	if at.Isotope > 0 {
		w.sb.WriteString(strconv.Itoa(int(at.Isotope)))
	}
	w.sb.WriteString(sym)
	switch chir {
	case ChiralCCW:
		w.sb.WriteString("@")
	case ChiralCW:
		w.sb.WriteString("@@")
	}
	if h := at.TotalH(); h > 0 {
		w.sb.WriteByte('H')
		if h > 1 {
			w.sb.WriteString(strconv.Itoa(h))
		}
	}
	if c := int(at.Charge); c != 0 {
		if c > 0 {
			w.sb.WriteByte('+')
		} else {
			w.sb.WriteByte('-')
			c = -c
		}
		if c > 1 {
			w.sb.WriteString(strconv.Itoa(c))
		}
	}
	if at.Class > 0 {
		w.sb.WriteByte(':')
		w.sb.WriteString(strconv.FormatUint(uint64(at.Class), 10))
	}
	w.sb.WriteByte(']')
}

// organicOK reports whether atom a can be written without brackets: an
// organic-subset element, no isotope, charge or class, and the
// hydrogen count Parse would imply.
func (w *canonWriter) organicOK(a int) bool {
	at := &w.m.Atoms[a]
	if at.Isotope != 0 || at.Charge != 0 || at.Class != 0 {
		return false
	}
	h := at.TotalH()
	deg := w.m.Degree(a)
	if at.Aromatic {
		switch at.Element {
		case 6:
			return (h == 1 && deg == 2) || (h == 0 && deg == 3)
		case 7, 8, 15, 16:
			return h == 0
		}
		return false
	}
	switch at.Element {
	case 0:
		return h == 0
	case 5, 6, 7, 8, 9, 15, 16, 17, 35, 53:
	default:
		return false
	}
	v := 0
	for _, nb := range w.m.Neighbors(a) {
		bd := &w.m.Bonds[nb.Bond]
		o := bd.Order
		if o == BondAromatic {
			o = bd.Kekule
		}
		switch o {
		case BondDouble:
			v += 2
		case BondTriple:
			v += 3
		case BondQuadruple:
			v += 4
		default:
			v++
		}
	}
	want := 0
	for _, x := range AllowedValences(int(at.Element)) {
		if int(x) >= v {
			want = int(x) - v
			break
		}
	}
	return h == want
}

// outputChirality returns the tetrahedral mark of atom a for the output
// neighbour order: parent, hydrogen, ring closures as written, children.
func (w *canonWriter) outputChirality(a int) Chirality {
	t, ok := w.tetra[int32(a)]
	if !ok {
		return ChiralNone
	}
	// configuration with neighbours in rank order
	odd := false
	ranks := func(x int32) int32 {
		if x < 0 {
			return -1
		}
		return w.rank[x]
	}
	for p := 0; p < len(t.ref); p++ {
		for q := p + 1; q < len(t.ref); q++ {
			if ranks(t.ref[p]) > ranks(t.ref[q]) {
				odd = !odd
			}
		}
	}
	canon := permuteChirality(t.tag, odd)
	out := make([]int32, 0, 4)
	if p := w.parent[a]; p >= 0 {
		out = append(out, p)
	}
	if w.m.Atoms[a].TotalH() == 1 {
		out = append(out, -1)
	}
	for _, b := range w.closuresOf(a) {
		out = append(out, int32(w.m.Bonds[b].Other(a)))
	}
	out = append(out, w.kidsOf(a)...)
	odd = false
	for p := 0; p < len(out); p++ {
		for q := p + 1; q < len(out); q++ {
			if ranks(out[p]) > ranks(out[q]) {
				odd = !odd
			}
		}
	}
	return permuteChirality(canon, odd)
}
