package chem

import (
	"strconv"
	"strings"
)

// Bemis–Murcko scaffolds (G. W. Bemis, M. A. Murcko, J. Med. Chem. 1996,
// 39, 2887–2893) as RDKit's MurckoScaffold.GetScaffoldForMol builds them:
// ring atoms, the atoms of the linkers between rings, and atoms joined to
// those by a double bond (so O=C1CCCCC1 keeps its oxygen); every other atom
// is removed and replaced by hydrogens on the atom it hung from (so
// Cn1ccnc1 gives c1c[nH]cn1, C[N+]1(C)CCCC1 gives C1CC[NH2+]C1). An
// acyclic molecule has an empty scaffold. Unlike RDKit, stereo marks are
// dropped: a scaffold groups molecules by ring framework.

// murckoKeep marks the atoms of m's scaffold.
func murckoKeep(m *Mol) []bool {
	n := len(m.Atoms)
	keep := make([]bool, n)
	if len(m.Rings()) == 0 {
		return keep
	}
	deg := make([]int, n)
	var queue []int
	for i := 0; i < n; i++ {
		keep[i] = true
		deg[i] = m.Degree(i)
		if deg[i] <= 1 && !m.AtomInRing(i) {
			queue = append(queue, i)
		}
	}
	// prune terminal non-ring atoms until only rings and linkers remain
	for len(queue) > 0 {
		i := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if !keep[i] {
			continue
		}
		keep[i] = false
		for _, nb := range m.Neighbors(i) {
			j := int(nb.Atom)
			if !keep[j] {
				continue
			}
			deg[j]--
			if deg[j] <= 1 && !m.AtomInRing(j) {
				queue = append(queue, j)
			}
		}
	}
	// rescue atoms double-bonded to the scaffold
	core := append([]bool(nil), keep...)
	for i := 0; i < n; i++ {
		if core[i] {
			continue
		}
		for _, nb := range m.Neighbors(i) {
			if core[nb.Atom] && m.Bonds[nb.Bond].Order == BondDouble {
				keep[i] = true
				break
			}
		}
	}
	return keep
}

// murckoSMILES writes the scaffold of m as a (non-canonical) Kekulé SMILES
// string, every atom in brackets with its hydrogen count, every bond
// written; "" when the scaffold is empty.
func murckoSMILES(m *Mol) string {
	keep := murckoKeep(m)
	w := subgraphWriter{m: m, keep: keep, hs: make([]int, len(m.Atoms))}
	for i := range m.Atoms {
		if !keep[i] {
			continue
		}
		h := m.Atoms[i].TotalH()
		for _, nb := range m.Neighbors(i) {
			if !keep[nb.Atom] {
				h += bondValence(&m.Bonds[nb.Bond])
			}
		}
		w.hs[i] = h
	}
	return w.write()
}

// MurckoScaffold returns the Bemis–Murcko scaffold of m as a molecule of
// its own (an empty molecule for an acyclic one). The error, which should
// not happen, reports a scaffold the parser rejects.
func MurckoScaffold(m *Mol) (*Mol, error) {
	s := murckoSMILES(m)
	if s == "" {
		return &Mol{nbrStart: []int32{0}}, nil
	}
	return Parse(s)
}

// subgraphWriter writes the kept atoms of a molecule as SMILES.
type subgraphWriter struct {
	m       *Mol
	keep    []bool
	hs      []int // hydrogens to write on each atom
	visited []bool
	parentB []int32   // bond to the DFS parent, -1 at a root
	ringB   [][]int32 // ring-closure bonds per atom
	digit   map[int32]int
	free    []int
	next    int
	sb      strings.Builder
}

func (w *subgraphWriter) write() string {
	n := len(w.m.Atoms)
	w.visited = make([]bool, n)
	w.parentB = make([]int32, n)
	w.ringB = make([][]int32, n)
	w.digit = map[int32]int{}
	w.next = 1
	first := true
	for i := 0; i < n; i++ {
		if !w.keep[i] || w.visited[i] {
			continue
		}
		w.parentB[i] = -1
		w.scan(i)
		if !first {
			w.sb.WriteByte('.')
		}
		first = false
		w.emit(i)
	}
	return w.sb.String()
}

