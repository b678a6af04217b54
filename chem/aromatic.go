package chem

// Electron donor types of RDKit's aromaticity model.
const (
	donorNone   = iota // cannot be in an aromatic ring
	donorVacant        // in the ring, gives no electrons (C=O carbon of a pyridone, B)
	donorOne           // gives one electron (C of a C=C in the ring, pyridine N)
	donorTwo           // gives a lone pair (pyrrole NH, furan O, thiophene S)
)

// perceiveAromaticity applies RDKit's default aromaticity model to the
// Kekulé structure: each atom gets an electron donor type; rings of the
// SSSR whose atoms can all take part are grouped into fused systems
// (rings sharing a bond); every connected combination of rings in a
// system whose atoms give 4n+2 pi electrons (or 2, for a three-ring
// cation) is aromatic: its atoms and the bonds of its rings are marked.
func perceiveAromaticity(m *Mol, sc *aromScratch) {
	for i := range m.Atoms {
		m.Atoms[i].Aromatic = false
	}
	for i := range m.Bonds {
		m.Bonds[i].Order = m.Bonds[i].Kekule
	}
	if len(m.rings) == 0 {
		return
	}
	n := len(m.Atoms)
	sc.reset(n, len(m.Bonds))
	donor, cand := sc.donor, sc.cand
	for i := range m.Atoms {
		if m.atomRings[i] == 0 {
			continue
		}
		donor[i] = int8(donorType(m, i))
		cand[i] = donor[i] != donorNone && aromaticCandidate(m, i)
	}
	// candidate rings
	cr := sc.cr[:0]
	for k, r := range m.rings {
		ok := true
		for _, a := range r {
			if !cand[a] {
				ok = false
				break
			}
		}
		if ok {
			cr = append(cr, k)
		}
	}
	sc.cr = cr
	if len(cr) == 0 {
		return
	}
	// fused systems: rings sharing a bond (union-find over candidate rings)
	parent := sc.parent[:0]
	for i := range cr {
		parent = append(parent, i)
	}
	sc.parent = parent
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	owner := sc.owner // per bond: candidate ring + 1 that first holds it
	for ci, k := range cr {
		for _, b := range m.ringBonds[k] {
			if o := owner[b]; o > 0 {
				parent[find(ci)] = find(int(o - 1))
			} else {
				owner[b] = int32(ci + 1)
			}
		}
	}
	done := sc.doneRing[:0]
	for range cr {
		done = append(done, false)
	}
	sc.doneRing = done
	group := sc.group
	for ci := range cr {
		if done[ci] {
			continue
		}
		root := find(ci)
		group = group[:0]
		for cj := ci; cj < len(cr); cj++ {
			if !done[cj] && find(cj) == root {
				done[cj] = true
				group = append(group, cr[cj])
			}
		}
		huckelFused(m, group, donor, sc)
	}
	sc.group = group
}

// aromScratch holds reusable buffers for aromaticity perception.
type aromScratch struct {
	donor    []int8
	cand     []bool
	cr       []int
	parent   []int
	owner    []int32
	doneRing []bool
	group    []int
	mark     []int32 // per atom: stamp of the union it is in
	doneAtom []bool
	stamp    int32
	nbr      []bool
	comb     []int
}

func (sc *aromScratch) reset(nA, nB int) {
	if cap(sc.donor) < nA {
		sc.donor = make([]int8, nA)
		sc.cand = make([]bool, nA)
		sc.mark = make([]int32, nA)
		sc.doneAtom = make([]bool, nA)
		sc.stamp = 0
	}
	sc.donor, sc.cand, sc.mark, sc.doneAtom = sc.donor[:nA], sc.cand[:nA], sc.mark[:nA], sc.doneAtom[:nA]
	for i := 0; i < nA; i++ {
		sc.donor[i] = 0
		sc.cand[i] = false
		sc.doneAtom[i] = false
	}
	sc.owner = growI32(sc.owner, nB)
	for i := range sc.owner {
		sc.owner[i] = 0
	}
}

