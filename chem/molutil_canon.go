package chem

// stereoNeighbors appends to dst the neighbour order atom i's tetrahedral
// mark refers to after Parse: -1 for its single hydrogen (when it has
// exactly one that is not an atom) first, then Neighbors(i) in order.
func (m *Mol) stereoNeighbors(dst []int32, i int) []int32 {
	if m.Atoms[i].TotalH() == 1 {
		dst = append(dst, -1)
	}
	for _, nb := range m.Neighbors(i) {
		dst = append(dst, nb.Atom)
	}
	return dst
}
