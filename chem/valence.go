package chem

import "strconv"

// bondValence2 is twice a bond's contribution to an atom's valence
// (aromatic counts 1.5, '~' nothing).
func bondValence2(o BondOrder) int {
	switch o {
	case BondSingle:
		return 2
	case BondDouble:
		return 4
	case BondTriple:
		return 6
	case BondQuadruple:
		return 8
	case BondAromatic:
		return 3
	}
	return 0
}

// chargeShift is the charge as it moves the default valence, RDKit's way:
// N+ behaves like C (4), O+ like N (3); left of carbon the sign flips
// ([B-] like C); carbon goes down either way ([C+] and [C-] take 3).
func chargeShift(z int, charge int) int {
	chr := charge
	if isEarlyAtom(z) {
		chr = -chr
	}
	if z == 6 && chr > 0 {
		chr = -chr
	}
	return chr
}

// explicitValence is RDKit's explicit valence of atom i: bond orders
// (aromatic 1.5) plus bracket hydrogens, rounded up from .5; an aromatic
// atom above its default valence is pulled down to the nearest allowed one
// when that is within 1.5 (the N of c1cccn1C, the bridging N of
// c1ccn2cncc2c1). If ignoreAromatic, the aromatic pull-down is skipped.
func explicitValence(m *Mol, i int, ignoreAromatic bool) int {
	a := &m.Atoms[i]
	acc2 := 2 * int(a.ExplicitH)
	for _, nb := range m.Neighbors(i) {
		acc2 += bondValence2(m.Bonds[nb.Bond].Order)
	}
	z := int(a.Element)
	vals := elements[z].valences
	dv := int(vals[0])
	chr := chargeShift(z, int(a.Charge))
	// RDKit's isAromaticAtom: the flag, or any aromatic bond (C:O)
	aromatic := a.Aromatic
	if !aromatic {
		for _, nb := range m.Neighbors(i) {
			if m.Bonds[nb.Bond].Order == BondAromatic {
				aromatic = true
				break
			}
		}
	}
	if aromatic && !ignoreAromatic && acc2 > 2*(dv+chr) {
		pval := dv + chr
		for _, v := range vals {
			if v == -1 {
				break
			}
			val := int(v) + chr
			if 2*val > acc2 {
				break
			}
			pval = val
		}
		if acc2-2*pval <= 3 {
			acc2 = 2 * pval
		}
	}
	return (acc2 + 1) / 2
}

// cleanUp applies RDKit's MolOps::cleanUp before valences are checked:
// a neutral five-valent N with a double bond to a neutral O becomes
// [N+]-[O-] (nitro N(=O)=O, N-oxides n(=O)); a neutral five-valent N with a
// triple bond to N becomes [N+]=[N-] (azides C-N=N#N); a neutral
// five-valent P with three neighbours, =O and =C or =N becomes [P+]-[O-];
// a neutral Cl, Br or I of valence 3, 5 or 7 bonded only to oxygens has
// each =O made [O-] with the halogen charged to match (perchlorate,
// chlorate, chlorite).
func cleanUp(m *Mol) {
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Charge != 0 {
			continue
		}
		switch a.Element {
		case 7:
			if explicitValence(m, i, true) != 5 {
				continue
			}
			done := false
			for _, nb := range m.Neighbors(i) {
				b := &m.Bonds[nb.Bond]
				o := &m.Atoms[nb.Atom]
				if b.Order == BondDouble && o.Element == 8 && o.Charge == 0 {
					b.Order = BondSingle
					o.Charge = -1
					a.Charge = 1
					done = true
					break
				}
			}
			if done {
				continue
			}
			for _, nb := range m.Neighbors(i) {
				b := &m.Bonds[nb.Bond]
				o := &m.Atoms[nb.Atom]
				if b.Order == BondTriple && o.Element == 7 && o.Charge == 0 {
					b.Order = BondDouble
					o.Charge = -1
					a.Charge = 1
					break
				}
			}
		case 15:
			// C=P(=O)X -> C=[P+]([O-])X
			if explicitValence(m, i, true) != 5 || m.Degree(i) != 3 {
				continue
			}
			var toO *Bond
			var oAtom *Atom
			doubleToCN := false
			for _, nb := range m.Neighbors(i) {
				b := &m.Bonds[nb.Bond]
				o := &m.Atoms[nb.Atom]
				if o.Element == 8 && o.Charge == 0 && b.Order == BondDouble {
					toO, oAtom = b, o
				} else if (o.Element == 6 || o.Element == 7) && m.Degree(int(nb.Atom)) >= 2 && b.Order == BondDouble {
					doubleToCN = true
				}
			}
			if doubleToCN && toO != nil {
				oAtom.Charge = -1
				toO.Order = BondSingle
				a.Charge = 1
			}
		case 17, 35, 53:
			if ev := explicitValence(m, i, true); ev != 7 && ev != 5 && ev != 3 {
				continue
			}
			allO := true
			for _, nb := range m.Neighbors(i) {
				if m.Atoms[nb.Atom].Element != 8 {
					allO = false
				}
			}
			if !allO {
				continue
			}
			for _, nb := range m.Neighbors(i) {
				b := &m.Bonds[nb.Bond]
				o := &m.Atoms[nb.Atom]
				if b.Order == BondDouble && o.Charge == 0 {
					b.Order = BondSingle
					o.Charge = -1
					a.Charge++
				}
			}
		}
	}
}

