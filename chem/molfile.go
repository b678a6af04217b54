package chem

import (
	"fmt"
	"slices"
	"strings"
)

// MaxMolBlockAtoms is the most atoms (and bonds) a V2000 molfile can count
// in its three-digit fields.
const MaxMolBlockAtoms = 999

// MolBlock writes m as a V2000 molfile (header through "M  END", each line
// ending in '\n') titled with the first line of title.
//
// What it writes:
//
//   - every atom with its element symbol (the wildcard '*' as "A"), formal
//     charge (the atom block's code for -3..+3 and "M  CHG" for all, as
//     RDKit writes them), isotope ("M  ISO", mass number) and unpaired
//     electrons ("M  RAD": 1 doublet, 2 triplet);
//
//   - bonds in their Kekulé form (types 1, 2 and 3), so a reader needs no
//     aromaticity model of its own (an aromatic bond between atoms that are
//     not aromatic, B:B, which RDKit keeps, has none and is written single);
//
//   - hydrogens as RDKit's MolFromMolBlock counts them: an atom whose
//     hydrogen count is not the one a reader derives from its valence
//     (the smallest allowed valence its bonds, charge and radicals leave)
//     gets the atom block's valence field (15 for zero), so [nH], [CH2],
//     [NH4+] or [Na+] read back exactly.
//
//   - each tetrahedral stereocentre's atom parity (the atom block's stereo
//     field: 1 odd, 2 even, as the CTfile format defines it from the atom
//     numbers, a hydrogen or lone pair counting as the highest), for the
//     centres CanonicalSMILES keeps. RDKit stores the field as the atom
//     property molParity and sets chiral tags from it with
//     AssignAtomChiralTagsFromMolParity; Open Babel reads it from a file
//     without coordinates, as does this project's SDF reader.
//
// What it does not write: coordinates (all 0, so a drawing program lays
// the molecule out itself: chem has no 2D layout), and so no double-bond
// geometry, which V2000 expresses only by coordinates (its bond stereo
// field marks "either", not cis or trans); nor wedges, nor atom classes. It returns an error for what V2000 cannot hold: more than
// MaxMolBlockAtoms atoms or bonds, a quadruple or '~' bond, more than two
// unpaired electrons on an atom, or a valence above 14 where the field is
// needed.
func MolBlock(m *Mol, title string) (string, error) {
	na, nb := len(m.Atoms), len(m.Bonds)
	if na > MaxMolBlockAtoms || nb > MaxMolBlockAtoms {
		return "", fmt.Errorf("molfile: %d atoms and %d bonds exceed V2000's %d", na, nb, MaxMolBlockAtoms)
	}
	if i := strings.IndexAny(title, "\r\n"); i >= 0 {
		title = title[:i]
	}
	var b strings.Builder
	b.Grow(128 + 70*na + 22*nb)
	b.WriteString(title)
	b.WriteString("\n  ActivLab          2D\n\n")
	fmt.Fprintf(&b, "%3d%3d  0  0  0  0  0  0  0  0999 V2000\n", na, nb)

	bondSum := make([]int, na) // Kekulé bond orders around each atom
	for i := range m.Bonds {
		bd := &m.Bonds[i]
		o := bd.Kekule
		if o == BondUnspecified || bd.Order == BondAny || bd.Order == BondQuadruple {
			o = bd.Order // no Kekulé order stands for '~' or '$'
		}
		switch o {
		case BondSingle, BondDouble, BondTriple:
		default:
			return "", fmt.Errorf("molfile: bond %d (atoms %d-%d) has no V2000 type (only single, double and triple are written)", i+1, bd.Begin+1, bd.End+1)
		}
		bondSum[bd.Begin] += int(o)
		bondSum[bd.End] += int(o)
	}
	parity := molfileParities(m)
	var chg, iso, rad [][2]int
	for i := range m.Atoms {
		a := &m.Atoms[i]
		sym := "A"
		if a.Element != 0 {
			sym = ElementSymbol(int(a.Element))
		}
		code := 0
		if c := int(a.Charge); c != 0 {
			chg = append(chg, [2]int{i + 1, c})
			if c >= -3 && c <= 3 {
				code = 4 - c
			}
		}
		if a.Isotope != 0 {
			iso = append(iso, [2]int{i + 1, int(a.Isotope)})
		}
		switch a.Radicals {
		case 0:
		case 1:
			rad = append(rad, [2]int{i + 1, 2})
		case 2:
			rad = append(rad, [2]int{i + 1, 3})
		default:
			return "", fmt.Errorf("molfile: atom %d has %d unpaired electrons; M  RAD holds at most 2", i+1, a.Radicals)
		}
		vvv := 0
		if a.Element != 0 {
			h := a.TotalH()
			if h != molfileHydrogens(int(a.Element), int(a.Charge), int(a.Radicals), bondSum[i]) {
				switch v := bondSum[i] + h; {
				case v == 0:
					vvv = 15
				case v > 14:
					return "", fmt.Errorf("molfile: atom %d needs valence %d in its valence field, which holds at most 14", i+1, v)
				default:
					vvv = v
				}
			}
		}
		sss := 0
		if parity != nil {
			sss = int(parity[i])
		}
		fmt.Fprintf(&b, "    0.0000    0.0000    0.0000 %-3s 0%3d%3d  0  0%3d  0  0  0  0  0  0\n", sym, code, sss, vvv)
	}
	for i := range m.Bonds {
		bd := &m.Bonds[i]
		o := bd.Kekule
		if o == BondUnspecified {
			o = bd.Order
		}
		fmt.Fprintf(&b, "%3d%3d%3d  0\n", bd.Begin+1, bd.End+1, o)
	}
	writeProperty(&b, "CHG", chg)
	writeProperty(&b, "ISO", iso)
	writeProperty(&b, "RAD", rad)
	b.WriteString("M  END\n")
	return b.String(), nil
}

