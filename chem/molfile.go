package chem

import (
	"fmt"
	"strings"
)

// MaxMolBlockAtoms is the most atoms (and bonds) a V2000 molfile can count
// in its three-digit fields.
const MaxMolBlockAtoms = 999

// MolBlock writes m as a V2000 molfile (header through "M  END", each line
// ending in '\n') titled with the first line of title.
//
// What it writes:
//   - every atom with its element symbol (the wildcard '*' as "A"), formal
//     charge (the atom block's code for -3..+3 and "M  CHG" for all, as
//     RDKit writes them), isotope ("M  ISO", mass number) and unpaired
//     electrons ("M  RAD": 1 doublet, 2 triplet);
//   - bonds in their Kekulé form (types 1, 2 and 3), so a reader needs no
//     aromaticity model of its own;
//   - hydrogens as RDKit's MolFromMolBlock counts them: an atom whose
//     hydrogen count is not the one a reader derives from its valence
//     (the smallest allowed valence its bonds, charge and radicals leave)
//     gets the atom block's valence field (15 for zero), so [nH], [CH2],
//     [NH4+] or [Na+] read back exactly.
//
// What it does not write: coordinates (all 0, so a drawing program lays
// the molecule out itself) and so no stereochemistry (neither wedges nor
// parities: a stereo SMILES and its flat form give the same block), and
// atom classes. It returns an error for what V2000 cannot hold: more than
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
		if o == BondUnspecified {
			o = bd.Order
		}
		switch o {
		case BondSingle, BondDouble, BondTriple:
		default:
			return "", fmt.Errorf("molfile: bond %d (atoms %d-%d) has no V2000 type (only single, double and triple are written)", i+1, bd.Begin+1, bd.End+1)
		}
		bondSum[bd.Begin] += int(o)
		bondSum[bd.End] += int(o)
	}
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
		fmt.Fprintf(&b, "    0.0000    0.0000    0.0000 %-3s 0%3d  0  0  0%3d  0  0  0  0  0  0\n", sym, code, vvv)
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
