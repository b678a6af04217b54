package ml

// node is one node of a flat decision tree. Node 0 is the root; a split
// node's children are nodes left and left+1 (always after it), so left == 0
// marks a leaf. Split features live in the extended feature space of an
// edgeLayout: feat < nBits tests fingerprint bit feat, and feat >= nBits
// tests "descriptor j > its bin edge k" (the thermometer bit of (j, k));
// 0 goes left, 1 right. For such a split val is the edge (x <= val goes
// left; NaN goes right). A leaf's val is its prediction.
type node struct {
	feat int32
	left int32
	val  float64
}

// tree is a decision tree over a fixed feature shape.
type tree struct {
	nodes []node
}

// depth returns the depth of the deepest leaf (root alone = 0).
func (t *tree) depth() int {
	d := make([]int, len(t.nodes))
	deepest := 0
	for i, n := range t.nodes {
		if n.left != 0 {
			d[n.left] = d[i] + 1
			d[n.left+1] = d[i] + 1
			deepest = max(deepest, d[i]+1)
		}
	}
	return deepest
}

// edgeLayout numbers the binary tests a forest can make: fingerprint bits
// first, then for each descriptor j and each of its bin edges k the
// thermometer bit "x_j > edges[j][k]".
type edgeLayout struct {
	nBits int
	edges [][]float32
	off   []int32 // off[j] = extended index of descriptor j's first edge
	total int     // number of extended features
	// extWords is the words of an extended row: the fingerprint words,
	// the thermometer bits, and one final zero word that leaves test.
	extWords int
}

func newEdgeLayout(nBits int, edges [][]float32) edgeLayout {
	l := edgeLayout{nBits: nBits, edges: edges, off: make([]int32, len(edges))}
	// Thermometer bits start on a word boundary after the fingerprint.
	next := WordsFor(nBits) * 64
	for j, e := range edges {
		l.off[j] = int32(next)
		next += len(e)
	}
	l.total = next
	l.extWords = WordsFor(next) + 1
	return l
}

// feature returns the extended index of "descriptor j > edges[j][k]".
func (l *edgeLayout) feature(j, k int) int32 { return l.off[j] + int32(k) }

// zeroBit is an extended index that is 0 in every extended row.
func (l *edgeLayout) zeroBit() int32 { return int32((l.extWords - 1) * 64) }

// dense maps an extended index >= the fingerprint words to (descriptor,
// edge); ok is false when f is not a thermometer bit.
func (l *edgeLayout) dense(f int32) (j, k int, ok bool) {
	for j := len(l.off) - 1; j >= 0; j-- {
		if f >= l.off[j] {
			k := int(f - l.off[j])
			return j, k, k < len(l.edges[j])
		}
	}
	return 0, 0, false
}

// valid reports whether f is a fingerprint bit or a thermometer bit.
func (l *edgeLayout) valid(f int32) bool {
	if f >= 0 && int(f) < l.nBits {
		return true
	}
	_, _, ok := l.dense(f)
	return ok && int(f) >= WordsFor(l.nBits)*64
}

// extend writes the extended row of (bits, dense) into ext (extWords words).
func (l *edgeLayout) extend(bits []uint64, dense []float32, ext []uint64) {
	w := copy(ext, bits)
	clear(ext[w:])
	for j, e := range l.edges {
		// Edges are increasing: set the bits of the binOf edges below x
		// (all of them for NaN, which is never <= an edge).
		from := int(l.off[j])
		setRange(ext, from, from+int(binOf(e, dense[j])))
	}
}

// setRange sets bits [from, to) of words.
func setRange(words []uint64, from, to int) {
	for from < to {
		k := from >> 6
		lo := uint(from) & 63
		n := min(64-int(lo), to-from)
		var mask uint64 = ^uint64(0)
		if n < 64 {
			mask = (1<<uint(n) - 1) << lo
		}
		words[k] |= mask
		from += n
	}
}

// predictRow walks the tree for one row using the split thresholds (the
// reference the fast path is tested against).
func (t *tree) predictRow(bits []uint64, dense []float32, l *edgeLayout) float64 {
	i := int32(0)
	for {
		n := &t.nodes[i]
		if n.left == 0 {
			return n.val
		}
		if int(n.feat) < l.nBits {
			i = n.left + int32(bits[n.feat>>6]>>(uint32(n.feat)&63)&1)
			continue
		}
		j, _, _ := l.dense(n.feat)
		if float64(dense[j]) <= n.val {
			i = n.left
		} else {
			i = n.left + 1
		}
	}
}

