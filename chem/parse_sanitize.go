package chem

// sanitizeScratch holds buffers reused across Parse calls.
type sanitizeScratch struct {
	ev    []int32
	rings ringScratch
	arom  aromScratch
	kek   kekuleScratch
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
	if err := kekulize(m, p.s, sc.ev, &sc.kek); err != nil {
		return err
	}
	assignRadicals(m)
	perceiveAromaticity(m, &sc.arom)
	return nil
}
