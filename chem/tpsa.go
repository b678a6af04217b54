package chem

// TPSA returns the topological polar surface area (P. Ertl, B. Rohde,
// P. Selzer, J. Med. Chem. 2000, 43, 3714–3717) from nitrogen and oxygen
// contributions only, as RDKit's CalcTPSA with its default
// includeSandP=false. Each N and O is classified by its number of heavy
// neighbours, hydrogens, charge, single/double/triple/aromatic bonds and
// membership of a three-membered ring; unlisted environments use Ertl's
// fallback formula.
func TPSA(m *Mol) float64 {
	in3 := make([]bool, len(m.Atoms))
	for _, r := range m.Rings() {
		if len(r) == 3 {
			for _, a := range r {
				in3[a] = true
			}
		}
	}
	total := 0.0
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Element != 7 && a.Element != 8 {
			continue
		}
		var nbrs, hs, single, double, triple, arom int
		hs = a.TotalH()
		for _, nb := range m.Neighbors(i) {
			if m.Atoms[nb.Atom].Element == 1 {
				hs++
				continue
			}
			nbrs++
			switch m.Bonds[nb.Bond].Order {
			case BondAromatic:
				arom++
			case BondSingle:
				single++
			case BondDouble:
				double++
			case BondTriple:
				triple++
			}
		}
		total += tpsaContrib(a.Element, int(a.Charge), nbrs, hs, single, double, triple, arom, in3[i])
	}
	return total
}

// tpsaContrib is Ertl's contribution of one N (z=7) or O (z=8) atom.
func tpsaContrib(z uint8, chg, nbrs, hs, single, double, triple, arom int, in3 bool) float64 {
	t := -1.0
	if z == 7 {
		switch nbrs {
		case 1:
			switch {
			case hs == 0 && chg == 0 && triple == 1:
				t = 23.79
			case hs == 1 && chg == 0 && double == 1:
				t = 23.85
			case hs == 2 && chg == 0 && single == 1:
				t = 26.02
			case hs == 2 && chg == 1 && double == 1:
				t = 25.59
			case hs == 3 && chg == 1 && single == 1:
				t = 27.64
			}
		case 2:
			switch {
			case hs == 0 && chg == 0 && single == 1 && double == 1:
				t = 12.36
			case hs == 0 && chg == 0 && triple == 1 && double == 1:
				t = 13.60
			case hs == 1 && chg == 0 && single == 2 && in3:
				t = 21.94
			case hs == 1 && chg == 0 && single == 2 && !in3:
				t = 12.03
			case hs == 0 && chg == 1 && triple == 1 && single == 1:
				t = 4.36
			case hs == 1 && chg == 1 && double == 1 && single == 1:
				t = 13.97
			case hs == 2 && chg == 1 && single == 2:
				t = 16.61
			case hs == 0 && chg == 0 && arom == 2:
				t = 12.89
			case hs == 1 && chg == 0 && arom == 2:
				t = 15.79
			case hs == 1 && chg == 1 && arom == 2:
				t = 14.14
			}
		case 3:
			switch {
			case hs == 0 && chg == 0 && single == 3 && in3:
				t = 3.01
			case hs == 0 && chg == 0 && single == 3 && !in3:
				t = 3.24
			case hs == 0 && chg == 0 && single == 1 && double == 2:
				t = 11.68
			case hs == 0 && chg == 1 && single == 2 && double == 1:
				t = 3.01
			case hs == 1 && chg == 1 && single == 3:
				t = 4.44
			case hs == 0 && chg == 0 && arom == 3:
				t = 4.41
			case hs == 0 && chg == 0 && single == 1 && arom == 2:
				t = 4.93
			case hs == 0 && chg == 0 && double == 1 && arom == 2:
				t = 8.39
			case hs == 0 && chg == 1 && arom == 3:
				t = 4.10
			case hs == 0 && chg == 1 && single == 1 && arom == 2:
				t = 3.88
			}
		case 4:
			if hs == 0 && single == 4 && chg == 1 {
				t = 0
			}
		}
		if t < 0 {
			t = max(30.5-float64(nbrs)*8.2+float64(hs)*1.5, 0)
		}
		return t
	}
	switch nbrs {
	case 1:
		switch {
		case hs == 0 && chg == 0 && double == 1:
			t = 17.07
		case hs == 1 && chg == 0 && single == 1:
			t = 20.23
		case hs == 0 && chg == -1 && single == 1:
			t = 23.06
		}
	case 2:
		switch {
		case hs == 0 && chg == 0 && single == 2 && in3:
			t = 12.53
		case hs == 0 && chg == 0 && single == 2 && !in3:
			t = 9.23
		case hs == 0 && chg == 0 && arom == 2:
			t = 13.14
		}
	}
	if t < 0 {
		t = max(28.5-float64(nbrs)*8.6+float64(hs)*1.5, 0)
	}
	return t
}