// maxRingCombinations bounds the subsets of a fused system that are tried.
const maxRingCombinations = 4096

// huckelFused marks the aromatic parts of one fused ring system: single
// rings first, then connected combinations of 2, 3, ... rings, until every
// atom of the system is aromatic or the combinations run out.
func huckelFused(m *Mol, rings []int, donor []int8, sc *aromScratch) {
	nr := len(rings)
	sysAtoms, doneCount := 0, 0
	sc.stamp++
	for _, k := range rings {
		for _, a := range m.rings[k] {
			if sc.mark[a] != sc.stamp {
				sc.mark[a] = sc.stamp
				sysAtoms++
			}
		}
	}
	// ring adjacency within the system (sharing a bond)
	if cap(sc.nbr) < nr*nr {
		sc.nbr = make([]bool, nr*nr)
	}
	nbr := sc.nbr[:nr*nr]
	for i := 0; i < nr; i++ {
		for j := 0; j < nr; j++ {
			nbr[i*nr+j] = false
		}
	}
	if nr > 1 {
		for i := 0; i < nr; i++ {
			for j := i + 1; j < nr; j++ {
				sh := sharesBond(m.ringBonds[rings[i]], m.ringBonds[rings[j]])
				nbr[i*nr+j], nbr[j*nr+i] = sh, sh
			}
		}
	}
	tried := 0
	comb := sc.comb[:0]
	for size := 1; size <= nr; size++ {
		if doneCount == sysAtoms {
			break
		}
		comb = comb[:0]
		for i := 0; i < size; i++ {
			comb = append(comb, i)
		}
		for {
			tried++
			if tried > maxRingCombinations {
				sc.comb = comb
				return
			}
			if size == 1 || connectedRings(comb, nbr, nr) {
				sc.stamp++
				elo, ehi := 0, 0
				for _, ci := range comb {
					for _, a := range m.rings[rings[ci]] {
						if sc.mark[a] == sc.stamp {
							continue
						}
						sc.mark[a] = sc.stamp
						switch donor[a] {
						case donorOne:
							elo++
							ehi++
						case donorTwo:
							elo += 2
							ehi += 2
						}
					}
				}
				if huckel(elo, ehi) {
					for _, ci := range comb {
						for _, a := range m.rings[rings[ci]] {
							m.Atoms[a].Aromatic = true
							if !sc.doneAtom[a] {
								sc.doneAtom[a] = true
								doneCount++
							}
						}
					}
					// the bonds on the perimeter of the combination: a
					// bond shared by two of its rings stays as it is
					// (azulene keeps its fused bond, so no ring of it
					// counts as aromatic)
					for _, ci := range comb {
						for _, b := range m.ringBonds[rings[ci]] {
							shared := false
							for _, cj := range comb {
								if cj != ci && containsI32(m.ringBonds[rings[cj]], b) {
									shared = true
									break
								}
							}
							if !shared {
								m.Bonds[b].Order = BondAromatic
							}
						}
					}
				}
			}
			// next combination
			i := size - 1
			for i >= 0 && comb[i] == nr-size+i {
				i--
			}
			if i < 0 {
				break
			}
			comb[i]++
			for j := i + 1; j < size; j++ {
				comb[j] = comb[j-1] + 1
			}
		}
	}
	sc.comb = comb
}

func sharesBond(a, b []int32) bool {
	for _, x := range a {
		if containsI32(b, x) {
			return true
		}
	}
	return false
}

// huckel: some electron count in [lo, hi] is 4n+2 (n >= 1), or exactly 2.
func huckel(lo, hi int) bool {
	if hi >= 6 {
		for e := lo; e <= hi; e++ {
			if (e-2)%4 == 0 {
				return true
			}
		}
		return false
	}
	return hi == 2
}

func connectedRings(comb []int, nbr []bool, nr int) bool {
	reached := uint64(1)
	if len(comb) > 64 {
		return false
	}
	for changed := true; changed; {
		changed = false
		for i := range comb {
			if reached&(1<<i) == 0 {
				continue
			}
			for j := range comb {
				if reached&(1<<j) == 0 && nbr[comb[i]*nr+comb[j]] {
					reached |= 1 << j
					changed = true
				}
			}
		}
	}
	return reached == (uint64(1)<<len(comb))-1
}

