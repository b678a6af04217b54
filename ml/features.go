package ml

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Features is a row-major feature matrix: per row a binary fingerprint of
// NBits bits packed into 64-bit words (bit j of a row is bit j%64 of word
// j/64, so the words of a row are what chem's bit vectors hold) and a dense
// vector of NDense float32 descriptors. All rows share two flat backing
// slices, so a million 2048-bit rows with 20 descriptors take 256 MB of
// bits plus 80 MB of descriptors.
//
// A Features is not safe for concurrent mutation; concurrent reads are fine.
type Features struct {
	nBits, nDense, words int
	rows                 int
	bits                 []uint64
	dense                []float32
}

// WordsFor returns the number of 64-bit words that hold nBits bits.
func WordsFor(nBits int) int { return (nBits + 63) / 64 }

// NewFeatures returns an empty matrix of rows with nBits fingerprint bits and
// nDense descriptors, with room for capacityRows rows before reallocating.
// Panics if an argument is negative.
func NewFeatures(nBits, nDense, capacityRows int) *Features {
	if nBits < 0 || nDense < 0 || capacityRows < 0 {
		panic("ml: NewFeatures with a negative size")
	}
	w := WordsFor(nBits)
	return &Features{
		nBits: nBits, nDense: nDense, words: w,
		bits:  make([]uint64, 0, w*capacityRows),
		dense: make([]float32, 0, nDense*capacityRows),
	}
}

// NBits returns the number of fingerprint bits per row.
func (f *Features) NBits() int { return f.nBits }

// NDense returns the number of dense descriptors per row.
func (f *Features) NDense() int { return f.nDense }

// Words returns the number of 64-bit words per row's fingerprint.
func (f *Features) Words() int { return f.words }

// Rows returns the number of rows.
func (f *Features) Rows() int { return f.rows }

// AppendRow appends a row: bits must hold exactly Words() words (bits beyond
// NBits must be zero) and dense exactly NDense() values. The slices are
// copied. Dense values may be any float32 including NaN; training rejects
// non-finite values, prediction sends them down the "greater" branch.
func (f *Features) AppendRow(bits []uint64, dense []float32) error {
	if len(bits) != f.words {
		return &InputError{What: "bits", Row: f.rows, Reason: fmt.Sprintf("%d words, want %d", len(bits), f.words)}
	}
	if len(dense) != f.nDense {
		return &InputError{What: "dense", Row: f.rows, Reason: fmt.Sprintf("%d values, want %d", len(dense), f.nDense)}
	}
	if f.words > 0 && f.nBits%64 != 0 && bits[f.words-1]>>(uint(f.nBits)%64) != 0 {
		return &InputError{What: "bits", Row: f.rows, Reason: fmt.Sprintf("bit set beyond NBits=%d", f.nBits)}
	}
	f.bits = append(f.bits, bits...)
	f.dense = append(f.dense, dense...)
	f.rows++
	return nil
}

// AppendRowOnBits appends a row given the indices of its on bits (as
// chem's and RDKit's GetOnBits lists) and its dense values.
func (f *Features) AppendRowOnBits(on []int, dense []float32) error {
	if len(dense) != f.nDense {
		return &InputError{What: "dense", Row: f.rows, Reason: fmt.Sprintf("%d values, want %d", len(dense), f.nDense)}
	}
	for _, j := range on {
		if j < 0 || j >= f.nBits {
			return &InputError{What: "bits", Row: f.rows, Reason: fmt.Sprintf("bit index %d outside [0,%d)", j, f.nBits)}
		}
	}
	start := len(f.bits)
	f.bits = append(f.bits, make([]uint64, f.words)...)
	row := f.bits[start:]
	for _, j := range on {
		row[j>>6] |= 1 << (uint(j) & 63)
	}
	f.dense = append(f.dense, dense...)
	f.rows++
	return nil
}

// Grow appends n zero rows (no bits set, dense values 0), to be filled with
// SetRow or through BitsRow and Dense.
func (f *Features) Grow(n int) {
	if n < 0 {
		panic("ml: Features.Grow with negative n")
	}
	f.bits = grow(f.bits, n*f.words)
	f.dense = grow(f.dense, n*f.nDense)
	f.rows += n
}

// grow extends s by n zero elements, allocating at most once (appending a
// make'd slice would allocate and zero the n elements twice).
func grow[T uint64 | float32](s []T, n int) []T {
	s = slices.Grow(s, n)
	s = s[:len(s)+n]
	clear(s[len(s)-n:])
	return s
}

// SetRow overwrites row i. It panics if i is out of range or a length
// differs (programmer errors).
func (f *Features) SetRow(i int, bits []uint64, dense []float32) {
	if len(bits) != f.words || len(dense) != f.nDense {
		panic("ml: Features.SetRow length mismatch")
	}
	copy(f.BitsRow(i), bits)
	copy(f.Dense(i), dense)
}

// Bit reports whether bit j of row i is set. Panics if i or j is out of range.
func (f *Features) Bit(i, j int) bool {
	if j < 0 || j >= f.nBits {
		panic("ml: Features.Bit index out of range")
	}
	return f.BitsRow(i)[j>>6]>>(uint(j)&63)&1 == 1
}

