package ingest

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
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

// BenchmarkXLSXReader reads ESOL (1128 rows) from a workbook excelize wrote.
func BenchmarkXLSXReader(b *testing.B) {
	data, err := os.ReadFile(esolPath)
	if err != nil {
		b.Skip("examples/esol.csv missing:", err)
	}
	r, err := NewCSVReader(bytes.NewReader(data), Options{ValueColumn: "value"})
	if err != nil {
		b.Fatal(err)
	}
	rows, _, err := ReadAll(r)
	if err != nil {
		b.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	_ = sw.SetRow("A1", []any{"smiles", "value", "name"})
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{row.SMILES, *row.Value, row.Name}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	book := buf.Bytes()
	b.SetBytes(int64(len(book)))
	b.ReportAllocs()
	for b.Loop() {
		x, err := NewXLSXReader(bytes.NewReader(book), Options{ValueColumn: "value"})
		if err != nil {
			b.Fatal(err)
		}
		if rows, _, err := ReadAll(x); err != nil || len(rows) != 1128 {
			b.Fatal(len(rows), err)
		}
	}
}

// BenchmarkSDFV3000 reads testdata/esol_v3000.sdf.gz (113 RDKit V3000
// records) decompressed, so the molfile path is what is measured.
func BenchmarkSDFV3000(b *testing.B) {
	f, err := os.Open(filepath.Join("testdata", "esol_v3000.sdf.gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if rows, _, err := ReadAll(NewSDFReader(bytes.NewReader(data), Options{ValueColumn: "logS"})); err != nil || len(rows) != 112 {
			b.Fatal(len(rows), err)
		}
	}
}
