package chem

import "strconv"

// sanitizeScratch holds buffers reused across Parse calls.
type sanitizeScratch struct {
	ev    []int32
	rings ringScratch
	arom  aromScratch
	kek   kekuleScratch
	// written: atoms written aromatic (lowercase), before perception
	written []bool
}

// sanitize runs RDKit's sanitization steps in its order on a freshly
// parsed molecule, in place: hydrogen atoms folded in, cleanUp, valences
// and implicit hydrogens, rings, kekulization, radicals, aromaticity.
func sanitize(m *Mol, p *parser) error {
	normalizeChirality(m, p.keys)
	if hm := removeHydrogens(m); hm != m {
		*m = *hm
	}
	cleanUp(m)
	sc := &p.scratch
	sc.ev = growI32(sc.ev, len(m.Atoms))
	if err := assignValences(m, p.s, sc.ev); err != nil {
		return err
	}
	perceiveRings(m, &sc.rings)
	if cap(sc.written) < len(m.Atoms) {
		sc.written = make([]bool, len(m.Atoms))
	}
	written := sc.written[:len(m.Atoms)]
	for i := range m.Atoms {
		written[i] = m.Atoms[i].Aromatic
	}
	if err := kekulize(m, p.s, sc.ev, &sc.kek); err != nil {
		return err
	}
	assignRadicals(m)
	m.ev = sc.ev
	perceiveAromaticity(m, &sc.arom)
	m.ev = nil
	for _, b := range sc.kek.keep {
		m.Bonds[b].Order = BondAromatic
	}
	if err := checkKekuleValences(m, p.s, written); err != nil {
		return err
	}
	finalizeHydrogens(m, written)
	return nil
}

// checkKekuleValences rejects an atom written aromatic that perception
// left aliphatic with more bonds than its element allows. The aromatic
// valence rule lets it through assignValences (three bonds to an aromatic
// o count as 2, as in RDKit), but once it is no longer aromatic the
// molecule is its Kekulé form, whose SMILES would not read back: RDKit
// turns C1Co1C into CO1CC1, which it then rejects. Rejecting such input
// here keeps every canonical SMILES parseable; where perception keeps the
// atom aromatic, the input is accepted as RDKit accepts it.
func checkKekuleValences(m *Mol, input string, written []bool) error {
	for i := range m.Atoms {
		a := &m.Atoms[i]
		z := int(a.Element)
		if !written[i] || a.Aromatic || z == 0 {
			continue
		}
		mx := maxValence(z)
		if mx <= 0 {
			continue
		}
		v := a.TotalH()
		for _, nb := range m.Neighbors(i) {
			if m.Bonds[nb.Bond].Order != BondAny {
				v += bondValence2(m.Bonds[nb.Bond].Kekule) / 2
			}
		}
		eff := v - int(a.Charge)
		if elements[z].nOuter < 4 {
			eff = v + int(a.Charge)
		}
		if eff > mx {
			return newError(ErrValence, input, int(a.Offset), atomName(a)+at(int(a.Offset))+
				" is not aromatic in any ring and has valence "+strconv.Itoa(eff)+", more than allowed ("+strconv.Itoa(mx)+")")
		}
	}
	return nil
}

// finalizeHydrogens repeats RDKit's last sanitization steps, adjustHs and
// updatePropertyCache, on the final structure: each organic-subset atom's
// implicit hydrogens are computed again from its final bonds and aromatic
// flag; hydrogens that would be lost are kept as explicit ones. This only
// changes anything for atoms written aromatic that end up aliphatic with
// a different valence (C1CCCCs1C gives [SH]).
// writtenAromatic tells which atoms were written lowercase.
func finalizeHydrogens(m *Mol, writtenAromatic []bool) {
	for i := range m.Atoms {
		a := &m.Atoms[i]
		// RDKit's kekulization frees the hydrogen of an [nH] or [pH] that
		// ends up aliphatic: the atom gets the hydrogens its valence needs
		// (C[nH]1CCCCC1 is N-methylpiperidine).
		if a.Bracket && writtenAromatic[i] && !a.Aromatic && (a.Element == 7 || a.Element == 15) &&
			a.Charge == 0 && a.ExplicitH == 1 {
			a.Bracket = false
			a.ExplicitH = 0
			a.ImplicitH = 0
		}
		if a.Bracket || a.Element == 0 {
			continue
		}
		ev := explicitValence(m, i, false)
		h, err := implicitHydrogens(a, ev)
		if err != nil {
			continue
		}
		if h < int(a.ImplicitH) {
			a.ExplicitH += a.ImplicitH - uint8(h)
			ev = explicitValence(m, i, false)
			if h2, err := implicitHydrogens(a, ev); err == nil {
				h = h2
			}
		}
		a.ImplicitH = uint8(h)
	}
}
