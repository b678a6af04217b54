package chem_test

import (
	"errors"
	"fmt"

	"activelab/chem"
)

func ExampleParse() {
	m, err := chem.Parse("c1ccccc1C(=O)O benzoic acid")
	if err != nil {
		fmt.Println(err)
		return
	}
	aromatic := 0
	for i := range m.Atoms {
		if m.Atoms[i].Aromatic {
			aromatic++
		}
	}
	fmt.Println(m.NumAtoms(), "atoms,", len(m.Rings()), "ring,", aromatic, "aromatic atoms")

	_, err = chem.Parse("C1CC")
	var pe *chem.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Pos, pe.Msg, errors.Is(err, chem.ErrRing))
	}
	// Output:
	// 9 atoms, 1 ring, 6 aromatic atoms
	// 1 ring bond 1 opened at offset 1 is never closed true
}
