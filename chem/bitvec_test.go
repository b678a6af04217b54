package chem

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func TestBitVecSetGetCount(t *testing.T) {
	t.Parallel()
	v := NewBitVec(130)
	for _, i := range []int{0, 63, 64, 129, 5, 64} {
		v.Set(i)
	}
	if got, want := v.OnBits(), []int{0, 5, 63, 64, 129}; !slices.Equal(got, want) {
		t.Fatalf("OnBits = %v, want %v", got, want)
	}
	if v.Count() != 5 || !v.Get(129) || v.Get(128) {
		t.Fatalf("Count/Get wrong: %v", v)
	}
	v.Clear(64)
	if v.Get(64) || v.Count() != 4 {
		t.Fatalf("Clear(64) left %v", v)
	}
	c := v.Clone()
	c.Set(1)
	if v.Get(1) {
		t.Fatal("Clone shares bits with the original")
	}
}

func TestBitVecOutOfRangePanics(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(v BitVec){
		"Set":      func(v BitVec) { v.Set(10) },
		"Get":      func(v BitVec) { v.Get(-1) },
		"Clear":    func(v BitVec) { v.Clear(11) },
		"Tanimoto": func(v BitVec) { Tanimoto(v, NewBitVec(11)) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f(NewBitVec(10))
		})
	}
}

func TestTanimoto(t *testing.T) {
	t.Parallel()
	mk := func(n int, on ...int) BitVec {
		v := NewBitVec(n)
		for _, i := range on {
			v.Set(i)
		}
		return v
	}
	tests := []struct {
		name string
		a, b BitVec
		want float64
	}{
		// RDKit DataStructs.TanimotoSimilarity: |a&b| / (|a|+|b|-|a&b|), 1 for two empty vectors.
		{"identical", mk(2048, 1, 80, 2047), mk(2048, 1, 80, 2047), 1},
		{"disjoint", mk(2048, 1), mk(2048, 2), 0},
		{"half", mk(2048, 1, 2, 3), mk(2048, 2, 3, 4), 0.5},
		{"one of five", mk(100, 0, 1, 2, 3), mk(100, 3, 99), 0.2},
		{"both empty", mk(64), mk(64), 1},
	}
	for _, tc := range tests {
		if got := Tanimoto(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Tanimoto = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestTanimotoCounts(t *testing.T) {
	t.Parallel()
	a := map[uint32]uint32{1: 2, 2: 1}
	b := map[uint32]uint32{1: 1, 3: 1}
	// min sum 1, max sum 2+1+1 = 4
	if got := TanimotoCounts(a, b); got != 0.25 {
		t.Errorf("TanimotoCounts = %v, want 0.25", got)
	}
	if got := TanimotoCounts(nil, nil); got != 1 {
		t.Errorf("TanimotoCounts(empty, empty) = %v, want 1", got)
	}
}

func TestBitVecBinaryRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 63, 64, 65, 1024, 2048, 2049} {
		v := NewBitVec(n)
		for i := 0; i < n; i++ {
			if r.IntN(3) == 0 {
				v.Set(i)
			}
		}
		b, err := v.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 + uvarintLen(uint64(n)) + (n+7)/8; len(b) != want {
			t.Errorf("n=%d: encoded %d bytes, want %d", n, len(b), want)
		}
		var got BitVec
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !got.Equal(v) {
			t.Errorf("n=%d: round trip gave %v, want %v", n, got, v)
		}
		// DecodeBitVecWords overwrites a dirty buffer with the same words.
		words := make([]uint64, (n+63)/64)
		for i := range words {
			words[i] = ^uint64(0)
		}
		if gotN, err := DecodeBitVecWords(b, words); err != nil || gotN != n || !slices.Equal(words, v.Words()) {
			t.Errorf("n=%d: DecodeBitVecWords = %d, %v, words %x; want %d, %x", n, gotN, err, words, n, v.Words())
		}
	}
}

func TestDecodeBitVecWordsRejectsWrongBuffer(t *testing.T) {
	t.Parallel()
	v := NewBitVec(130)
	v.Set(129)
	b, _ := v.MarshalBinary()
	for _, nw := range []int{0, 2, 4} {
		words := make([]uint64, nw)
		for i := range words {
			words[i] = 7
		}
		if _, err := DecodeBitVecWords(b, words); !errors.Is(err, ErrBitVecEncoding) {
			t.Errorf("%d words for 130 bits: err = %v, want ErrBitVecEncoding", nw, err)
		}
		for i, w := range words {
			if w != 7 {
				t.Errorf("%d words: word %d changed to %x on error", nw, i, w)
			}
		}
	}
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

func TestBitVecUnmarshalRejects(t *testing.T) {
	t.Parallel()
	tests := map[string][]byte{
		"empty":            {},
		"unknown version":  {2, 8, 0xff},
		"no length":        {1},
		"truncated varint": {1, 0x80},
		"short body":       {1, 16, 0xff},
		"long body":        {1, 8, 0xff, 0},
		"bits past length": {1, 4, 0x10},
		"huge length":      {1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
	}
	for name, data := range tests {
		var v BitVec
		err := v.UnmarshalBinary(data)
		if !errors.Is(err, ErrBitVecEncoding) {
			t.Errorf("%s: err = %v, want ErrBitVecEncoding", name, err)
		}
	}
}

func FuzzBitVecUnmarshal(f *testing.F) {
	for _, n := range []int{0, 5, 64, 2048} {
		v := NewBitVec(n)
		if n > 0 {
			v.Set(n - 1)
		}
		b, _ := v.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte{1, 4, 0x10})
	f.Add([]byte{1, 0x80})
	f.Fuzz(func(t *testing.T, data []byte) {
		var v BitVec
		err := v.UnmarshalBinary(data)
		// DecodeBitVecWords accepts exactly what UnmarshalBinary accepts
		// (given a buffer of the right size) and decodes the same words.
		var words []uint64
		if err == nil {
			words = make([]uint64, len(v.Words()))
		}
		if n, derr := DecodeBitVecWords(data, words); (derr == nil) != (err == nil) ||
			(err == nil && (n != v.Len() || !slices.Equal(words, v.Words()))) {
			t.Fatalf("DecodeBitVecWords = %d, %v, %x; UnmarshalBinary = %v, %v", n, derr, words, v, err)
		}
		if err != nil {
			if !errors.Is(err, ErrBitVecEncoding) {
				t.Fatalf("error %v does not wrap ErrBitVecEncoding", err)
			}
			return
		}
		// a valid encoding is canonical: re-encoding gives the same bytes
		b, _ := v.MarshalBinary()
		if !slices.Equal(b, data) {
			t.Fatalf("re-encoding %x gave %x", data, b)
		}
	})
}

const tanimotoBits = 2048

func BenchmarkTanimoto(b *testing.B) {
	for _, density := range []int{32, 128} {
		b.Run("bits=2048/on="+strconv.Itoa(density), func(b *testing.B) {
			r := rand.New(rand.NewPCG(7, 7))
			x, y := NewBitVec(tanimotoBits), NewBitVec(tanimotoBits)
			for range density {
				x.Set(r.IntN(tanimotoBits))
				y.Set(r.IntN(tanimotoBits))
			}
			b.ReportAllocs()
			var s float64
			for b.Loop() {
				s += Tanimoto(x, y)
			}
			_ = s
		})
	}
}