// BitsRow returns row i's packed fingerprint words; the slice aliases the
// matrix. Panics if i is out of range.
func (f *Features) BitsRow(i int) []uint64 {
	if i < 0 || i >= f.rows {
		panic("ml: Features row out of range")
	}
	return f.bits[i*f.words : (i+1)*f.words : (i+1)*f.words]
}

// Dense returns row i's dense values; the slice aliases the matrix. Panics
// if i is out of range.
func (f *Features) Dense(i int) []float32 {
	if i < 0 || i >= f.rows {
		panic("ml: Features row out of range")
	}
	return f.dense[i*f.nDense : (i+1)*f.nDense : (i+1)*f.nDense]
}

// OnBits returns the number of set bits of row i.
func (f *Features) OnBits(i int) int {
	n := 0
	for _, w := range f.BitsRow(i) {
		n += bits.OnesCount64(w)
	}
	return n
}

// Subset returns a copy holding the rows idx, in that order (an index may
// repeat). Panics if an index is out of range.
func (f *Features) Subset(idx []int) *Features {
	s := NewFeatures(f.nBits, f.nDense, len(idx))
	for _, i := range idx {
		s.bits = append(s.bits, f.BitsRow(i)...)
		s.dense = append(s.dense, f.Dense(i)...)
	}
	s.rows = len(idx)
	return s
}

// Slice returns a view of rows [from, to) sharing the backing storage
// (writes through either are visible in both; appending to the view
// reallocates). Panics if the range is invalid.
func (f *Features) Slice(from, to int) *Features {
	if from < 0 || to < from || to > f.rows {
		panic("ml: Features.Slice range out of bounds")
	}
	return &Features{
		nBits: f.nBits, nDense: f.nDense, words: f.words, rows: to - from,
		bits:  f.bits[from*f.words : to*f.words : to*f.words],
		dense: f.dense[from*f.nDense : to*f.nDense : to*f.nDense],
	}
}

// checkFinite returns an *InputError for the first non-finite dense value.
func (f *Features) checkFinite() error {
	for k, v := range f.dense {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return &InputError{What: "dense", Row: k / f.nDense, Reason: fmt.Sprintf("descriptor %d is %v", k%f.nDense, v)}
		}
	}
	return nil
}

// Standardizer maps each dense descriptor to (x - Mean) / Scale. Scale is
// the (weighted, population) standard deviation, or 1 for a constant
// descriptor, so constants map to 0.
type Standardizer struct {
	Mean  []float64
	Scale []float64
}

// FitStandardizer fits a Standardizer on the dense values of the given rows
// of X (all rows when rows is nil), weighting each row by w[row] when w is
// not nil (rows of weight 0 do not count).
func FitStandardizer(X *Features, rows []int, w []float64) *Standardizer {
	d := X.nDense
	s := &Standardizer{Mean: make([]float64, d), Scale: make([]float64, d)}
	each := func(fn func(i int)) {
		if rows == nil {
			for i := 0; i < X.rows; i++ {
				fn(i)
			}
			return
		}
		for _, i := range rows {
			fn(i)
		}
	}
	var tw float64
	each(func(i int) {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if wi <= 0 {
			return
		}
		tw += wi
		for j, v := range X.Dense(i) {
			s.Mean[j] += wi * float64(v)
		}
	})
	if tw == 0 {
		for j := range s.Scale {
			s.Scale[j] = 1
		}
		return s
	}
	for j := range s.Mean {
		s.Mean[j] /= tw
	}
	each(func(i int) {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if wi <= 0 {
			return
		}
		for j, v := range X.Dense(i) {
			dv := float64(v) - s.Mean[j]
			s.Scale[j] += wi * dv * dv
		}
	})
	for j := range s.Scale {
		sd := math.Sqrt(s.Scale[j] / tw)
		if sd == 0 || math.IsNaN(sd) || math.IsInf(sd, 0) {
			sd = 1
		}
		s.Scale[j] = sd
	}
	return s
}

// Apply writes the standardised values of dense into out. Panics on a
// length mismatch.
func (s *Standardizer) Apply(dense []float32, out []float64) {
	if len(dense) != len(s.Mean) || len(out) != len(s.Mean) {
		panic("ml: Standardizer.Apply length mismatch")
	}
	for j, v := range dense {
		out[j] = (float64(v) - s.Mean[j]) / s.Scale[j]
	}
}

// Transform returns a copy of X whose dense values are standardised (bits
// are copied unchanged).
func (s *Standardizer) Transform(X *Features) *Features {
	out := &Features{nBits: X.nBits, nDense: X.nDense, words: X.words, rows: X.rows,
		bits: append([]uint64(nil), X.bits...), dense: make([]float32, len(X.dense))}
	for k, v := range X.dense {
		j := k % X.nDense
		out.dense[k] = float32((float64(v) - s.Mean[j]) / s.Scale[j])
	}
	return out
}
