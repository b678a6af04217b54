package ml

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"runtime"
)

// Model artifact layout (all integers little-endian):
//
//	magic    8 bytes "ALENSMBL"
//	version  uint16 (formatVersion; 2 added the forest+linear learner and
//	         the feature-set name, 3 the calibration at the end of the
//	         body; older artifacts are read as before, uncalibrated)
//	body     (see appendBody)
//	crc      uint32 CRC-32C (Castagnoli) of everything before it
//
// Floats are stored as their IEEE-754 bits, so a decoded model predicts
// bit for bit what the encoded one did.
const (
	formatMagic   = "ALENSMBL"
	formatVersion = 3
	headerLen     = len(formatMagic) + 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// MarshalBinary encodes the ensemble in the versioned, checksummed model
// format. It refuses, with a *NonFiniteError (errors.Is ErrNonFinite), a
// model holding NaN or ±Inf anywhere, which could not be decoded.
func (e *Ensemble) MarshalBinary() ([]byte, error) {
	if err := e.checkFinite(); err != nil {
		return nil, fmt.Errorf("ml: encode model: %w", err)
	}
	b := make([]byte, 0, 1024)
	b = append(b, formatMagic...)
	b = binary.LittleEndian.AppendUint16(b, formatVersion)
	b = e.appendBody(b)
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	return b, nil
}

// WriteTo writes MarshalBinary's encoding to w; it writes nothing when
// MarshalBinary fails.
func (e *Ensemble) WriteTo(w io.Writer) (int64, error) {
	b, err := e.MarshalBinary()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	if err != nil {
		return int64(n), fmt.Errorf("ml: write model: %w", err)
	}
	return int64(n), nil
}

func (e *Ensemble) appendBody(b []byte) []byte {
	le := binary.LittleEndian
	c := e.cfg
	b = append(b, byte(e.task), byte(e.learner))
	b = le.AppendUint32(b, uint32(c.Members))
	b = le.AppendUint32(b, uint32(e.nBits))
	b = le.AppendUint32(b, uint32(e.nDense))
	b = le.AppendUint64(b, uint64(e.nTrain))
	b = le.AppendUint64(b, c.Seed)
	b = le.AppendUint64(b, math.Float64bits(c.L2))
	for _, v := range []int{c.Tree.MaxDepth, c.Tree.MinSamplesLeaf, c.Tree.MinSamplesSplit,
		c.Tree.MaxBitFeatures, c.Tree.MaxDenseFeatures, c.Tree.MaxBins} {
		b = le.AppendUint32(b, uint32(int32(v)))
	}
	b = append(b, byte(len(c.FeatureSet)))
	b = append(b, c.FeatureSet...)
	nTrees := len(e.trees)
	if nTrees > 0 {
		for _, edges := range e.layout.edges {
			b = le.AppendUint32(b, uint32(len(edges)))
			for _, v := range edges {
				b = le.AppendUint32(b, math.Float32bits(v))
			}
		}
	}
	if len(e.linear) > 0 {
		for _, v := range e.std.Mean {
			b = le.AppendUint64(b, math.Float64bits(v))
		}
		for _, v := range e.std.Scale {
			b = le.AppendUint64(b, math.Float64bits(v))
		}
	}
	for m := 0; m < c.Members; m++ {
		for _, w := range e.oob[m] {
			b = le.AppendUint64(b, w)
		}
		if m < nTrees {
			nodes := e.trees[m].nodes
			b = le.AppendUint32(b, uint32(len(nodes)))
			for _, n := range nodes {
				b = le.AppendUint32(b, uint32(n.feat))
				b = le.AppendUint32(b, uint32(n.left))
				b = le.AppendUint64(b, math.Float64bits(n.val))
			}
		} else {
			for _, v := range e.linear[m-nTrees].coef {
				b = le.AppendUint64(b, math.Float64bits(v))
			}
		}
	}
	return e.appendCalibration(b)
}

// Calibration section kinds (format version 3).
const (
	calNone      = 0
	calConformal = 1 // rows u64, eps f64, rows sorted scores f64
	calIsotonic  = 2 // rows u64, knots u32, knots × (x f64, y f64)
)

// appendCalibration appends the calibration section.
func (e *Ensemble) appendCalibration(b []byte) []byte {
	le := binary.LittleEndian
	c := &e.cal
	switch {
	case len(c.scores) > 0:
		b = append(b, calConformal)
		b = le.AppendUint64(b, uint64(len(c.scores)))
		b = le.AppendUint64(b, math.Float64bits(c.eps))
		for _, v := range c.scores {
			b = le.AppendUint64(b, math.Float64bits(v))
		}
	case len(c.isoX) > 0:
		b = append(b, calIsotonic)
		b = le.AppendUint64(b, uint64(c.rows))
		b = le.AppendUint32(b, uint32(len(c.isoX)))
		for i := range c.isoX {
			b = le.AppendUint64(b, math.Float64bits(c.isoX[i]))
			b = le.AppendUint64(b, math.Float64bits(c.isoY[i]))
		}
	default:
		b = append(b, calNone)
	}
	return b
}

// calibration decodes and checks the calibration section.
func (d *decoder) calibration(e *Ensemble) {
	c := &e.cal
	switch kind := d.u8(); kind {
	case calNone:
	case calConformal:
		n := d.u64()
		if d.err == nil && (e.task != Regression || n < 1 || n > uint64(e.nTrain)) {
			d.fail(ErrCorrupt, fmt.Sprintf("%d conformal scores for a %v model of %d rows", n, e.task, e.nTrain))
			return
		}
		if !d.need(8 + 8*int(n)) {
			return
		}
		c.eps = d.f64()
		if d.err == nil && !(c.eps > 0) {
			d.fail(ErrCorrupt, "conformal eps not positive")
			return
		}
		c.scores = make([]float64, n)
		for i := range c.scores {
			v := d.f64()
			if d.err == nil && (v < 0 || (i > 0 && v < c.scores[i-1])) {
				d.fail(ErrCorrupt, "conformal scores not non-negative and sorted")
			}
			c.scores[i] = v
		}
		c.rows = int(n)
	case calIsotonic:
		rows, knots := d.u64(), int(d.u32())
		if d.err == nil && (e.task != Classification || rows < 1 || rows > uint64(e.nTrain) || knots < 1 || uint64(knots) > rows) {
			d.fail(ErrCorrupt, fmt.Sprintf("isotonic map of %d knots on %d rows for a %v model", knots, rows, e.task))
			return
		}
		if !d.need(16 * knots) {
			return
		}
		c.isoX, c.isoY = make([]float64, knots), make([]float64, knots)
		for i := range knots {
			x, y := d.f64(), d.f64()
			if d.err == nil && (x < 0 || x > 1 || y < 0 || y > 1 || (i > 0 && (x <= c.isoX[i-1] || y < c.isoY[i-1]))) {
				d.fail(ErrCorrupt, "isotonic knots not increasing within [0, 1]")
			}
			c.isoX[i], c.isoY[i] = x, y
		}
		c.rows = int(rows)
	default:
		d.fail(ErrCorrupt, fmt.Sprintf("unknown calibration kind %d", kind))
	}
}

// ReadEnsemble reads a whole model artifact from r and decodes it.
func ReadEnsemble(r io.Reader) (*Ensemble, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("ml: read model: %w", err)
	}
	e := new(Ensemble)
	if err := e.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return e, nil
}

