package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"activelab/chem"
)

// maxMolfileAtoms is V2000's limit (three-digit counts).
const maxMolfileAtoms = 999

// mfAtom is one atom of a molfile's atom block, after the property lines.
type mfAtom struct {
	z        int
	symbol   string
	isotope  int
	charge   int
	radicals int  // unpaired electrons
	valence  int  // the atom block's valence field: 0 none, 15 zero, else total valence
	aromatic bool // has an aromatic (type 4) bond
	// parity is the atom block's stereo parity (1 odd, 2 even; 0 or 3
	// none), kept only when no atom of the molfile has coordinates.
	parity int
	placed bool // has a coordinate other than 0 (or one that does not read)
}

// mfBond is one bond of the bond block.
type mfBond struct{ a, b, order int }

// MolfileSMILES writes a V2000 or V3000 molfile (its lines, header through "M  END")
// as a SMILES string that chem.Parse reads into the molecule RDKit's
// MolFromMolBlock would build, for what it supports:
//
//   - atoms of any element, "D" and "T" as hydrogen isotopes; the atom
//     block's charge code (including 4, a doublet radical), mass difference
//     and valence field;
//   - bond types 1, 2, 3 and 4 (aromatic: the atoms are written lowercase);
//   - "M  CHG" (which, as the format says, replaces every charge of the atom
//     block), "M  ISO" and "M  RAD".
//
// Hydrogen counts follow RDKit's molfile reader: atoms get implicit
// hydrogens up to their smallest allowed valence (shifted by their charge as
// RDKit shifts it), unless the valence field fixes the total.
//
// V3000 molfiles are read from their CTAB block: atoms with CHG, MASS (the
// isotope), RAD and VAL (-1 is a zero valence), bonds of types 1-4.
//
// Not supported (an error or ignored, as listed): query atoms (A, Q, L, R#,
// *, V3000 atom lists) and query bond types 5-8 (V3000: also 9 and 10)
// (error); a second V3000 CTAB (error); atom lists
// and Sgroups (ignored).
//
// Stereochemistry: a V2000 molfile without coordinates (every atom at 0, 0,
// 0, as chem.MolBlock writes them) keeps its tetrahedral centres from the
// atom parities (1 odd, 2 even, as the CTfile format defines them from the
// atom numbers, a hydrogen or lone pair counting as the highest), as Open
// Babel reads such files; RDKit's reader keeps them only as the atom
// property molParity. A parity on an atom that cannot be a centre (not
// four neighbours, or three and one hydrogen or a lone pair) is ignored,
// and chem.Parse drops a mark on an atom with two equal neighbours.
// Otherwise stereochemistry is ignored: wedge bonds and coordinates (no 2D
// or 3D perception), V3000 CFG, and double-bond geometry, which only
// coordinates express; so such a SMILES has no chirality or double-bond
// geometry.
func MolfileSMILES(lines []string) (string, error) {
	atoms, bonds, err := parseMolfile(lines)
	if err != nil {
		return "", err
	}
	return writeSMILES(atoms, bonds)
}

// field returns the trimmed text of line[from:to], clipped to the line.
func field(line string, from, to int) string {
	if from >= len(line) {
		return ""
	}
	if to > len(line) {
		to = len(line)
	}
	return strings.TrimSpace(line[from:to])
}

