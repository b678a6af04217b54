package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"activelab/chem"
)

// maxV3000Atoms bounds a V3000 connection table (V3000 has no fixed limit;
// an SDF record is bounded by maxSDFRecordLines anyway).
const maxV3000Atoms = 100_000

// v30Lines returns the logical "M  V30" lines of a V3000 molfile body
// (after the counts line, through "M  END"): the prefix removed and lines
// ending in "-" joined with the next.
func v30Lines(lines []string) ([]string, error) {
	var out []string
	var cur strings.Builder
	open := false
	for _, l := range lines {
		if strings.HasPrefix(l, "M  END") {
			break
		}
		rest, ok := strings.CutPrefix(l, "M  V30 ")
		if !ok {
			if open {
				return nil, fmt.Errorf("V3000 line %q continues a line but is not an M  V30 line", clip(l))
			}
			continue // V2000-style property lines are not part of V3000's CTAB
		}
		if s, cont := strings.CutSuffix(rest, "-"); cont {
			cur.WriteString(s)
			open = true
			continue
		}
		cur.WriteString(rest)
		out = append(out, cur.String())
		cur.Reset()
		open = false
	}
	if open {
		return nil, errors.New("V3000 molfile ends inside a continued line")
	}
	return out, nil
}

// v30Fields splits a V3000 line into fields: whitespace separates them,
// except inside double quotes ("" is a quote) and parentheses.
func v30Fields(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	depth, quoted, inField := 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted:
			if c == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					cur.WriteByte('"')
					i++
					continue
				}
				quoted = false
				continue
			}
			cur.WriteByte(c)
		case c == '"':
			quoted, inField = true, true
		case c == '(':
			depth++
			cur.WriteByte(c)
			inField = true
		case c == ')':
			if depth == 0 {
				return nil, fmt.Errorf("unbalanced ')' in %q", clip(s))
			}
			depth--
			cur.WriteByte(c)
		case (c == ' ' || c == '\t') && depth == 0:
			if inField {
				out = append(out, cur.String())
				cur.Reset()
				inField = false
			}
		default:
			cur.WriteByte(c)
			inField = true
		}
	}
	if quoted || depth != 0 {
		return nil, fmt.Errorf("unclosed quote or parenthesis in %q", clip(s))
	}
	if inField {
		out = append(out, cur.String())
	}
	return out, nil
}

// parseV3000 reads the first CTAB block of a V3000 molfile: its counts,
// atoms (element, CHG, MASS, RAD, VAL) and bonds (types 1-4). Other
// blocks (SGROUP, COLLECTION, OBJ3D, templates) and stereo keywords are
// ignored; query atoms (lists, NOT lists, A, Q, *, R#) and query or
// coordination bond types are refused.
func parseV3000(lines []string) ([]mfAtom, []mfBond, error) {
	v30, err := v30Lines(lines[4:])
	if err != nil {
		return nil, nil, err
	}
	var (
		atoms       []mfAtom
		bonds       []mfBond
		index       = map[int]int{} // atom number in the file -> position
		seen        = map[[2]int]bool{}
		na, nb      = -1, -1
		stack       []string // open blocks, outermost first
		ctabs, ends int
	)
	for _, l := range v30 {
		f, err := v30Fields(l)
		if err != nil {
			return nil, nil, fmt.Errorf("V3000: %w", err)
		}
		if len(f) == 0 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "BEGIN", "END":
			if len(f) < 2 {
				return nil, nil, fmt.Errorf("V3000: %s without a block name", f[0])
			}
			name := strings.ToUpper(f[1])
			if strings.EqualFold(f[0], "BEGIN") {
				if name == "CTAB" {
					if ctabs++; ctabs > 1 {
						return nil, nil, errors.New("V3000: more than one CTAB block (not supported)")
					}
				}
				stack = append(stack, name)
				continue
			}
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return nil, nil, fmt.Errorf("V3000: END %s does not close the open block", name)
			}
			stack = stack[:len(stack)-1]
			if name == "CTAB" {
				ends++
			}
			continue
		}
		block := strings.Join(stack, "/")
		switch block {
		case "CTAB":
			if strings.EqualFold(f[0], "COUNTS") {
				if len(f) < 3 {
					return nil, nil, fmt.Errorf("V3000 COUNTS line %q: want the atom and bond counts", clip(l))
				}
				var e1, e2 error
				na, e1 = strconv.Atoi(f[1])
				nb, e2 = strconv.Atoi(f[2])
				if e1 != nil || e2 != nil || na < 0 || nb < 0 {
					return nil, nil, fmt.Errorf("V3000 COUNTS line %q: want the atom and bond counts", clip(l))
				}
				if na > maxV3000Atoms || nb > maxV3000Atoms {
					return nil, nil, fmt.Errorf("V3000 COUNTS: %d atoms and %d bonds exceed %d", na, nb, maxV3000Atoms)
				}
			}
		case "CTAB/ATOM":
			if na >= 0 && len(atoms) >= na {
				return nil, nil, fmt.Errorf("V3000: more atoms than COUNTS says (%d)", na)
			}
			idx, a, err := parseV30Atom(f)
			if err != nil {
				return nil, nil, fmt.Errorf("V3000 atom %d: %w", len(atoms)+1, err)
			}
			if _, dup := index[idx]; dup {
				return nil, nil, fmt.Errorf("V3000 atom %d: number %d is used twice", len(atoms)+1, idx)
			}
			index[idx] = len(atoms)
			atoms = append(atoms, a)
		case "CTAB/BOND":
			if nb >= 0 && len(bonds) >= nb {
				return nil, nil, fmt.Errorf("V3000: more bonds than COUNTS says (%d)", nb)
			}
			b, err := parseV30Bond(f, index)
			if err != nil {
				return nil, nil, fmt.Errorf("V3000 bond %d: %w", len(bonds)+1, err)
			}
			key := [2]int{min(b.a, b.b), max(b.a, b.b)}
			if seen[key] {
				return nil, nil, fmt.Errorf("V3000 bond %d: atoms are already bonded", len(bonds)+1)
			}
			seen[key] = true
			bonds = append(bonds, b)
			if b.order == 4 {
				atoms[b.a].aromatic, atoms[b.b].aromatic = true, true
			}
		}
	}
	switch {
	case ctabs == 0 || na < 0:
		return nil, nil, errors.New("V3000 molfile has no CTAB block with a COUNTS line")
	case ends == 0 || len(stack) > 0:
		return nil, nil, errors.New("V3000 CTAB block is not closed (END CTAB)")
	case len(atoms) == 0:
		return nil, nil, errors.New("molfile has no atoms")
	case len(atoms) != na || len(bonds) != nb:
		return nil, nil, fmt.Errorf("V3000: COUNTS says %d atoms and %d bonds, the blocks hold %d and %d", na, nb, len(atoms), len(bonds))
	}
	return atoms, bonds, nil
}