// UnmarshalBinary decodes a model written by MarshalBinary into e. A
// corrupt, truncated or newer-version artifact yields a *FormatError (never
// a panic) and leaves e unchanged.
func (e *Ensemble) UnmarshalBinary(data []byte) error {
	if len(data) < headerLen+4 {
		if len(data) >= len(formatMagic) && string(data[:len(formatMagic)]) != formatMagic {
			return &FormatError{Offset: 0, Err: ErrBadMagic}
		}
		return &FormatError{Offset: len(data), Err: ErrTruncated}
	}
	if string(data[:len(formatMagic)]) != formatMagic {
		return &FormatError{Offset: 0, Err: ErrBadMagic}
	}
	v := binary.LittleEndian.Uint16(data[len(formatMagic):])
	if v == 0 || v > formatVersion {
		return &FormatError{Offset: len(formatMagic), Err: ErrUnsupportedVersion,
			Detail: fmt.Sprintf("version %d, this build reads 1 to %d", v, formatVersion)}
	}
	body := data[:len(data)-4]
	want := binary.LittleEndian.Uint32(data[len(data)-4:])
	if got := crc32.Checksum(body, castagnoli); got != want {
		return &FormatError{Offset: len(data) - 4, Err: ErrChecksum,
			Detail: fmt.Sprintf("stored %08x, computed %08x", want, got)}
	}
	d := decoder{buf: body, off: headerLen}
	out, err := d.ensemble(v)
	if err != nil {
		return err
	}
	if d.off != len(body) {
		return &FormatError{Offset: d.off, Err: ErrCorrupt, Detail: "trailing bytes"}
	}
	*e = *out
	return nil
}

