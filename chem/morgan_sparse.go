package chem

import "slices"

// morganDenseMaxWords is the largest bond-set size, in 64-bit words, for
// which environments are kept as bit sets (one per atom, so memory and time
// grow as atoms × bonds / 64). Larger molecules keep each environment as a
// sorted list of bond indices, whose size depends on the radius, not on
// the molecule. A variable so tests can run the sparse path on every
// molecule.
var morganDenseMaxWords = 4

// appendIDsSparse is AppendIDs for large molecules: the same algorithm with
// environments as sorted bond lists.
func (g *MorganGenerator) appendIDsSparse(dst []uint32, m *Mol, radius int) []uint32 {
	n := m.NumAtoms()
	inv := g.inv[:n]
	next := make([]uint32, n)
	dead := make([]bool, n)
	// environments of the previous round: prev[start[a]:start[a]+size[a]]
	var prev, cur []int32
	pStart, pSize := make([]int32, n), make([]int32, n)
	cStart, cSize := make([]int32, n), make([]int32, n)
	var seen []int32 // recorded environments, concatenated
	type entry struct {
		hash        uint64
		off, length int32
		layer, atom int32
		inv         uint32
	}
	var entries []entry
	tsize := 64
	for tsize < 2*n*radius {
		tsize <<= 1
	}
	table := make([]int32, tsize)
	mask := uint64(tsize - 1)
	var buf []int32
	var keys []uint64
	for layer := range radius {
		cur = cur[:0]
		roundStart := len(entries)
		for a := range n {
			if dead[a] {
				next[a] = 0
				cStart[a], cSize[a] = int32(len(cur)), pSize[a]
				cur = append(cur, prev[pStart[a]:pStart[a]+pSize[a]]...)
				continue
			}
			nbrs := m.Neighbors(a)
			if len(nbrs) == 0 {
				dead[a] = true
				next[a] = 0
				cStart[a], cSize[a] = int32(len(cur)), 0
				continue
			}
			buf = append(buf[:0], prev[pStart[a]:pStart[a]+pSize[a]]...)
			keys = keys[:0]
			for _, nb := range nbrs {
				o := int(nb.Atom)
				buf = append(buf, nb.Bond)
				buf = append(buf, prev[pStart[o]:pStart[o]+pSize[o]]...)
				keys = append(keys, uint64(rdkitBondType(m.Bonds[nb.Bond].Order))<<32|uint64(inv[o]))
			}
			slices.Sort(buf)
			buf = slices.Compact(buf)
			cStart[a], cSize[a] = int32(len(cur)), int32(len(buf))
			cur = append(cur, buf...)
			slices.Sort(keys)
			h := hashCombine(uint32(layer), inv[a])
			for _, k := range keys {
				p := hashCombine(0, uint32(k>>32))
				p = hashCombine(p, uint32(k))
				h = hashCombine(h, p)
			}
			next[a] = h
			hash := uint64(0x9E3779B97F4A7C15)
			for _, b := range buf {
				hash = mix64(hash ^ uint64(b))
			}
			slot := hash & mask
			for table[slot] != 0 {
				e := &entries[table[slot]-1]
				if e.hash == hash && slices.Equal(seen[e.off:e.off+e.length], buf) {
					break
				}
				slot = (slot + 1) & mask
			}
			if table[slot] == 0 {
				entries = append(entries, entry{hash: hash, off: int32(len(seen)), length: int32(len(buf)),
					layer: int32(layer), atom: int32(a), inv: h})
				seen = append(seen, buf...)
				table[slot] = int32(len(entries))
				continue
			}
			e := &entries[table[slot]-1]
			switch {
			case e.layer != int32(layer):
				dead[a] = true
			case h < e.inv:
				dead[e.atom] = true
				e.atom, e.inv = int32(a), h
			default:
				dead[a] = true
			}
		}
		for _, e := range entries[roundStart:] {
			dst = append(dst, e.inv)
		}
		inv, next = next, inv
		prev, cur = cur, prev
		pStart, cStart = cStart, pStart
		pSize, cSize = cSize, pSize
	}
	return dst
}