// parseV30Atom reads "index type x y z aamap [KEY=value ...]".
func parseV30Atom(f []string) (int, mfAtom, error) {
	if len(f) < 6 {
		return 0, mfAtom{}, fmt.Errorf("line %q: want index, type, x, y, z and map number", clip(strings.Join(f, " ")))
	}
	idx, err := strconv.Atoi(f[0])
	if err != nil || idx < 1 {
		return 0, mfAtom{}, fmt.Errorf("index %q is not a positive integer", clip(f[0]))
	}
	sym := f[1]
	a := mfAtom{symbol: sym}
	switch sym {
	case "D":
		a.z, a.isotope, a.symbol = 1, 2, "H"
	case "T":
		a.z, a.isotope, a.symbol = 1, 3, "H"
	default:
		z, ok := chem.AtomicNumber(sym)
		if !ok || z == 0 {
			return 0, mfAtom{}, fmt.Errorf("atom type %q is not an element (query atoms such as lists, A, Q, * and R# are not supported)", clip(sym))
		}
		a.z = z
	}
	for _, kv := range f[6:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k = strings.ToUpper(k)
		if k != "CHG" && k != "MASS" && k != "RAD" && k != "VAL" {
			continue // CFG, HCOUNT, ATTCHPT, ... do not change the molecule we write
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, mfAtom{}, fmt.Errorf("%s=%q is not an integer", k, clip(v))
		}
		switch k {
		case "CHG":
			if n < -15 || n > 15 {
				return 0, mfAtom{}, fmt.Errorf("CHG=%d is out of range", n)
			}
			a.charge = n
		case "MASS":
			if n < 0 || n > 999 {
				return 0, mfAtom{}, fmt.Errorf("MASS=%d is out of range", n)
			}
			a.isotope = n
		case "RAD":
			switch n {
			case 0:
				a.radicals = 0
			case 2:
				a.radicals = 1
			case 1, 3:
				a.radicals = 2
			default:
				return 0, mfAtom{}, fmt.Errorf("RAD=%d is not 0-3", n)
			}
		case "VAL":
			switch {
			case n == -1:
				a.valence = 15 // V2000's code for zero valence
			case n >= 0 && n <= 14:
				a.valence = n
			default:
				return 0, mfAtom{}, fmt.Errorf("VAL=%d is not -1..14", n)
			}
		}
	}
	return idx, a, nil
}

// parseV30Bond reads "index type atom1 atom2 [KEY=value ...]".
func parseV30Bond(f []string, index map[int]int) (mfBond, error) {
	if len(f) < 4 {
		return mfBond{}, fmt.Errorf("line %q: want index, type and two atoms", clip(strings.Join(f, " ")))
	}
	t, e1 := strconv.Atoi(f[1])
	a, e2 := strconv.Atoi(f[2])
	b, e3 := strconv.Atoi(f[3])
	if e1 != nil || e2 != nil || e3 != nil {
		return mfBond{}, fmt.Errorf("line %q: want integer type and atoms", clip(strings.Join(f, " ")))
	}
	ia, okA := index[a]
	ib, okB := index[b]
	if !okA || !okB {
		return mfBond{}, fmt.Errorf("atoms %d and %d: not both in the atom block", a, b)
	}
	if ia == ib {
		return mfBond{}, fmt.Errorf("atom %d is bonded to itself", a)
	}
	if t < 1 || t > 4 {
		return mfBond{}, fmt.Errorf("bond type %d is not supported (1 single, 2 double, 3 triple, 4 aromatic; query types 5-8, coordination 9 and hydrogen 10 are not)", t)
	}
	return mfBond{a: ia, b: ib, order: t}, nil
}
