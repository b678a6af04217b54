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
	layout edgeLayout
	nBits  int
	words  int
	rows   int
	// onStart/onBits: the on bits of row r are onBits[onStart[r]:onStart[r+1]].
	onStart []int32
	onBits  []int32
}

// newTrainData builds the shared structures for growing trees on X.
func newTrainData(X *Features, y []float64, pos []int32, maxBins int) *trainData {
	edges := binEdges(X, pos, maxBins)
	d := &trainData{X: X, y: y, binned: binMatrix(X, edges), edges: edges, layout: newEdgeLayout(X.nBits, edges),
		nBits: X.nBits, words: X.words, rows: X.rows, onStart: make([]int32, X.rows+1)}
	for r := 0; r < X.rows; r++ {
		for k, w := range X.bits[r*X.words : (r+1)*X.words] {
			for w != 0 {
				d.onBits = append(d.onBits, int32(k*64+bits.TrailingZeros64(w)))
				w &= w - 1
			}
		}
		d.onStart[r+1] = int32(len(d.onBits))
	}
	return d
}

// treeBuilder holds one worker's scratch space; it is reused across the
// trees the worker grows, and nothing in it outlives a build.
type treeBuilder struct {
	d        *trainData
	cfg      TreeConfig
	mb, md   int
	rows     []int32
	sw       []float64 // per-row training weight of the current tree (0 = out of bag)
	nonconst []int32
	free     []*bitSlot // zeroed bit statistics ready for reuse
	hw, hs   [256]float64
	hc       [256]int32
	small    []smallRow
	dperm    []int32
	stack    []buildTask
}

type buildTask struct {
	start, end int32
	node       int32
	depth      int32
	bits       *bitSlot // the node's bit statistics, or nil when not computed yet
}

// bitSlot holds, for one node, per fingerprint bit the weight (w), the
// weighted target sum (s) and the number (c) of the node's rows with the
// bit on. touched lists every bit whose entries may be non-zero (a
// superset of the bits present, compacted as nodes are evaluated), so a
// slot is cleared in time proportional to the bits its rows hold.
type bitSlot struct {
	st      []bitStat
	touched []int32
}

// bitStat is one bit's statistics in a node (kept together: one cache
// line per random access).
type bitStat struct {
	w, s float64
	c    int32
}

// slot returns zeroed bit statistics.
func (b *treeBuilder) slot() *bitSlot {
	if n := len(b.free); n > 0 {
		s := b.free[n-1]
		b.free = b.free[:n-1]
		return s
	}
	n := b.d.nBits
	return &bitSlot{st: make([]bitStat, n)}
}

// release zeroes s and keeps it for reuse; s may be nil.
func (b *treeBuilder) release(s *bitSlot) {
	if s == nil {
		return
	}
	for _, j := range s.touched {
		s.st[j] = bitStat{}
	}
	s.touched = s.touched[:0]
	b.free = append(b.free, s)
}

// scatter accumulates the bit statistics of the rows seg into the zeroed s,
// in one pass over the rows' on bits.
func (b *treeBuilder) scatter(seg []int32, s *bitSlot) {
	st := s.st
	y := b.d.y
	onStart, onBits := b.d.onStart, b.d.onBits
	touched := s.touched
	for _, r := range seg {
		w := b.sw[r]
		wy := w * y[r]
		for _, j := range onBits[onStart[r]:onStart[r+1]] {
			e := &st[j]
			if e.c == 0 {
				touched = append(touched, j)
			}
			e.w += w
			e.s += wy
			e.c++
		}
	}
	s.touched = touched
}

// subtract turns the parent's statistics p into those of its other child
// by removing those of child c (histogram subtraction, as LightGBM): the
// cost is that of c's bits, not of the larger child's rows.
func subtract(p, c *bitSlot) {
	for _, j := range c.touched {
		e, d := &p.st[j], &c.st[j]
		if e.c -= d.c; e.c == 0 {
			*e = bitStat{}
		} else {
			e.w -= d.w
			e.s -= d.s
		}
	}
}

