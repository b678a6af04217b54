package ml

import (
	"math/bits"
	"math/rand/v2"
)

// trainData is what every tree of one ensemble reads (never writes).
type trainData struct {
	X      *Features
	y      []float64
	binned []uint8     // column-major bins of every row's descriptors
	edges  [][]float32 // per descriptor bin edges
	nBits  int
	words  int
	rows   int
}

// treeBuilder holds one worker's scratch space; it is reused across the
// trees the worker grows, and nothing in it outlives a build.
type treeBuilder struct {
	d        *trainData
	cfg      TreeConfig
	mb, md   int
	rows     []int32
	sw       []float64 // per-row training weight of the current tree (0 = out of bag)
	or, and  []uint64
	nonconst []int32
	cands    []int32
	cw, cs   []float64
	cc       []int32
	hw, hs   [256]float64
	hc       [256]int32
	dperm    []int32
	stack    []buildTask
}

type buildTask struct {
	start, end int32
	node       int32
	depth      int32
}

func newTreeBuilder(d *trainData, cfg TreeConfig) *treeBuilder {
	mb, md := cfg.featureCounts(d.nBits, d.X.nDense)
	return &treeBuilder{
		d: d, cfg: cfg, mb: mb, md: md,
		sw:  make([]float64, d.rows),
		or:  make([]uint64, d.words),
		and: make([]uint64, d.words),
		cw:  make([]float64, 0, mb), cs: make([]float64, 0, mb), cc: make([]int32, 0, mb),
	}
}

// split is the best split found for a node.
type split struct {
	feat  int32 // unified index: bit, or nBits+descriptor
	bin   int   // descriptor splits: rows with bin <= bin go left
	gain  float64
	found bool
}

// build grows a tree on the rows whose weight b.sw is positive.
func (b *treeBuilder) build(rng *rand.Rand) tree {
	b.rows = b.rows[:0]
	for r, w := range b.sw {
		if w > 0 {
			b.rows = append(b.rows, int32(r))
		}
	}
	t := tree{nodes: make([]node, 1, 2*len(b.rows)/max(1, b.cfg.MinSamplesLeaf)+1)}
	if len(b.rows) == 0 {
		return t
	}
	b.stack = append(b.stack[:0], buildTask{0, int32(len(b.rows)), 0, 0})
	for len(b.stack) > 0 {
		task := b.stack[len(b.stack)-1]
		b.stack = b.stack[:len(b.stack)-1]
		seg := b.rows[task.start:task.end]
		W, S, pure := b.nodeStats(seg)
		t.nodes[task.node].val = S / W
		m := len(seg)
		if pure || m < b.cfg.MinSamplesSplit || m < 2*b.cfg.MinSamplesLeaf ||
			(b.cfg.MaxDepth > 0 && int(task.depth) >= b.cfg.MaxDepth) {
			continue
		}
		sp := b.bestSplit(rng, seg, W, S)
		if !sp.found {
			continue
		}
		nl := b.partition(seg, sp)
		left := int32(len(t.nodes))
		n := &t.nodes[task.node]
		n.feat, n.left = sp.feat, left
		if int(sp.feat) >= b.d.nBits {
			n.val = float64(b.d.edges[int(sp.feat)-b.d.nBits][sp.bin])
		} else {
			n.val = 0
		}
		t.nodes = append(t.nodes, node{}, node{})
		mid := task.start + int32(nl)
		b.stack = append(b.stack,
			buildTask{mid, task.end, left + 1, task.depth + 1},
			buildTask{task.start, mid, left, task.depth + 1})
	}
	t.nodes = t.nodes[:len(t.nodes):len(t.nodes)]
	return t
}

// nodeStats returns the weight and weighted target sum of seg and whether
// all its targets are equal.
func (b *treeBuilder) nodeStats(seg []int32) (W, S float64, pure bool) {
	y := b.d.y
	y0 := y[seg[0]]
	pure = true
	for _, r := range seg {
		w := b.sw[r]
		W += w
		S += w * y[r]
		if y[r] != y0 {
			pure = false
		}
	}
	return W, S, pure
}

// bestSplit evaluates the sampled candidate features of a node.
func (b *treeBuilder) bestSplit(rng *rand.Rand, seg []int32, W, S float64) split {
	best := split{gain: -1}
	if b.mb > 0 && b.d.nBits > 0 {
		b.bitCandidates(rng, seg)
		b.evalBits(seg, W, S, &best)
	}
	if b.md > 0 {
		b.evalDense(rng, seg, W, S, &best)
	}
	return best
}