// scan runs a depth-first search from atom v, recording tree bonds and
// ring-closure bonds.
func (w *subgraphWriter) scan(v int) {
	w.visited[v] = true
	for _, nb := range w.m.Neighbors(v) {
		u := int(nb.Atom)
		if !w.keep[u] || nb.Bond == w.parentB[v] {
			continue
		}
		if w.visited[u] {
			if !containsInt32(w.ringB[v], nb.Bond) {
				w.ringB[v] = append(w.ringB[v], nb.Bond)
				w.ringB[u] = append(w.ringB[u], nb.Bond)
			}
			continue
		}
		w.parentB[u] = nb.Bond
		w.scan(u)
	}
}

func containsInt32(s []int32, x int32) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func (w *subgraphWriter) bondSymbol(b int32) {
	o := w.m.Bonds[b].Order
	if o == BondAromatic { // Kekulé form: the parser perceives aromaticity again
		o = w.m.Bonds[b].Kekule
	}
	switch o {
	case BondDouble:
		w.sb.WriteByte('=')
	case BondTriple:
		w.sb.WriteByte('#')
	case BondQuadruple:
		w.sb.WriteByte('$')
	default:
		w.sb.WriteByte('-')
	}
}

func (w *subgraphWriter) atomSymbol(v int) {
	a := &w.m.Atoms[v]
	w.sb.WriteByte('[')
	if a.Isotope != 0 {
		w.sb.WriteString(strconv.Itoa(int(a.Isotope)))
	}
	w.sb.WriteString(ElementSymbol(int(a.Element)))
	if h := w.hs[v]; h > 0 {
		w.sb.WriteByte('H')
		if h > 1 {
			w.sb.WriteString(strconv.Itoa(h))
		}
	}
	if c := int(a.Charge); c != 0 {
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
	w.sb.WriteByte(']')
}

// emit writes atom v, its ring closures and its DFS subtree.
func (w *subgraphWriter) emit(v int) {
	w.atomSymbol(v)
	var freed []int // digits closed here are reused only after this atom
	for _, b := range w.ringB[v] {
		w.bondSymbol(b)
		d, open := w.digit[b]
		if open {
			delete(w.digit, b)
			freed = append(freed, d)
		} else {
			if len(w.free) > 0 {
				d = w.free[len(w.free)-1]
				w.free = w.free[:len(w.free)-1]
			} else {
				d = w.next
				w.next++
			}
			w.digit[b] = d
		}
		if d < 10 {
			w.sb.WriteByte(byte('0' + d))
		} else {
			w.sb.WriteByte('%')
			w.sb.WriteString(strconv.Itoa(d))
		}
	}
	w.free = append(w.free, freed...)
	var kids []Neighbor
	for _, nb := range w.m.Neighbors(v) {
		if w.keep[nb.Atom] && w.parentB[nb.Atom] == nb.Bond && int(nb.Atom) != v && w.parentB[v] != nb.Bond {
			kids = append(kids, nb)
		}
	}
	for k, nb := range kids {
		last := k == len(kids)-1
		if !last {
			w.sb.WriteByte('(')
		}
		w.bondSymbol(nb.Bond)
		w.emit(int(nb.Atom))
		if !last {
			w.sb.WriteByte(')')
		}
	}
}

// MurckoScaffoldSMILES returns the canonical SMILES of m's Bemis–Murcko
// scaffold ("" for an acyclic molecule): the key scaffold splits group by.
// A scaffold the parser rejected (which should not happen) is returned as
// its written, non-canonical form.
func MurckoScaffoldSMILES(m *Mol) string {
	s := murckoSMILES(m)
	if s == "" {
		return ""
	}
	sm, err := Parse(s)
	if err != nil {
		return s
	}
	return CanonicalSMILES(sm)
}