// kekuleValence is the explicit valence from Kekulé orders plus bracket H.
func kekuleValence(m *Mol, i int) int {
	v := int(m.Atoms[i].ExplicitH)
	for _, nb := range m.Neighbors(i) {
		v += bondValence2(m.Bonds[nb.Bond].Kekule) / 2
	}
	return v
}

// multipleBonds reports a double or triple bond of atom i in a ring and
// out of one, and the atom at the end of the last one out of a ring.
func multipleBonds(m *Mol, i int) (cyclic, acyclic bool, who int) {
	who = -1
	for _, nb := range m.Neighbors(i) {
		o := m.Bonds[nb.Bond].Kekule
		if o != BondDouble && o != BondTriple {
			continue
		}
		if m.bondRings[nb.Bond] > 0 {
			cyclic = true
		} else {
			acyclic = true
			who = int(nb.Atom)
		}
	}
	return
}

// countAtomElec is RDKit's count of electrons atom i can give to a pi
// system, or -1 when it cannot take part.
func countAtomElec(m *Mol, i int) int {
	a := &m.Atoms[i]
	z := int(a.Element)
	dv := int(elements[z].valences[0])
	if dv <= 1 {
		return -1
	}
	degree := m.Degree(i) + a.TotalH()
	if degree > 3 {
		return -1
	}
	nlp := int(elements[z].nOuter) - dv - int(a.Charge)
	if nlp < 0 {
		nlp = 0
	}
	res := dv - degree + nlp - int(a.Radicals)
	if res > 1 {
		if kekuleValence(m, i)-m.Degree(i) > 1 {
			res = 1
		}
	}
	return res
}

// moreElectronegative is RDKit's ordering: more outer electrons, then the
// lighter element.
func moreElectronegative(z1, z2 int) bool {
	n1, n2 := elements[z1].nOuter, elements[z2].nOuter
	return n1 > n2 || n1 == n2 && z1 < z2
}

func donorType(m *Mol, i int) int {
	a := &m.Atoms[i]
	if a.Element == 0 {
		return donorVacant
	}
	nelec := countAtomElec(m, i)
	cyc, acyc, who := multipleBonds(m, i)
	switch {
	case nelec < 0:
		return donorNone
	case nelec == 0:
		if acyc {
			return donorVacant
		}
		if cyc {
			return donorOne
		}
		return donorVacant
	case nelec == 1:
		if acyc {
			if moreElectronegative(int(m.Atoms[who].Element), int(a.Element)) {
				return donorVacant
			}
			return donorOne
		}
		if cyc {
			return donorOne
		}
		if a.Charge == 1 {
			return donorVacant
		}
		return donorNone
	default:
		if cyc || acyc {
			return donorOne
		}
		return donorTwo
	}
}

// aromaticCandidate: RDKit's isAtomCandForArom for the default model.
func aromaticCandidate(m *Mol, i int) bool {
	a := &m.Atoms[i]
	z := int(a.Element)
	if z > 18 && z != 34 && z != 52 {
		return false
	}
	// atoms above the default valence of their isoelectronic element are out
	iso := z - int(a.Charge)
	if z > 0 && iso >= 0 && iso <= MaxAtomicNumber {
		if dv := int(elements[iso].valences[0]); dv > 0 && kekuleValence(m, i)+int(a.ImplicitH) > dv {
			return false
		}
	}
	// no more than one double or triple bond
	if kekuleValence(m, i)-m.Degree(i)-int(a.ExplicitH) > 1 {
		mult := 0
		for _, nb := range m.Neighbors(i) {
			if o := m.Bonds[nb.Bond].Kekule; o == BondDouble || o == BondTriple {
				mult++
			}
		}
		if mult > 1 {
			return false
		}
	}
	return true
}

func containsI32(s []int32, x int32) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
