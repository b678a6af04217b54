package chem

// Electron donor types of RDKit's aromaticity model.
const (
	donorNone   = iota // cannot be in an aromatic ring
	donorVacant        // in the ring, gives no electrons (C=O carbon of a pyridone)
	donorOne           // gives one electron (C of a C=C in the ring, pyridine N)
	donorTwo           // gives a lone pair (pyrrole NH, furan O, thiophene S)
	donorAny           // a wildcard atom: one or two
)

// maxFusedAromaticRingSize: larger rings are not fused with others when
// looking for aromatic ring combinations (RDKit's value, a bit more than
// the outer ring of a porphyrin).
const maxFusedAromaticRingSize = 24

// maxFusedRings is the largest combination of fused rings RDKit's default
// model tries.
const maxFusedRings = 6

// perceiveAromaticity applies RDKit's default aromaticity model
// (Aromaticity.cpp, AROMATICITY_RDKIT) to the Kekulé structure: each ring
// atom gets an electron donor type; rings of the SSSR whose atoms can all
// take part are grouped into fused systems (rings of at most 24 atoms that
// share exactly one bond); in each system, connected combinations of 1 to 6
// rings are tried in order until all its bonds are aromatic; a combination
// whose atoms in one or two of its rings give 4n+2 pi electrons (or 2) is
// aromatic: the atoms of its rings are marked, and the bonds that only one
// of its rings holds.
func perceiveAromaticity(m *Mol, sc *aromScratch) {
	for i := range m.Atoms {
		m.Atoms[i].Aromatic = false
	}
	for i := range m.Bonds {
		if m.Bonds[i].Order != BondAny {
			m.Bonds[i].Order = m.Bonds[i].Kekule
		}
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
		cand[i] = donor[i] != donorNone && aromaticCandidate(m, i, int(donor[i]))
	}
	// candidate rings: every atom a candidate, not all wildcards
	cr := sc.cr[:0]
	for k, r := range m.rings {
		ok, allDummy := true, true
		for _, a := range r {
			if !cand[a] {
				ok = false
				break
			}
			if m.Atoms[a].Element != 0 {
				allDummy = false
			}
		}
		if ok && !allDummy {
			cr = append(cr, k)
		}
	}
	sc.cr = cr
	nr := len(cr)
	if nr == 0 {
		return
	}
	// ring neighbours: both at most 24 atoms, sharing exactly one bond
	if cap(sc.nbr) < nr*nr {
		sc.nbr = make([]bool, nr*nr)
	}
	nbr := sc.nbr[:nr*nr]
	for i := range nbr {
		nbr[i] = false
	}
	for i := 0; i < nr; i++ {
		ri := m.ringBonds[cr[i]]
		if len(ri) > maxFusedAromaticRingSize {
			continue
		}
		for j := i + 1; j < nr; j++ {
			rj := m.ringBonds[cr[j]]
			if len(rj) > maxFusedAromaticRingSize {
				continue
			}
			if sharedBonds(ri, rj) == 1 {
				nbr[i*nr+j], nbr[j*nr+i] = true, true
			}
		}
	}
	// fused systems in RDKit's depth-first order
	done := sc.doneRing[:0]
	for range cr {
		done = append(done, false)
	}
	sc.doneRing = done
	for start := 0; start < nr; start++ {
		if done[start] {
			continue
		}
		fused := pickFused(start, nbr, nr, done, sc.group[:0])
		sc.group = fused
		huckelFused(m, cr, fused, nbr, nr, donor, sc)
	}
}

// pickFused collects, depth first, the rings fused with ring cur.
func pickFused(cur int, nbr []bool, nr int, done []bool, out []int) []int {
	done[cur] = true
	out = append(out, cur)
	for j := 0; j < nr; j++ {
		if nbr[cur*nr+j] && !done[j] {
			out = pickFused(j, nbr, nr, done, out)
		}
	}
	return out
}

func sharedBonds(a, b []int32) int {
	n := 0
	for _, x := range a {
		if containsI32(b, x) {
			n++
		}
	}
	return n
}

// aromScratch holds reusable buffers for aromaticity perception.
type aromScratch struct {
	donor    []int8
	cand     []bool
	cr       []int
	doneRing []bool
	group    []int
	count    []int8 // per atom: rings of the current combination holding it
	bondDone []bool
	bondCnt  []int8
	nbr      []bool
	comb     []int
	rs       []int
}

