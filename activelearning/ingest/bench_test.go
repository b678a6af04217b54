package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCSVReader reads ESOL (1128 rows; every SMILES parsed by chem).
func BenchmarkCSVReader(b *testing.B) {
	data, err := os.ReadFile(esolPath)
	if err != nil {
		b.Skip("examples/esol.csv missing:", err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewCSVReader(bytes.NewReader(data), Options{ValueColumn: "value"})
		if err != nil {
			b.Fatal(err)
		}
		if rows, _, err := ReadAll(r); err != nil || len(rows) != 1128 {
			b.Fatal(len(rows), err)
		}
	}
}

// BenchmarkSDFReader reads the hand-written SD file repeated sdfCopies times.
func BenchmarkSDFReader(b *testing.B) {
	const sdfCopies = 100
	one, err := os.ReadFile(filepath.Join("testdata", "handmade.sdf"))
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat(one, sdfCopies)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if rows, _, err := ReadAll(NewSDFReader(bytes.NewReader(data), Options{ValueColumn: "logS"})); err != nil || len(rows) != 4*sdfCopies {
			b.Fatal(len(rows), err)
		}
	}
}