func newTreeBuilder(d *trainData, cfg TreeConfig) *treeBuilder {
	mb, md := cfg.featureCounts(d.nBits, d.X.nDense)
	return &treeBuilder{
		d: d, cfg: cfg, mb: mb, md: md,
		sw: make([]float64, d.rows),
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
	useBits := b.mb > 0 && b.d.nBits > 0
	b.stack = append(b.stack[:0], buildTask{0, int32(len(b.rows)), 0, 0, nil})
	for len(b.stack) > 0 {
		task := b.stack[len(b.stack)-1]
		b.stack = b.stack[:len(b.stack)-1]
		seg := b.rows[task.start:task.end]
		W, S, pure := b.nodeStats(seg)
		t.nodes[task.node].val = S / W
		m := len(seg)
		if pure || m < b.cfg.MinSamplesSplit || m < 2*b.cfg.MinSamplesLeaf ||
			(b.cfg.MaxDepth > 0 && int(task.depth) >= b.cfg.MaxDepth) {
			b.release(task.bits)
			continue
		}
		if useBits && task.bits == nil {
			task.bits = b.slot()
			b.scatter(seg, task.bits)
		}
		sp := b.bestSplit(rng, seg, W, S, task.bits)
		if !sp.found {
			b.release(task.bits)
			continue
		}
		nl := b.partition(seg, sp)
		// The smaller child's bit statistics are gathered from its rows;
		// the larger child's are the parent's minus those.
		var leftBits, rightBits *bitSlot
		if useBits {
			small := b.slot()
			if nl <= m-nl {
				b.scatter(seg[:nl], small)
				leftBits, rightBits = small, task.bits
			} else {
				b.scatter(seg[nl:], small)
				leftBits, rightBits = task.bits, small
			}
			subtract(task.bits, small)
		}
		left := int32(len(t.nodes))
		n := &t.nodes[task.node]
		n.left = left
		if j := int(sp.feat) - b.d.nBits; j >= 0 {
			n.feat = b.d.layout.feature(j, sp.bin)
			n.val = float64(b.d.edges[j][sp.bin])
		} else {
			n.feat, n.val = sp.feat, 0
		}
		t.nodes = append(t.nodes, node{}, node{})
		mid := task.start + int32(nl)
		b.stack = append(b.stack,
			buildTask{mid, task.end, left + 1, task.depth + 1, rightBits},
			buildTask{task.start, mid, left, task.depth + 1, leftBits})
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
func (b *treeBuilder) bestSplit(rng *rand.Rand, seg []int32, W, S float64, bits *bitSlot) split {
	best := split{gain: -1}
	if bits != nil {
		b.evalBits(rng, len(seg), W, S, bits, &best)
	}
	if b.md > 0 {
		b.evalDense(rng, seg, W, S, &best)
	}
	return best
}

// evalBits scores splitting (bit 1 goes right) on up to mb bits drawn
// uniformly without replacement among the bits that are not constant over
// the node's m rows, whose statistics are in s.
func (b *treeBuilder) evalBits(rng *rand.Rand, m int, W, S float64, s *bitSlot, best *split) {
	st := s.st
	nc := b.nonconst[:0]
	live := s.touched[:0] // compacted in place: bits absent from the node drop out
	for _, j := range s.touched {
		c := st[j].c
		if c == 0 {
			continue
		}
		live = append(live, j)
		if int(c) < m {
			nc = append(nc, j)
		}
	}
	s.touched = live
	if len(nc) > b.mb {
		for i := 0; i < b.mb; i++ {
			k := i + rng.IntN(len(nc)-i)
			nc[i], nc[k] = nc[k], nc[i]
		}
		nc = nc[:b.mb]
	}
	minLeaf := int32(b.cfg.MinSamplesLeaf)
	m32 := int32(m)
	for _, f := range nc {
		e := st[f]
		if e.c < minLeaf || m32-e.c < minLeaf {
			continue
		}
		wr, sr := e.w, e.s
		wl, sl := W-wr, S-sr
		if wl <= 0 || wr <= 0 {
			continue
		}
		g := sl*sl/wl + sr*sr/wr
		if g > best.gain {
			*best = split{feat: f, gain: g, found: true}
		}
	}
	b.nonconst = nc[:0]
}

// smallRow is a node row's bin, weight and weighted target, for scoring
// descriptor splits of small nodes by sorting instead of a histogram.
type smallRow struct {
	bin   uint8
	w, wy float64
}

// smallNode is the node size below which descriptor splits are scored by
// sorting the node's rows rather than clearing and scanning a histogram.
const smallNode = 24

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
	n := b.d.rows
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
		var ok bool
		if len(seg) <= smallNode {
			ok = b.scoreSorted(seg, col, j, W, S, best)
		} else {
			ok = b.scoreHistogram(seg, col, j, nb, W, S, best)
		}
		if ok {
			scored++
		}
	}
}

// consider records the split "bin <= k goes left" of descriptor j when it
// is valid and better than best.
func (b *treeBuilder) consider(j, k int, wl, sl float64, cl, m int32, W, S float64, best *split) {
	minLeaf := int32(b.cfg.MinSamplesLeaf)
	if cl < minLeaf || m-cl < minLeaf {
		return
	}
	wr, sr := W-wl, S-sl
	if wl <= 0 || wr <= 0 {
		return
	}
	g := sl*sl/wl + sr*sr/wr
	if g > best.gain {
		*best = split{feat: int32(b.d.nBits + j), bin: k, gain: g, found: true}
	}
}

// scoreHistogram scores descriptor j with a histogram of the node's bins;
// it reports false when j is constant over seg.
func (b *treeBuilder) scoreHistogram(seg []int32, col []uint8, j, nb int, W, S float64, best *split) bool {
	y := b.d.y
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
	m := int32(len(seg))
	var wl, sl float64
	var cl int32
	first := true
	for k := 0; k < nb-1; k++ {
		if hc[k] == 0 {
			continue
		}
		wl += hw[k]
		sl += hs[k]
		cl += hc[k]
		if cl == m {
			return !first
		}
		first = false
		b.consider(j, k, wl, sl, cl, m, W, S, best)
	}
	return !first
}

// scoreSorted scores descriptor j on a small node by sorting its rows by
// bin; it reports false when j is constant over seg.
func (b *treeBuilder) scoreSorted(seg []int32, col []uint8, j int, W, S float64, best *split) bool {
	y := b.d.y
	rows := b.small[:0]
	for _, r := range seg {
		w := b.sw[r]
		rows = append(rows, smallRow{bin: col[r], w: w, wy: w * y[r]})
	}
	for p := 1; p < len(rows); p++ { // insertion sort by bin: n <= smallNode
		for q := p; q > 0 && rows[q].bin < rows[q-1].bin; q-- {
			rows[q], rows[q-1] = rows[q-1], rows[q]
		}
	}
	b.small = rows
	if rows[0].bin == rows[len(rows)-1].bin {
		return false
	}
	m := int32(len(rows))
	var wl, sl float64
	for p := 0; p < len(rows)-1; p++ {
		wl += rows[p].w
		sl += rows[p].wy
		if rows[p+1].bin != rows[p].bin {
			b.consider(j, int(rows[p].bin), wl, sl, int32(p+1), m, W, S, best)
		}
	}
	return true
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