func (sc *aromScratch) reset(nA, nB int) {
	if cap(sc.donor) < nA {
		sc.donor = make([]int8, nA)
		sc.cand = make([]bool, nA)
		sc.count = make([]int8, nA)
	}
	sc.donor, sc.cand, sc.count = sc.donor[:nA], sc.cand[:nA], sc.count[:nA]
	for i := 0; i < nA; i++ {
		sc.donor[i] = 0
		sc.cand[i] = false
		sc.count[i] = 0
	}
	if cap(sc.bondDone) < nB {
		sc.bondDone = make([]bool, nB)
		sc.bondCnt = make([]int8, nB)
	}
	sc.bondDone, sc.bondCnt = sc.bondDone[:nB], sc.bondCnt[:nB]
	for i := 0; i < nB; i++ {
		sc.bondDone[i] = false
		sc.bondCnt[i] = 0
	}
}

// huckelFused is RDKit's applyHuckelToFused for one fused system (fused
// holds indices into cr; nbr is the ring neighbour matrix over cr).
func huckelFused(m *Mol, cr, fused []int, nbr []bool, nr int, donor []int8, sc *aromScratch) {
	nf := len(fused)
	// bonds of the system, and how many are aromatic so far
	nRingBonds, doneBonds := 0, 0
	for _, f := range fused {
		for _, b := range m.ringBonds[cr[f]] {
			if sc.bondCnt[b] == 0 {
				sc.bondCnt[b] = 1
				nRingBonds++
			}
		}
	}
	for _, f := range fused {
		for _, b := range m.ringBonds[cr[f]] {
			sc.bondCnt[b] = 0
		}
	}
	limit := nf
	if limit > maxFusedRings {
		limit = maxFusedRings
	}
	comb := sc.comb[:0]
	defer func() { sc.comb = comb }()
	for size := 1; size <= limit && doneBonds < nRingBonds; size++ {
		if size == 3 && nf > 300 {
			break
		}
		comb = comb[:0]
		for i := 0; i < size; i++ {
			comb = append(comb, i)
		}
		for {
			rs := sc.rs[:0]
			for _, c := range comb {
				rs = append(rs, fused[c])
			}
			sc.rs = rs
			if size == 1 || ringsConnected(rs, nbr, nr) {
				// atoms in one or two of the combination's rings count
				for _, ci := range rs {
					for _, a := range m.rings[cr[ci]] {
						sc.count[a]++
					}
				}
				elo, ehi, anyCount := 0, 0, 0
				for _, ci := range rs {
					for _, a := range m.rings[cr[ci]] {
						c := sc.count[a]
						if c <= 0 {
							continue // already counted
						}
						sc.count[a] = -c // mark counted, remember multiplicity
						if c > 2 {
							continue
						}
						switch donor[a] {
						case donorOne:
							elo++
							ehi++
						case donorTwo:
							elo += 2
							ehi += 2
						case donorAny:
							anyCount++
							elo++
							ehi += 2
						}
					}
				}
				for _, ci := range rs {
					for _, a := range m.rings[cr[ci]] {
						sc.count[a] = 0
					}
				}
				if anyCount <= 1 && huckel(elo, ehi) {
					for _, ci := range rs {
						for _, a := range m.rings[cr[ci]] {
							m.Atoms[a].Aromatic = true
						}
						for _, b := range m.ringBonds[cr[ci]] {
							sc.bondCnt[b]++
						}
					}
					// bonds only one ring of the combination holds
					for _, ci := range rs {
						for _, b := range m.ringBonds[cr[ci]] {
							if sc.bondCnt[b] == 1 {
								// a triple bond stays triple in an
								// aromatic ring, as in RDKit
								// (C1=CC#CC=C1 is c1ccccc#1)
								if m.Bonds[b].Kekule != BondTriple {
									m.Bonds[b].Order = BondAromatic
								}
								if !sc.bondDone[b] {
									sc.bondDone[b] = true
									doneBonds++
								}
							}
						}
					}
					for _, ci := range rs {
						for _, b := range m.ringBonds[cr[ci]] {
							sc.bondCnt[b] = 0
						}
					}
				}
			}
			// next combination in lexicographic order
			i := size - 1
			for i >= 0 && comb[i] == nf-size+i {
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
}

// ringsConnected reports whether the rings (indices into the neighbour
// matrix) form one connected group.
func ringsConnected(rs []int, nbr []bool, nr int) bool {
	if len(rs) > 64 {
		return false
	}
	reached := uint64(1)
	for changed := true; changed; {
		changed = false
		for i := range rs {
			if reached&(1<<i) == 0 {
				continue
			}
			for j := range rs {
				if reached&(1<<j) == 0 && nbr[rs[i]*nr+rs[j]] {
					reached |= 1 << j
					changed = true
				}
			}
		}
	}
	return reached == (uint64(1)<<len(rs))-1
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

// cachedValence is the explicit valence RDKit computed before
// kekulization (aromatic bonds 1.5, pulled down to an allowed valence) and
// keeps using during aromaticity perception; aromScratch.ev holds it.
// Outside perception it falls back to the Kekulé sum.
func cachedValence(m *Mol, i int) int {
	if m.ev != nil {
		return int(m.ev[i])
	}
	return kekuleValence(m, i)
}

// kekuleValence is the explicit valence from Kekulé orders plus bracket H.
func kekuleValence(m *Mol, i int) int {
	v := int(m.Atoms[i].ExplicitH)
	for _, nb := range m.Neighbors(i) {
		v += kekuleContrib(&m.Bonds[nb.Bond])
	}
	return v
}

// kekuleContrib is a bond's valence contribution in the Kekulé structure
// ('~' contributes nothing).
func kekuleContrib(b *Bond) int {
	if b.Order == BondAny {
		return 0
	}
	return bondValence2(b.Kekule) / 2
}

// multipleBonds reports a double or triple bond of atom i in a ring and
// out of one, and the atom at the end of the first one out of a ring.
func multipleBonds(m *Mol, i int) (cyclic, acyclic bool, who int) {
	who = -1
	for _, nb := range m.Neighbors(i) {
		if kekuleContrib(&m.Bonds[nb.Bond]) < 2 {
			continue
		}
		if m.bondRings[nb.Bond] > 0 {
			cyclic = true
		} else if !acyclic {
			acyclic = true
			who = int(nb.Atom)
		}
	}
	return
}

// zeroBonds counts the bonds of atom i that add no valence ('~').
func zeroBonds(m *Mol, i int) int {
	n := 0
	for _, nb := range m.Neighbors(i) {
		if kekuleContrib(&m.Bonds[nb.Bond]) == 0 {
			n++
		}
	}
	return n
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
	degree := m.Degree(i) + a.TotalH() - zeroBonds(m, i)
	if degree > 3 {
		return -1
	}
	nlp := int(elements[z].nOuter) - dv - int(a.Charge)
	if nlp < 0 {
		nlp = 0
	}
	res := dv - degree + nlp - int(a.Radicals)
	if res > 1 && cachedValence(m, i)-m.Degree(i) > 1 {
		res = 1
	}
	return res
}

// moreElectronegative is RDKit's ordering: more outer electrons, then the
// lighter element.
func moreElectronegative(z1, z2 int) bool {
	n1, n2 := elements[z1].nOuter, elements[z2].nOuter
	return n1 > n2 || n1 == n2 && z1 < z2
}

// donorType is RDKit's getAtomDonorTypeArom.
func donorType(m *Mol, i int) int {
	a := &m.Atoms[i]
	cyc, acyc, who := multipleBonds(m, i)
	if a.Element == 0 {
		if cyc {
			return donorOne
		}
		return donorAny
	}
	nelec := countAtomElec(m, i)
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
		return donorNone
	case nelec == 1:
		if acyc {
			if moreElectronegative(int(m.Atoms[who].Element), int(a.Element)) {
				return donorVacant
			}
			return donorOne
		}
		// any multiple bond: explicit valence above degree + bracket H
		if cachedValence(m, i) != m.Degree(i)+int(a.ExplicitH)-zeroBonds(m, i) {
			return donorOne
		}
		if a.Charge == 1 {
			return donorVacant // tropylium, cyclopropenyl cation
		}
		return donorNone
	default:
		if acyc && moreElectronegative(int(m.Atoms[who].Element), int(a.Element)) {
			nelec--
		}
		if nelec%2 == 1 {
			return donorOne
		}
		return donorTwo
	}
}

// aromaticCandidate is RDKit's isAtomCandForArom for the default model.
func aromaticCandidate(m *Mol, i, donor int) bool {
	a := &m.Atoms[i]
	z := int(a.Element)
	if z > 18 && z != 34 && z != 52 {
		return false
	}
	// atoms above the default valence of their isoelectronic element are out
	if dv := int(elements[z].valences[0]); dv > 0 {
		iso := z - int(a.Charge)
		if iso >= 0 && iso <= MaxAtomicNumber {
			if cachedValence(m, i)+int(a.ImplicitH) > int(elements[iso].valences[0]) {
				return false
			}
		}
	}
	// radicals disqualify heteroatoms and charged carbons
	if a.Radicals > 0 && (z != 6 || a.Charge != 0) {
		return false
	}
	// no more than one double or triple bond
	if cachedValence(m, i)-m.Degree(i) > 1 {
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
