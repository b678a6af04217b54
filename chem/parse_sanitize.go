package chem

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
	finalizeHydrogens(m, written)
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