// atoi reads an optional integer field ("" is 0).
func atoi(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

func parseMolfile(lines []string) ([]mfAtom, []mfBond, error) {
	if len(lines) < 4 {
		return nil, nil, errors.New("molfile shorter than its 4 header lines")
	}
	counts := lines[3]
	if strings.Contains(counts, "V3000") {
		return parseV3000(lines)
	}
	na, err1 := atoi(field(counts, 0, 3))
	nb, err2 := atoi(field(counts, 3, 6))
	if err1 != nil || err2 != nil || na < 0 || nb < 0 {
		return nil, nil, fmt.Errorf("molfile counts line %q: want the atom and bond counts in columns 1-6", clip(counts))
	}
	if na == 0 {
		return nil, nil, errors.New("molfile has no atoms")
	}
	if na > maxMolfileAtoms || nb > maxMolfileAtoms {
		return nil, nil, fmt.Errorf("molfile counts line: %d atoms and %d bonds exceed V2000's %d", na, nb, maxMolfileAtoms)
	}
	if len(lines) < 4+na+nb {
		return nil, nil, fmt.Errorf("molfile ends after %d lines; its counts (%d atoms, %d bonds) need %d", len(lines), na, nb, 4+na+nb)
	}
	atoms := make([]mfAtom, na)
	placed := false
	for i := range atoms {
		a, err := parseAtomLine(lines[4+i])
		if err != nil {
			return nil, nil, fmt.Errorf("molfile atom %d: %w", i+1, err)
		}
		atoms[i] = a
		placed = placed || a.placed
	}
	if placed { // coordinates, not parities, would carry the stereo: not read
		for i := range atoms {
			atoms[i].parity = 0
		}
	}
	bonds := make([]mfBond, nb)
	seen := map[[2]int]bool{}
	for i := range bonds {
		b, err := parseBondLine(lines[4+na+i], na)
		if err != nil {
			return nil, nil, fmt.Errorf("molfile bond %d: %w", i+1, err)
		}
		key := [2]int{min(b.a, b.b), max(b.a, b.b)}
		if seen[key] {
			return nil, nil, fmt.Errorf("molfile bond %d: atoms %d and %d are already bonded", i+1, b.a+1, b.b+1)
		}
		seen[key] = true
		bonds[i] = b
		if b.order == 4 {
			atoms[b.a].aromatic, atoms[b.b].aromatic = true, true
		}
	}
	chgSeen := false
	for _, l := range lines[4+na+nb:] {
		if !strings.HasPrefix(l, "M  ") || len(l) < 6 {
			continue
		}
		tag := l[3:6]
		if tag != "CHG" && tag != "ISO" && tag != "RAD" {
			continue
		}
		pairs, err := propertyPairs(l, na)
		if err != nil {
			return nil, nil, fmt.Errorf("molfile %q line: %w", "M  "+tag, err)
		}
		if tag == "CHG" && !chgSeen {
			chgSeen = true
			for i := range atoms {
				atoms[i].charge = 0
			}
		}
		for _, p := range pairs {
			a := &atoms[p[0]]
			switch tag {
			case "CHG":
				if p[1] < -15 || p[1] > 15 {
					return nil, nil, fmt.Errorf("molfile M  CHG: charge %d of atom %d is out of range", p[1], p[0]+1)
				}
				a.charge = p[1]
			case "ISO":
				if p[1] < 0 || p[1] > 999 {
					return nil, nil, fmt.Errorf("molfile M  ISO: mass %d of atom %d is out of range", p[1], p[0]+1)
				}
				a.isotope = p[1]
			case "RAD":
				switch p[1] {
				case 0:
					a.radicals = 0
				case 2:
					a.radicals = 1
				case 1, 3:
					a.radicals = 2
				default:
					return nil, nil, fmt.Errorf("molfile M  RAD: value %d of atom %d is not 0-3", p[1], p[0]+1)
				}
			}
		}
	}
	return atoms, bonds, nil
}

// propertyPairs reads "M  XXXnn8 aaa vvv ..." as (0-based atom, value) pairs.
func propertyPairs(l string, na int) ([][2]int, error) {
	f := strings.Fields(l[6:])
	if len(f) == 0 {
		return nil, errors.New("missing entry count")
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 0 || len(f) < 1+2*n {
		return nil, fmt.Errorf("entry count %q does not match the %d numbers that follow", f[0], len(f)-1)
	}
	out := make([][2]int, n)
	for i := range n {
		a, err1 := strconv.Atoi(f[1+2*i])
		v, err2 := strconv.Atoi(f[2+2*i])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("entry %d is not two integers", i+1)
		}
		if a < 1 || a > na {
			return nil, fmt.Errorf("atom %d does not exist (the molfile has %d)", a, na)
		}
		out[i] = [2]int{a - 1, v}
	}
	return out, nil
}

// parseAtomLine reads "xxxxx.xxxxyyyyy.yyyyzzzzz.zzzz aaaddcccssshhhbbbvvv".
func parseAtomLine(l string) (mfAtom, error) {
	sym := field(l, 31, 34)
	dd, errD := atoi(field(l, 34, 36))
	ccc, errC := atoi(field(l, 36, 39))
	sss, errS := atoi(field(l, 39, 42))
	vvv, errV := atoi(field(l, 48, 51))
	xyz := [3]string{field(l, 0, 10), field(l, 10, 20), field(l, 20, 30)}
	if sym == "" || strings.ContainsAny(sym, " \t") || errD != nil || errC != nil || errV != nil {
		// Not in the fixed columns: fall back to whitespace-separated fields.
		f := strings.Fields(l)
		if len(f) < 4 {
			return mfAtom{}, fmt.Errorf("line %q: want x, y, z and an element symbol", clip(l))
		}
		sym, dd, ccc, vvv = f[3], 0, 0, 0
		xyz = [3]string{f[0], f[1], f[2]}
		sss, errS = 0, nil
		if len(f) > 6 {
			sss, errS = strconv.Atoi(f[6])
		}
		var err error
		if len(f) > 4 {
			if dd, err = strconv.Atoi(f[4]); err != nil {
				return mfAtom{}, fmt.Errorf("line %q: mass difference %q is not an integer", clip(l), f[4])
			}
		}
		if len(f) > 5 {
			if ccc, err = strconv.Atoi(f[5]); err != nil {
				return mfAtom{}, fmt.Errorf("line %q: charge code %q is not an integer", clip(l), f[5])
			}
		}
		if len(f) > 9 {
			if vvv, err = strconv.Atoi(f[9]); err != nil {
				return mfAtom{}, fmt.Errorf("line %q: valence %q is not an integer", clip(l), f[9])
			}
		}
	}
	a := mfAtom{symbol: sym}
	switch sym {
	case "D":
		a.z, a.isotope, a.symbol = 1, 2, "H"
	case "T":
		a.z, a.isotope, a.symbol = 1, 3, "H"
	default:
		z, ok := chem.AtomicNumber(sym)
		if !ok || z == 0 {
			return mfAtom{}, fmt.Errorf("atom symbol %q is not an element (query atoms such as A, Q, L, R# are not supported)", clip(sym))
		}
		a.z = z
	}
	if dd != 0 && a.isotope == 0 {
		if dd < -3 || dd > 4 {
			return mfAtom{}, fmt.Errorf("mass difference %d is outside -3..4", dd)
		}
		a.isotope = chem.MostCommonIsotope(a.z) + dd
	}
	switch ccc {
	case 0:
	case 1, 2, 3:
		a.charge = 4 - ccc
	case 4:
		a.radicals = 1
	case 5, 6, 7:
		a.charge = 4 - ccc
	default:
		return mfAtom{}, fmt.Errorf("charge code %d is not 0-7", ccc)
	}
	if vvv < 0 || vvv > 15 {
		return mfAtom{}, fmt.Errorf("valence field %d is not 0-15", vvv)
	}
	a.valence = vvv
	if errS == nil && (sss == 1 || sss == 2) {
		a.parity = sss
	}
	for _, c := range xyz {
		if v, err := strconv.ParseFloat(c, 64); err != nil || v != 0 {
			a.placed = true
		}
	}
	return a, nil
}

// parseBondLine reads "111222tttsssxxxrrrccc".
func parseBondLine(l string, na int) (mfBond, error) {
	a, err1 := atoi(field(l, 0, 3))
	b, err2 := atoi(field(l, 3, 6))
	t, err3 := atoi(field(l, 6, 9))
	if err1 != nil || err2 != nil || err3 != nil || a == 0 || b == 0 || t == 0 {
		f := strings.Fields(l)
		if len(f) < 3 {
			return mfBond{}, fmt.Errorf("line %q: want two atom numbers and a bond type", clip(l))
		}
		var e1, e2, e3 error
		a, e1 = strconv.Atoi(f[0])
		b, e2 = strconv.Atoi(f[1])
		t, e3 = strconv.Atoi(f[2])
		if e1 != nil || e2 != nil || e3 != nil {
			return mfBond{}, fmt.Errorf("line %q: want two atom numbers and a bond type", clip(l))
		}
	}
	if a < 1 || a > na || b < 1 || b > na {
		return mfBond{}, fmt.Errorf("atom numbers %d and %d: the molfile has %d atoms", a, b, na)
	}
	if a == b {
		return mfBond{}, fmt.Errorf("atom %d is bonded to itself", a)
	}
	if t < 1 || t > 4 {
		return mfBond{}, fmt.Errorf("bond type %d is not supported (1 single, 2 double, 3 triple, 4 aromatic; query types 5-8 are not)", t)
	}
	return mfBond{a: a - 1, b: b - 1, order: t}, nil
}
