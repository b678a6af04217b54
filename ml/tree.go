package ml

// node is one node of a flat decision tree. Node 0 is the root; a split
// node's children are nodes left and left+1 (always after it), so left == 0
// marks a leaf. feat < nBits tests fingerprint bit feat (0 goes left, 1
// right); feat >= nBits tests descriptor feat-nBits (x <= val goes left,
// anything else, NaN included, right). A leaf's val is its prediction.
type node struct {
	feat int32
	left int32
	val  float64
}

// tree is a decision tree over a fixed feature shape.
type tree struct {
	nodes []node
}

// predictRow walks the tree for one row given its packed bits and dense
// values; nBits is the matrix's bit count.
func (t *tree) predictRow(bits []uint64, dense []float32, nBits int32) float64 {
	nodes := t.nodes
	i := int32(0)
	for {
		n := &nodes[i]
		if n.left == 0 {
			return n.val
		}
		f := n.feat
		if f < nBits {
			i = n.left + int32(bits[f>>6]>>(uint32(f)&63)&1)
		} else if float64(dense[f-nBits]) <= n.val {
			i = n.left
		} else {
			i = n.left + 1
		}
	}
}

// depth returns the depth of the deepest leaf (root alone = 0).
func (t *tree) depth() int {
	d := make([]int, len(t.nodes))
	max := 0
	for i, n := range t.nodes {
		if n.left != 0 {
			d[n.left] = d[i] + 1
			d[n.left+1] = d[i] + 1
			if d[i]+1 > max {
				max = d[i] + 1
			}
		}
	}
	return max
}