// fastTree is a tree flattened for prediction: 8-byte nodes whose leaves
// loop on themselves through the always-zero bit, so walking a row is a
// branch-free step repeated until the index stops changing.
type fastTree struct {
	step []fastNode
	val  []float64
}

type fastNode struct {
	feat int32
	next int32
}

func newFastTree(t *tree, l *edgeLayout) fastTree {
	f := fastTree{step: make([]fastNode, len(t.nodes)), val: make([]float64, len(t.nodes))}
	for i, n := range t.nodes {
		if n.left == 0 {
			f.step[i] = fastNode{feat: l.zeroBit(), next: int32(i)}
			f.val[i] = n.val
		} else {
			f.step[i] = fastNode{feat: n.feat, next: n.left}
		}
	}
	return f
}

// predictRows writes the tree's prediction for each extended row
// ext[i*extWords:] (i < len(out)) to out. It keeps several rows in flight
// (slots), stepping each down one level per round so that their memory
// loads overlap, and refills a slot with the next row as soon as its row
// reaches a leaf.
func (f *fastTree) predictRows(ext []uint64, extWords int, out []float64) {
	const slots = 8
	step := f.step
	var idx [slots]int32
	var row [slots]int
	n := len(out)
	next, active := 0, 0
	for s := range slots {
		if next < n {
			row[s] = next
			next++
			active++
		} else {
			row[s] = -1
		}
	}
	for active > 0 {
		for s := range slots {
			r := row[s]
			if r < 0 {
				continue
			}
			nd := step[idx[s]]
			nx := nd.next + int32(ext[r*extWords+int(nd.feat>>6)]>>(uint32(nd.feat)&63)&1)
			if nx != idx[s] {
				idx[s] = nx
				continue
			}
			out[r] = f.val[nx]
			idx[s] = 0
			if next < n {
				row[s] = next
				next++
			} else {
				row[s] = -1
				active--
			}
		}
	}
}

// walkFrom finishes one row's walk from node i and returns its leaf.
func (f *fastTree) walkFrom(ext []uint64, base int, i int32) int32 {
	step := f.step
	for {
		s := step[i]
		x := s.next + int32(ext[base+int(s.feat>>6)]>>(uint32(s.feat)&63)&1)
		if x == i {
			return i
		}
		i = x
	}
}

// predictRows4r walks four rows at a time in registers and refills a slot
// with the next row as soon as its row reaches a leaf.
func (f *fastTree) predictRows4r(ext []uint64, ew int, out []float64) {
	n := len(out)
	if n < 4 {
		f.predictRows(ext, ew, out)
		return
	}
	step, val := f.step, f.val
	r0, r1, r2, r3 := 0, 1, 2, 3
	var i0, i1, i2, i3 int32
	next := 4
	done := -1
	for done < 0 {
		s0, s1, s2, s3 := step[i0], step[i1], step[i2], step[i3]
		x0 := s0.next + int32(ext[r0*ew+int(s0.feat>>6)]>>(uint32(s0.feat)&63)&1)
		x1 := s1.next + int32(ext[r1*ew+int(s1.feat>>6)]>>(uint32(s1.feat)&63)&1)
		x2 := s2.next + int32(ext[r2*ew+int(s2.feat>>6)]>>(uint32(s2.feat)&63)&1)
		x3 := s3.next + int32(ext[r3*ew+int(s3.feat>>6)]>>(uint32(s3.feat)&63)&1)
		if x0 == i0 {
			out[r0] = val[x0]
			if next == n {
				done = 0
			} else {
				r0, x0 = next, 0
				next++
			}
		}
		if x1 == i1 && done < 0 {
			out[r1] = val[x1]
			if next == n {
				done = 1
			} else {
				r1, x1 = next, 0
				next++
			}
		}
		if x2 == i2 && done < 0 {
			out[r2] = val[x2]
			if next == n {
				done = 2
			} else {
				r2, x2 = next, 0
				next++
			}
		}
		if x3 == i3 && done < 0 {
			out[r3] = val[x3]
			if next == n {
				done = 3
			} else {
				r3, x3 = next, 0
				next++
			}
		}
		i0, i1, i2, i3 = x0, x1, x2, x3
	}
	// Rows ran out: finish the other slots one by one.
	rows := [4]int{r0, r1, r2, r3}
	idx := [4]int32{i0, i1, i2, i3}
	for s := range 4 {
		if s != done {
			out[rows[s]] = val[f.walkFrom(ext, rows[s]*ew, idx[s])]
		}
	}
}