// decoder reads the body with bounds checks; the first error sticks.
type decoder struct {
	buf []byte
	off int
	err error
}

func (d *decoder) fail(err error, detail string) {
	if d.err == nil {
		d.err = &FormatError{Offset: d.off, Err: err, Detail: detail}
	}
}

func (d *decoder) need(n int) bool {
	if d.err != nil {
		return false
	}
	if n < 0 || len(d.buf)-d.off < n {
		d.fail(ErrTruncated, fmt.Sprintf("need %d bytes, %d left", n, len(d.buf)-d.off))
		return false
	}
	return true
}

func (d *decoder) u8() byte {
	if !d.need(1) {
		return 0
	}
	d.off++
	return d.buf[d.off-1]
}

func (d *decoder) u32() uint32 {
	if !d.need(4) {
		return 0
	}
	d.off += 4
	return binary.LittleEndian.Uint32(d.buf[d.off-4:])
}

func (d *decoder) u64() uint64 {
	if !d.need(8) {
		return 0
	}
	d.off += 8
	return binary.LittleEndian.Uint64(d.buf[d.off-8:])
}

func (d *decoder) f64() float64 {
	v := math.Float64frombits(d.u64())
	if d.err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
		d.fail(ErrCorrupt, "non-finite number")
	}
	return v
}

