package chem

import (
	"sort"
	"strconv"
	"strings"
)

// electronMass is the electron's mass in u (CODATA, as RDKit's
// constants::electronMass), removed per unit of positive net charge by
// ExactMolWt.
const electronMass = 0.00054857990946

// atomMass is an atom's average mass: the isotope's mass when labelled,
// else the element's average atomic weight (RDKit Atom::getMass).
func atomMass(a *Atom) float64 {
	if a.Isotope != 0 {
		if m, ok := IsotopeMass(int(a.Element), int(a.Isotope)); ok {
			return m
		}
		return float64(a.Isotope)
	}
	return AverageMass(int(a.Element))
}

// MolWt returns the average molecular weight, hydrogens included (RDKit
// Descriptors.MolWt).
func MolWt(m *Mol) float64 {
	hMass := AverageMass(1)
	w := 0.0
	for i := range m.Atoms {
		a := &m.Atoms[i]
		w += atomMass(a)
		w += float64(a.TotalH()) * hMass
	}
	return w
}

// ExactMolWt returns the monoisotopic mass: most abundant isotope of each
// element unless labelled, hydrogens included, less the mass of the
// electrons a net positive charge removed (plus that of those a negative
// charge added), as RDKit 2022.09's Descriptors.ExactMolWt.
func ExactMolWt(m *Mol) float64 {
	hMass := MonoisotopicMass(1)
	w := 0.0
	charge := 0
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Isotope != 0 {
			w += atomMass(a)
		} else {
			w += MonoisotopicMass(int(a.Element))
		}
		w += float64(a.TotalH()) * hMass
		charge += int(a.Charge)
	}
	return w - float64(charge)*electronMass
}

// FormalCharge returns the net formal charge.
func FormalCharge(m *Mol) int {
	c := 0
	for i := range m.Atoms {
		c += int(m.Atoms[i].Charge)
	}
	return c
}

// hillLess orders element symbols as RDKit's CalcMolFormula does: C first,
// then H, then the rest by their symbols, wildcards ("*") last.
func hillLess(a, b string) bool {
	if a == b {
		return false
	}
	switch {
	case a == "*":
		return false
	case b == "*":
		return true
	case a == "C":
		return true
	case b == "C":
		return false
	case a == "H":
		return true
	case b == "H":
		return false
	}
	return a < b
}

// MolFormula returns the molecular formula as RDKit's CalcMolFormula
// writes it: Hill order (C, H, then by symbol; RDKit keeps H second even
// without carbon), counts above one written, isotopes counted as their
// element, wildcard atoms as "*" at the end ("C2H5*"), and a net charge as
// a suffix ("+", "-", "+2", "-3").
func MolFormula(m *Mol) string {
	counts := make(map[string]int, 8)
	hs := 0
	charge := 0
	for i := range m.Atoms {
		a := &m.Atoms[i]
		charge += int(a.Charge)
		hs += a.TotalH()
		counts[ElementSymbol(int(a.Element))]++
	}
	if hs > 0 {
		counts["H"] += hs
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return hillLess(keys[i], keys[j]) })
	var sb strings.Builder
	for _, k := range keys {
		sb.WriteString(k)
		if counts[k] > 1 {
			sb.WriteString(strconv.Itoa(counts[k]))
		}
	}
	switch {
	case charge > 0:
		sb.WriteByte('+')
		if charge > 1 {
			sb.WriteString(strconv.Itoa(charge))
		}
	case charge < 0:
		sb.WriteByte('-')
		if charge < -1 {
			sb.WriteString(strconv.Itoa(-charge))
		}
	}
	return sb.String()
}
