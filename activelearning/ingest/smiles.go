package ingest

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"activelab/chem"
)

// organicSubset are the elements SMILES writes without brackets.
var organicSubset = map[int]bool{5: true, 6: true, 7: true, 8: true, 9: true, 15: true, 16: true, 17: true, 35: true, 53: true}

// aromaticSymbol says which elements SMILES can write aromatic (lowercase),
// and whether they need brackets to be.
func aromaticSymbol(z int) (ok, bracketOnly bool) {
	switch z {
	case 5, 6, 7, 8, 15, 16:
		return true, false
	case 33, 34, 52: // as, se, te
		return true, true
	}
	return false, false
}

// needsBracket reports whether atom a must be written in brackets with its
// hydrogens counted by hydrogens.
func (a *mfAtom) needsBracket() bool {
	if a.charge != 0 || a.isotope != 0 || a.radicals != 0 || a.valence != 0 || !organicSubset[a.z] {
		return true
	}
	if a.aromatic {
		_, br := aromaticSymbol(a.z)
		return br
	}
	return false
}

// chargeShift is how a charge moves an element's valences, as RDKit moves
// them: N+ like C, O- like F; left of carbon the sign flips ([B-] like C);
// carbon goes down either way.
func chargeShift(z, charge int) int {
	if z > 1 && chem.OuterElectrons(z) < 4 {
		charge = -charge
	}
	if z == 6 && charge > 0 {
		charge = -charge
	}
	return charge
}

// hydrogens is the hydrogen count RDKit's molfile reader gives atom i:
// its bonds' valence (aromatic 1.5, rounded as RDKit rounds it) filled up to
// the smallest allowed valence its charge leaves, less its unpaired
// electrons; the valence field, when set, fixes the total instead. An atom
// above every allowed valence gets none (chem.Parse then reports it).
func hydrogens(a *mfAtom, bondOrders []int) int {
	acc2 := 0
	for _, o := range bondOrders {
		if o == 4 {
			acc2 += 3
		} else {
			acc2 += 2 * o
		}
	}
	if a.valence != 0 {
		if a.valence == 15 {
			return 0
		}
		return max(0, a.valence-(acc2+1)/2)
	}
	if a.z == 1 {
		return 0
	}
	vals := chem.AllowedValences(a.z)
	dv := int(vals[0])
	if dv < 0 {
		return 0
	}
	chg := chargeShift(a.z, a.charge)
	if a.aromatic && acc2 > 2*(dv+chg) {
		pval := dv + chg
		for _, v := range vals {
			if v == -1 || 2*(int(v)+chg) > acc2 {
				break
			}
			pval = int(v) + chg
		}
		if acc2-2*pval <= 3 {
			acc2 = 2 * pval
		}
	}
	ev := (acc2+1)/2 + a.radicals
	if a.aromatic {
		return max(0, dv+chg-ev)
	}
	for _, v := range vals {
		if v < 0 {
			break
		}
		if tot := int(v) + chg; ev <= tot {
			return tot - ev
		}
	}
	return 0
}

// writeSMILES writes the molecule depth-first: ring closures for the bonds
// that close rings, '.' between components, every bond symbol explicit
// except single bonds between non-aromatic atoms.
func writeSMILES(atoms []mfAtom, bonds []mfBond) (string, error) {
	type edge struct{ to, bond int }
	adj := make([][]edge, len(atoms))
	orders := make([][]int, len(atoms))
	for i, b := range bonds {
		adj[b.a] = append(adj[b.a], edge{b.b, i})
		adj[b.b] = append(adj[b.b], edge{b.a, i})
		orders[b.a] = append(orders[b.a], b.order)
		orders[b.b] = append(orders[b.b], b.order)
	}
	for i := range atoms {
		if a := &atoms[i]; a.aromatic {
			if ok, _ := aromaticSymbol(a.z); !ok {
				return "", errors.New("aromatic bond on " + a.symbol + " (atom " + strconv.Itoa(i+1) + "), which SMILES cannot write aromatic")
			}
		}
	}

	// Pass 1: spanning forest and ring-closure bonds.
	visited := make([]bool, len(atoms))
	used := make([]bool, len(bonds))
	children := make([][]edge, len(atoms))
	closures := make([][]int, len(atoms))
	parent := make([]int, len(atoms))
	var dfs func(i int)
	dfs = func(i int) {
		visited[i] = true
		for _, e := range adj[i] {
			if used[e.bond] {
				continue
			}
			used[e.bond] = true
			if visited[e.to] {
				closures[i] = append(closures[i], e.bond)
				closures[e.to] = append(closures[e.to], e.bond)
				continue
			}
			children[i] = append(children[i], e)
			parent[e.to] = i
			dfs(e.to)
		}
	}

	// Pass 2: write.
	var sb strings.Builder
	digit := make(map[int]int) // open ring bond -> its number
	inUse := make(map[int]bool)
	var err error
	bondSym := func(bi int) string {
		b := bonds[bi]
		switch b.order {
		case 2:
			return "="
		case 3:
			return "#"
		case 4:
			return ":"
		}
		if atoms[b.a].aromatic && atoms[b.b].aromatic {
			return "-"
		}
		return ""
	}
	ringLabel := func(n int) string {
		if n < 10 {
			return strconv.Itoa(n)
		}
		return "%" + strconv.Itoa(n)
	}
	var write func(i int)
	write = func(i int) {
		h := hydrogens(&atoms[i], orders[i])
		mark := ""
		if atoms[i].parity != 0 {
			// The neighbours in the order SMILES reads them: the parent,
			// the ring closures as written here, the branches and the next atom.
			nbrs := make([]int, 0, 4)
			if parent[i] >= 0 {
				nbrs = append(nbrs, parent[i])
			}
			for _, bi := range closures[i] {
				nbrs = append(nbrs, bonds[bi].a+bonds[bi].b-i)
			}
			for _, c := range children[i] {
				nbrs = append(nbrs, c.to)
			}
			mark = chiralMark(atoms[i].parity, parent[i] >= 0, nbrs, h)
		}
		sb.WriteString(atomToken(&atoms[i], h, mark))
		var freed []int
		for _, bi := range closures[i] {
			if n, open := digit[bi]; open {
				sb.WriteString(bondSym(bi))
				sb.WriteString(ringLabel(n))
				delete(digit, bi)
				freed = append(freed, n)
				continue
			}
			n := 1
			for inUse[n] {
				n++
			}
			if n > 99 {
				err = errors.New("more than 99 rings open at once")
				return
			}
			inUse[n] = true
			digit[bi] = n
			sb.WriteString(ringLabel(n))
		}
		for _, n := range freed {
			delete(inUse, n)
		}
		for k, c := range children[i] {
			last := k == len(children[i])-1
			if !last {
				sb.WriteByte('(')
			}
			sb.WriteString(bondSym(c.bond))
			write(c.to)
			if !last {
				sb.WriteByte(')')
			}
		}
	}
	for i := range atoms {
		if visited[i] {
			continue
		}
		parent[i] = -1
		dfs(i)
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		write(i)
		if err != nil {
			return "", err
		}
	}
	return sb.String(), nil
}