// assignValences computes each atom's explicit valence (into ev), checks
// it against the element's allowed valences as RDKit does, derives the
// implicit hydrogens of organic-subset atoms and the radicals of bracket
// atoms.
func assignValences(m *Mol, input string, ev []int32) error {
	for i := range m.Atoms {
		a := &m.Atoms[i]
		z := int(a.Element)
		v := explicitValence(m, i, false)
		ev[i] = int32(v)
		eff := v - int(a.Charge)
		if elements[z].nOuter < 4 {
			eff = v + int(a.Charge)
		}
		if mx := maxValence(z); mx > 0 && eff > mx {
			return newError(ErrValence, input, int(a.Offset), atomName(a)+at(int(a.Offset))+" has valence "+
				strconv.Itoa(eff)+", more than allowed ("+strconv.Itoa(mx)+")")
		}
		if a.Bracket {
			a.ImplicitH = 0
			continue
		}
		h, err := implicitHydrogens(a, v)
		if err != nil {
			return newError(ErrValence, input, int(a.Offset), err.Error())
		}
		a.ImplicitH = uint8(h)
	}
	return nil
}

type valenceError string

func (e valenceError) Error() string { return string(e) }

// implicitHydrogens is RDKit's implicit valence of an organic-subset atom
// with explicit valence ev: the gap to the smallest allowed valence that
// is not below ev; aromatic atoms only fill up to their default valence.
func implicitHydrogens(a *Atom, ev int) (int, error) {
	z := int(a.Element)
	if z == 0 {
		return 0, nil
	}
	vals := elements[z].valences
	dv := int(vals[0])
	if dv < 0 {
		return 0, nil
	}
	chg := chargeShift(z, int(a.Charge))
	if a.Aromatic {
		if ev <= dv+chg {
			return dv + chg - ev, nil
		}
		for _, v := range vals {
			if v > 0 && ev == int(v)+chg {
				return 0, nil
			}
		}
		return 0, valenceError("aromatic " + atomName(a) + at(int(a.Offset)) + " has valence " + strconv.Itoa(ev) +
			", which is none of the valences it allows")
	}
	for _, v := range vals {
		if v < 0 {
			break
		}
		if tot := int(v) + chg; ev <= tot {
			return tot - ev, nil
		}
	}
	if vals[len(vals)-1] == -1 {
		return 0, nil
	}
	return 0, valenceError(atomName(a) + at(int(a.Offset)) + " has valence " + strconv.Itoa(ev) +
		", more than allowed (" + strconv.Itoa(maxValence(z)) + ")")
}

// assignRadicals is RDKit's assignRadicals, run after kekulization: each
// bracket atom (no implicit hydrogens) gets the unpaired electrons its
// element, charge and Kekulé valence leave ([CH3] 1, [O] 2, [S](=O)=O 0);
// elements without valence rules (transition metals) get their odd
// electron, if any.
func assignRadicals(m *Mol) {
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if !a.Bracket || a.Element == 0 {
			continue
		}
		z := int(a.Element)
		chg := int(a.Charge)
		nOuter := int(elements[z].nOuter)
		vals := elements[z].valences
		if len(vals) == 1 && vals[0] == -1 {
			nv := nOuter - chg
			if nv < 0 {
				nv = 0
			}
			a.Radicals = uint8(nv % 2)
			continue
		}
		tv := kekuleValence(m, i)
		base := 8
		if z == 1 || z == 2 {
			base = 2
		}
		r := base - nOuter - tv + chg
		if r < 0 {
			r = 0
			if len(vals) > 1 {
				for _, v := range vals {
					if x := int(v) - tv + chg; x >= 0 {
						r = x
						break
					}
				}
			}
		}
		if r2 := nOuter - tv - chg; r2 >= 0 && r2 < r {
			r = r2
		}
		if r > 255 {
			r = 255
		}
		a.Radicals = uint8(r)
	}
}

// atomName names an atom for messages: "carbon", "aromatic nitrogen",
// "N+ (nitrogen)".
func atomName(a *Atom) string {
	name := elements[a.Element].name
	if a.Aromatic {
		name = "aromatic " + name
	}
	if a.Charge != 0 {
		q := strconv.Itoa(int(a.Charge))
		if a.Charge > 0 {
			q = "+" + q
		}
		name += " (charge " + q + ")"
	}
	return name
}