// bitCandidates fills b.cands with up to mb bits drawn uniformly without
// replacement among the bits that are not constant over seg.
func (b *treeBuilder) bitCandidates(rng *rand.Rand, seg []int32) {
	words := b.d.words
	or, and := b.or, b.and
	for k := range or {
		or[k], and[k] = 0, ^uint64(0)
	}
	X := b.d.X.bits
	for _, r := range seg {
		row := X[int(r)*words : int(r)*words+words]
		for k, v := range row {
			or[k] |= v
			and[k] &= v
		}
	}
	b.nonconst = b.nonconst[:0]
	for k := range or {
		v := or[k] &^ and[k]
		for v != 0 {
			b.nonconst = append(b.nonconst, int32(k*64+bits.TrailingZeros64(v)))
			v &= v - 1
		}
	}
	nc := b.nonconst
	if len(nc) > b.mb {
		for i := 0; i < b.mb; i++ {
			j := i + rng.IntN(len(nc)-i)
			nc[i], nc[j] = nc[j], nc[i]
		}
		nc = nc[:b.mb]
	}
	b.cands = append(b.cands[:0], nc...)
}

// evalBits scores splitting on each candidate bit (bit 1 goes right).
func (b *treeBuilder) evalBits(seg []int32, W, S float64, best *split) {
	nc := len(b.cands)
	if nc == 0 {
		return
	}
	cw, cs, cc := b.cw[:nc], b.cs[:nc], b.cc[:nc]
	clear(cw)
	clear(cs)
	clear(cc)
	cands := b.cands
	words := b.d.words
	X := b.d.X.bits
	y := b.d.y
	for _, r := range seg {
		row := X[int(r)*words : int(r)*words+words]
		w := b.sw[r]
		wy := w * y[r]
		for c, f := range cands {
			bit := row[f>>6] >> (uint32(f) & 63) & 1
			fb := float64(bit)
			cw[c] += fb * w
			cs[c] += fb * wy
			cc[c] += int32(bit)
		}
	}
	m := int32(len(seg))
	minLeaf := int32(b.cfg.MinSamplesLeaf)
	for c, f := range cands {
		if cc[c] < minLeaf || m-cc[c] < minLeaf {
			continue
		}
		wr, sr := cw[c], cs[c]
		wl, sl := W-wr, S-sr
		if wl <= 0 || wr <= 0 {
			continue
		}
		g := sl*sl/wl + sr*sr/wr
		if g > best.gain {
			*best = split{feat: f, gain: g, found: true}
		}
	}
}

// evalDense draws descriptors in random order until md non-constant ones
// have been scored (or all were seen), scoring every bin edge of each.
func (b *treeBuilder) evalDense(rng *rand.Rand, seg []int32, W, S float64, best *split) {
	nd := b.d.X.nDense
	if cap(b.dperm) < nd {
		b.dperm = make([]int32, nd)
	}
	perm := b.dperm[:nd]
	for j := range perm {
		perm[j] = int32(j)
	}
	y := b.d.y
	n := b.d.rows
	minLeaf := int32(b.cfg.MinSamplesLeaf)
	m := int32(len(seg))
	scored := 0
	for i := 0; i < nd && scored < b.md; i++ {
		k := i + rng.IntN(nd-i)
		perm[i], perm[k] = perm[k], perm[i]
		j := int(perm[i])
		nb := len(b.d.edges[j]) + 1
		if nb < 2 {
			continue
		}
		col := b.d.binned[j*n : (j+1)*n]
		hw, hs, hc := b.hw[:nb], b.hs[:nb], b.hc[:nb]
		clear(hw)
		clear(hs)
		clear(hc)
		for _, r := range seg {
			bin := col[r]
			w := b.sw[r]
			hw[bin] += w
			hs[bin] += w * y[r]
			hc[bin]++
		}
		nonEmpty := 0
		for _, c := range hc {
			if c > 0 {
				nonEmpty++
			}
		}
		if nonEmpty < 2 {
			continue
		}
		scored++
		var wl, sl float64
		var cl int32
		for k := 0; k < nb-1; k++ {
			if hc[k] == 0 {
				continue
			}
			wl += hw[k]
			sl += hs[k]
			cl += hc[k]
			if cl == m {
				break
			}
			if cl < minLeaf || m-cl < minLeaf {
				continue
			}
			wr, sr := W-wl, S-sl
			if wl <= 0 || wr <= 0 {
				continue
			}
			g := sl*sl/wl + sr*sr/wr
			if g > best.gain {
				*best = split{feat: int32(b.d.nBits + j), bin: k, gain: g, found: true}
			}
		}
	}
}

// partition reorders seg so that the rows going left come first and
// returns how many they are.
func (b *treeBuilder) partition(seg []int32, sp split) int {
	goRight := func(r int32) bool {
		if int(sp.feat) < b.d.nBits {
			f := sp.feat
			return b.d.X.bits[int(r)*b.d.words+int(f>>6)]>>(uint32(f)&63)&1 == 1
		}
		j := int(sp.feat) - b.d.nBits
		return int(b.d.binned[j*b.d.rows+int(r)]) > sp.bin
	}
	i, k := 0, len(seg)
	for i < k {
		if goRight(seg[i]) {
			k--
			seg[i], seg[k] = seg[k], seg[i]
		} else {
			i++
		}
	}
	return i
}