// chiralMark returns the SMILES mark ("@" or "@@") of a molfile atom with
// parity 1 or 2 whose neighbours (atom indices) SMILES reads in the order
// nbrs, after its parent when hasParent, and which has h hydrogens; "" for
// an atom that cannot be a tetrahedral centre (not four neighbours, or
// three and one hydrogen or a lone pair).
//
// The molfile's parity refers to the neighbours by increasing atom
// number, a hydrogen or lone pair last: looking with the last one
// pointing away, parity 1 has the first three clockwise, which is the
// SMILES mark '@' in the order (last, first, second, third). The written
// order puts a bracket hydrogen after the parent (first without one), as
// OpenSMILES reads [C@H]; and the lone pair of a three-coordinate centre
// last, as RDKit and chem do. The mark follows the parity of the
// permutation between the two orders.
func chiralMark(parity int, hasParent bool, nbrs []int, h int) string {
	const implicit = math.MaxInt // the hydrogen or lone pair
	var written []int
	switch {
	case len(nbrs) == 4 && h == 0:
		written = nbrs
	case len(nbrs) == 3 && h == 1 && hasParent:
		written = []int{nbrs[0], implicit, nbrs[1], nbrs[2]}
	case len(nbrs) == 3 && h == 1:
		written = []int{implicit, nbrs[0], nbrs[1], nbrs[2]}
	case len(nbrs) == 3 && h == 0:
		written = []int{nbrs[0], nbrs[1], nbrs[2], implicit}
	default:
		return ""
	}
	sorted := slices.Clone(written)
	slices.Sort(sorted)
	ref := []int{sorted[3], sorted[0], sorted[1], sorted[2]}
	ccw := parity == 1 // '@' in ref's order
	if oddPermutation(slices.Clone(written), ref) {
		ccw = !ccw
	}
	if ccw {
		return "@"
	}
	return "@@"
}

// oddPermutation reports whether reordering from (modified) into to, the
// same distinct values, takes an odd number of swaps.
func oddPermutation(from, to []int) bool {
	odd := false
	for k := range from {
		if from[k] == to[k] {
			continue
		}
		j := k + 1 + slices.Index(from[k+1:], to[k])
		from[k], from[j] = from[j], from[k]
		odd = !odd
	}
	return odd
}

// atomToken writes one atom, in brackets when it needs them or carries a
// chirality mark.
func atomToken(a *mfAtom, h int, mark string) string {
	sym := chem.ElementSymbol(a.z)
	if a.aromatic {
		sym = strings.ToLower(sym)
	}
	if mark == "" && !a.needsBracket() {
		return sym
	}
	var sb strings.Builder
	sb.WriteByte('[')
	if a.isotope > 0 {
		sb.WriteString(strconv.Itoa(a.isotope))
	}
	sb.WriteString(sym)
	sb.WriteString(mark)
	if h > 0 {
		sb.WriteByte('H')
		if h > 1 {
			sb.WriteString(strconv.Itoa(h))
		}
	}
	switch {
	case a.charge > 0:
		sb.WriteByte('+')
		if a.charge > 1 {
			sb.WriteString(strconv.Itoa(a.charge))
		}
	case a.charge < 0:
		sb.WriteByte('-')
		if a.charge < -1 {
			sb.WriteString(strconv.Itoa(-a.charge))
		}
	}
	sb.WriteByte(']')
	return sb.String()
}
