package chem

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// BitVec is a fixed-length vector of bits stored in 64-bit words, the form
// folded fingerprints take. The zero value is an empty vector of length 0.
//
// A BitVec is a small header over a shared word slice, like a Go slice:
// copies share their bits, and Set on a copy is visible through the original.
// Use Clone for an independent copy.
type BitVec struct {
	words []uint64
	n     int
}

// NewBitVec returns a vector of n bits, all clear. Panics if n < 0.
func NewBitVec(n int) BitVec {
	if n < 0 {
		panic(fmt.Sprintf("chem: NewBitVec: negative length %d", n))
	}
	return BitVec{words: make([]uint64, (n+63)/64), n: n}
}

// Len returns the length of the vector in bits.
func (v BitVec) Len() int { return v.n }

// Words returns the vector's words, least significant bit first (bit i is
// bit i%64 of word i/64); bits past Len are always zero. The slice is shared:
// do not modify it.
func (v BitVec) Words() []uint64 { return v.words }

// Set turns bit i on. Panics if i is out of range.
func (v BitVec) Set(i int) {
	if uint(i) >= uint(v.n) {
		panic(fmt.Sprintf("chem: BitVec.Set: bit %d out of range [0,%d)", i, v.n))
	}
	v.words[i>>6] |= 1 << (uint(i) & 63)
}

// Clear turns bit i off. Panics if i is out of range.
func (v BitVec) Clear(i int) {
	if uint(i) >= uint(v.n) {
		panic(fmt.Sprintf("chem: BitVec.Clear: bit %d out of range [0,%d)", i, v.n))
	}
	v.words[i>>6] &^= 1 << (uint(i) & 63)
}

// Get reports whether bit i is on. Panics if i is out of range.
func (v BitVec) Get(i int) bool {
	if uint(i) >= uint(v.n) {
		panic(fmt.Sprintf("chem: BitVec.Get: bit %d out of range [0,%d)", i, v.n))
	}
	return v.words[i>>6]&(1<<(uint(i)&63)) != 0
}

// Count returns the number of bits that are on (the popcount).
func (v BitVec) Count() int {
	c := 0
	for _, w := range v.words {
		c += bits.OnesCount64(w)
	}
	return c
}

// OnBits returns the indices of the bits that are on, ascending.
func (v BitVec) OnBits() []int {
	out := make([]int, 0, v.Count())
	for wi, w := range v.words {
		for w != 0 {
			out = append(out, wi<<6+bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
	return out
}

// Clone returns an independent copy of v.
func (v BitVec) Clone() BitVec {
	return BitVec{words: append([]uint64(nil), v.words...), n: v.n}
}

// Equal reports whether v and b have the same length and the same bits.
func (v BitVec) Equal(b BitVec) bool {
	if v.n != b.n {
		return false
	}
	for i, w := range v.words {
		if b.words[i] != w {
			return false
		}
	}
	return true
}

// String renders the vector's on bits, e.g. "BitVec(2048)[1 80 91]".
func (v BitVec) String() string {
	return fmt.Sprintf("BitVec(%d)%v", v.n, v.OnBits())
}

// Byte encoding, version 1:
//
//	byte 0       version (1)
//	uvarint      length in bits
//	ceil(n/8)    bytes, bit i is bit i%8 of byte i/8; unused high bits zero
//
// The encoding of a vector is unique: a non-minimal length, trailing
// garbage, a short body or set bits past the length are rejected.
const bitVecVersion = 1

// maxBitVecLen bounds the length a decoded vector may claim, so corrupt input
// cannot request a huge allocation before its size is checked.
const maxBitVecLen = 1 << 31

// ErrBitVecEncoding is wrapped by every error UnmarshalBinary returns.
var ErrBitVecEncoding = errors.New("chem: invalid bit vector encoding")

// MarshalBinary encodes v in the versioned byte format described above.
// It never fails.
func (v BitVec) MarshalBinary() ([]byte, error) {
	return v.AppendBinary(make([]byte, 0, 1+binary.MaxVarintLen64+(v.n+7)/8))
}

// AppendBinary appends the encoding of v to b.
func (v BitVec) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, bitVecVersion)
	b = binary.AppendUvarint(b, uint64(v.n))
	nb := (v.n + 7) / 8
	for i := 0; i < nb; i++ {
		b = append(b, byte(v.words[i>>3]>>(uint(i&7)*8)))
	}
	return b, nil
}

// UnmarshalBinary decodes data written by MarshalBinary into v. Errors wrap
// ErrBitVecEncoding and say what is wrong; v is unchanged on error.
func (v *BitVec) UnmarshalBinary(data []byte) error {
	n, body, err := bitVecBody(data)
	if err != nil {
		return err
	}
	out := NewBitVec(n)
	fillWords(out.words, body)
	*v = out
	return nil
}

// DecodeBitVecWords decodes data written by MarshalBinary into words, which
// must hold exactly (n+63)/64 words for the encoded length n, and returns n:
// UnmarshalBinary without allocating, for reading many stored fingerprints
// into one matrix. Errors wrap ErrBitVecEncoding (a wrong len(words) too);
// words is left unchanged on error.
func DecodeBitVecWords(data []byte, words []uint64) (int, error) {
	n, body, err := bitVecBody(data)
	if err != nil {
		return 0, err
	}
	if len(words) != (n+63)/64 {
		return 0, fmt.Errorf("%w: %d bits need %d words, got %d", ErrBitVecEncoding, n, (n+63)/64, len(words))
	}
	clear(words)
	fillWords(words, body)
	return n, nil
}

// bitVecBody checks an encoding and returns its length in bits and its body.
func bitVecBody(data []byte) (int, []byte, error) {
	if len(data) == 0 {
		return 0, nil, fmt.Errorf("%w: empty input", ErrBitVecEncoding)
	}
	if data[0] != bitVecVersion {
		return 0, nil, fmt.Errorf("%w: unknown version %d (want %d)", ErrBitVecEncoding, data[0], bitVecVersion)
	}
	n, k := binary.Uvarint(data[1:])
	if k <= 0 {
		return 0, nil, fmt.Errorf("%w: bad length field at byte 1", ErrBitVecEncoding)
	}
	if k != len(binary.AppendUvarint(nil, n)) {
		return 0, nil, fmt.Errorf("%w: length field at byte 1 is not minimally encoded", ErrBitVecEncoding)
	}
	if n > maxBitVecLen {
		return 0, nil, fmt.Errorf("%w: length %d bits exceeds the limit %d", ErrBitVecEncoding, n, maxBitVecLen)
	}
	body := data[1+k:]
	nb := (int(n) + 7) / 8
	if len(body) != nb {
		return 0, nil, fmt.Errorf("%w: %d bits need %d bytes, got %d", ErrBitVecEncoding, n, nb, len(body))
	}
	if r := n % 8; r != 0 && body[nb-1]>>r != 0 {
		return 0, nil, fmt.Errorf("%w: bits set past the length %d", ErrBitVecEncoding, n)
	}
	return int(n), body, nil
}

// fillWords ORs an encoding's body bytes into words (little-endian bytes).
func fillWords(words []uint64, body []byte) {
	for i, c := range body {
		words[i>>3] |= uint64(c) << (uint(i&7) * 8)
	}
}