// ensemble decodes the body after the header.
func (d *decoder) ensemble(version uint16) (*Ensemble, error) {
	e := &Ensemble{}
	e.task = Task(d.u8())
	e.learner = LearnerKind(d.u8())
	members := d.u32()
	nBits, nDense := d.u32(), d.u32()
	nTrain := d.u64()
	c := &e.cfg
	c.Task, c.Learner = e.task, e.learner
	c.Seed = d.u64()
	c.L2 = d.f64()
	t := &c.Tree
	for _, p := range []*int{&t.MaxDepth, &t.MinSamplesLeaf, &t.MinSamplesSplit,
		&t.MaxBitFeatures, &t.MaxDenseFeatures, &t.MaxBins} {
		*p = int(int32(d.u32()))
	}
	if version >= 2 {
		if n := int(d.u8()); d.need(n) {
			c.FeatureSet = string(d.buf[d.off : d.off+n])
			d.off += n
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if e.task != Regression && e.task != Classification {
		d.fail(ErrCorrupt, fmt.Sprintf("unknown task %d", e.task))
	}
	if !e.learner.valid() || (version < 2 && e.learner == ForestLinear) {
		d.fail(ErrCorrupt, fmt.Sprintf("unknown learner %d in a version %d artifact", e.learner, version))
	}
	if members < 1 || members > maxMembers {
		d.fail(ErrCorrupt, fmt.Sprintf("member count %d", members))
	}
	if nBits > 1<<24 || nDense > 1<<20 || nTrain > 1<<40 {
		d.fail(ErrCorrupt, "implausible shape")
	}
	if d.err != nil {
		return nil, d.err
	}
	c.Members = int(members)
	c.Workers = runtime.GOMAXPROCS(0)
	e.nBits, e.nDense, e.nTrain = int(nBits), int(nDense), int(nTrain)
	if _, err := c.withDefaults(); err != nil {
		d.fail(ErrCorrupt, err.Error())
		return nil, d.err
	}
	nTrees := e.learner.treeMembers(c.Members)
	if nTrees > 0 {
		if !d.need(4 * e.nDense) {
			return nil, d.err
		}
		edges := make([][]float32, e.nDense)
		for j := range edges {
			count := int(d.u32())
			if count > 255 || !d.need(4*count) {
				d.fail(ErrCorrupt, fmt.Sprintf("descriptor %d: %d bin edges", j, count))
				return nil, d.err
			}
			edges[j] = make([]float32, count)
			for k := range edges[j] {
				v := math.Float32frombits(d.u32())
				if v != v || math.IsInf(float64(v), 0) || (k > 0 && !(v > edges[j][k-1])) {
					d.fail(ErrCorrupt, fmt.Sprintf("descriptor %d: bin edges not finite and increasing", j))
					return nil, d.err
				}
				edges[j][k] = v
			}
		}
		e.layout = newEdgeLayout(e.nBits, edges)
	}
	if nTrees < c.Members {
		if !d.need(16 * e.nDense) {
			return nil, d.err
		}
		e.std = &Standardizer{Mean: make([]float64, e.nDense), Scale: make([]float64, e.nDense)}
		for j := range e.std.Mean {
			e.std.Mean[j] = d.f64()
		}
		for j := range e.std.Scale {
			if e.std.Scale[j] = d.f64(); d.err == nil && e.std.Scale[j] <= 0 {
				d.fail(ErrCorrupt, "non-positive descriptor scale")
			}
		}
	}
	oobWords := WordsFor(e.nTrain)
	e.oob = make([][]uint64, 0, min(c.Members, 1024))
	nFeat := e.nBits + e.nDense
	for m := 0; m < c.Members && d.err == nil; m++ {
		if !d.need(8 * oobWords) {
			break
		}
		set := make([]uint64, oobWords)
		for k := range set {
			set[k] = d.u64()
		}
		if e.nTrain%64 != 0 && oobWords > 0 && set[oobWords-1]>>(uint(e.nTrain)%64) != 0 {
			d.fail(ErrCorrupt, "out-of-bag bit beyond the training rows")
		}
		e.oob = append(e.oob, set)
		if m < nTrees {
			count := int(d.u32())
			if count < 1 || !d.need(16*count) {
				d.fail(ErrCorrupt, fmt.Sprintf("member %d: node count %d", m, count))
				break
			}
			nodes := make([]node, count)
			for i := range nodes {
				n := &nodes[i]
				n.feat, n.left = int32(d.u32()), int32(d.u32())
				n.val = d.f64()
				if n.left != 0 && (n.left <= int32(i) || int(n.left)+1 >= count || !e.layout.valid(n.feat)) {
					d.fail(ErrCorrupt, fmt.Sprintf("member %d node %d: bad split", m, i))
				}
			}
			e.trees = append(e.trees, tree{nodes: nodes})
		} else {
			p := nFeat + 1
			if !d.need(8 * p) {
				break
			}
			coef := make([]float64, p)
			for j := range coef {
				coef[j] = d.f64()
			}
			e.linear = append(e.linear, linearModel{coef: coef})
		}
	}
	if version >= 3 {
		d.calibration(e)
	}
	if d.err != nil {
		return nil, d.err
	}
	e.prepare()
	return e, nil
}