// molfileParities returns the molfile atom parity of every atom of m (0
// none, 1 odd, 2 even), or nil when m has no tetrahedral mark. A parity is
// set on the centres that canonical stereo perception keeps (a mark on an
// atom with two equivalent neighbours describes nothing). The CTfile
// definition: number the centre's neighbours by their position in the atom
// block, a hydrogen (implicit) or the lone pair of a three-coordinate centre
// last; looking with the last one pointing away, parity 1 means the first
// three run clockwise. A chem mark, '@' with its neighbour order (the
// hydrogen first), means the others run clockwise looking with the first
// one pointing away; so the mark, carried over to the order (last, first,
// second, third) by the parity of the permutation, is '@' exactly when the
// parity is 1.
func molfileParities(m *Mol) []uint8 {
	marked := false
	for i := range m.Atoms {
		if m.Atoms[i].Chiral != ChiralNone {
			marked = true
			break
		}
	}
	if !marked {
		return nil
	}
	_, tetras, _ := canonicalRanks(m)
	if len(tetras) == 0 {
		return nil
	}
	parity := make([]uint8, len(m.Atoms))
	const last = int32(1 << 30) // the hydrogen or lone pair
	for _, t := range tetras {
		// order is the mark's neighbour order, four entries.
		var order [4]int32
		switch len(t.ref) {
		case 4:
			copy(order[:], t.ref)
		case 3: // the lone pair where OpenSMILES reads an implicit hydrogen: after the first neighbour (Parse moves only a real hydrogen to the front)
			order = [4]int32{t.ref[0], -1, t.ref[1], t.ref[2]}
		default:
			continue
		}
		for k := range order {
			if order[k] < 0 {
				order[k] = last
			}
		}
		sorted := order
		slices.Sort(sorted[:])
		want := [4]int32{sorted[3], sorted[0], sorted[1], sorted[2]}
		tag := t.tag
		if permutationOdd(order, want) {
			tag = invertChirality(tag)
		}
		parity[t.atom] = 2
		if tag == ChiralCCW {
			parity[t.atom] = 1
		}
	}
	return parity
}

// permutationOdd reports whether reordering from into to (the same four
// distinct values) takes an odd number of swaps.
func permutationOdd(from, to [4]int32) bool {
	odd := false
	for k := range from {
		if from[k] == to[k] {
			continue
		}
		for j := k + 1; j < len(from); j++ {
			if from[j] == to[k] {
				from[k], from[j] = from[j], from[k]
				odd = !odd
				break
			}
		}
	}
	return odd
}

// writeProperty writes "M  TAGnn8 aaa vvv ..." lines, eight pairs a line.
func writeProperty(b *strings.Builder, tag string, pairs [][2]int) {
	for len(pairs) > 0 {
		n := min(len(pairs), 8)
		fmt.Fprintf(b, "M  %s%3d", tag, n)
		for _, p := range pairs[:n] {
			fmt.Fprintf(b, " %3d %3d", p[0], p[1])
		}
		b.WriteByte('\n')
		pairs = pairs[n:]
	}
}

// molfileHydrogens is the hydrogen count a molfile reader following RDKit
// gives an atom without a valence field: its Kekulé bond orders plus
// unpaired electrons filled up to the smallest allowed valence its charge
// leaves (N+ like C, O- like F; see chargeShift); none for hydrogen, for
// elements without a default valence (metals) and above every allowed
// valence.
func molfileHydrogens(z, charge, radicals, bondSum int) int {
	if z == 1 {
		return 0
	}
	vals := AllowedValences(z)
	if vals[0] < 0 {
		return 0
	}
	shift := chargeShift(z, charge)
	ev := bondSum + radicals
	for _, v := range vals {
		if v < 0 {
			break
		}
		if tot := int(v) + shift; ev <= tot {
			return tot - ev
		}
	}
	return 0
}

// SDFRecord writes one SD file record: molblock (a molfile from MolBlock;
// "" writes an empty molfile titled title, with no atoms), the data items
// in order ("> <name>" then the value, a blank line after each) and the
// "$$$$" line. Values keep their line breaks; a blank line inside a value,
// which would end the item, is written as a single space, and a line
// starting "$$$$" gets a leading space. Names lose '<', '>' and line breaks.
func SDFRecord(b *strings.Builder, molblock, title string, items [][2]string) {
	if molblock == "" {
		if i := strings.IndexAny(title, "\r\n"); i >= 0 {
			title = title[:i]
		}
		b.WriteString(title)
		b.WriteString("\n  ActivLab          2D\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n")
	} else {
		b.WriteString(molblock)
	}
	for _, it := range items {
		name := strings.Map(func(r rune) rune {
			switch r {
			case '<', '>', '\r', '\n':
				return -1
			}
			return r
		}, it[0])
		b.WriteString("> <")
		b.WriteString(name)
		b.WriteString(">\n")
		for _, l := range strings.Split(strings.ReplaceAll(it[1], "\r\n", "\n"), "\n") {
			if strings.TrimSpace(l) == "" {
				l = " "
			} else if strings.HasPrefix(l, "$$$$") {
				l = " " + l
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	b.WriteString("$$$$\n")
}
