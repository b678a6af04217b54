package ingest

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook writes an .xlsx with excelize: an empty first sheet "Notes" with a
// line of text, and a sheet "Assay" with typed cells (numbers stored as
// numbers, one shown as a percentage, a bound as text, a trailing cell left
// empty, an empty row).
func workbook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Notes"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Notes", "A1", "made by the xlsx test"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Assay"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"Compound ID", "SMILES", "logS", "fraction", "pIC50", "note"},
		{"X1", "CCO", 0.5, 0.25, 6.2, "first"},
		{"X2", "c1ccccc1", -1.64, 0.1, "<5"},
		{},
		{"X4", "C1CC", 1, 1, 1, ""},
		{"X5", "CC(=O)[O-].[Na+]", -0.3, 0.333, ">= 7,5", "salt"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if len(r) > 0 {
			if err := f.SetSheetRow("Assay", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 9}) // "0%"
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Assay", "D2", "D6", pct); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	t.Parallel()
	data := workbook(t)
	opts := Options{Sheet: "Assay", NameColumn: "compound id", ValueColumn: "logS",
		Endpoints: []EndpointColumn{{"fraction", "fraction"}, {"pIC50", "pIC50"}}, Qualified: true, DecimalComma: true}
	r, err := Open(bytes.NewReader(data), FormatXLSX, opts)
	if err != nil {
		t.Fatal(err)
	}
	if x := r.(*XLSXReader); x.Sheet() != "Assay" || len(x.Header()) != 6 {
		t.Errorf("sheet %q header %v", x.Sheet(), x.Header())
	}
	rows, bad, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(bad) != 1 {
		t.Fatalf("rows %+v errors %+v", rows, bad)
	}
	// Row numbers are the sheet's less the header: X4 is on sheet row 5.
	if b := bad[0]; b.Row != 4 || b.Column != "SMILES" || !strings.Contains(b.Reason, "never closed") {
		t.Errorf("error %+v", b)
	}
	type want struct {
		line   int
		name   string
		logS   float64
		values []Measurement
	}
	wants := []want{
		{1, "X1", 0.5, []Measurement{{"fraction", "fraction", 0.25, Exact}, {"pIC50", "pIC50", 6.2, Exact}}},
		{2, "X2", -1.64, []Measurement{{"fraction", "fraction", 0.1, Exact}, {"pIC50", "pIC50", 5, LessThan}}},
		{5, "X5", -0.3, []Measurement{{"fraction", "fraction", 0.333, Exact}, {"pIC50", "pIC50", 7.5, AtLeast}}},
	}
	for i, w := range wants {
		g := rows[i]
		if g.Line != w.line || g.Name != w.name || g.Value == nil || *g.Value != w.logS || !reflect.DeepEqual(g.Values, w.values) {
			t.Errorf("row %d = %+v (value %v), want %+v", i, g, g.Value, w)
		}
	}
	if n, _ := rows[0].Field("note"); n != "first" || len(rows[1].Fields) != 6 || rows[1].Fields[5] != (Field{"note", ""}) {
		t.Errorf("fields %+v / %+v", rows[0].Fields, rows[1].Fields)
	}
	if rows[2].SMILES != "CC(=O)[O-].[Na+]" {
		t.Errorf("SMILES %q", rows[2].SMILES)
	}
	if _, err := r.Next(); err == nil || err.Error() != "EOF" {
		t.Errorf("Next after the end = %v", err)
	}
}

func TestXLSXErrors(t *testing.T) {
	t.Parallel()
	data := workbook(t)
	// The first sheet is the default: "Notes" has no SMILES column.
	_, err := Open(bytes.NewReader(data), FormatXLSX, Options{})
	var ce *ColumnError
	if !errors.As(err, &ce) || ce.Format != FormatXLSX || ce.Role != "SMILES" || !reflect.DeepEqual(ce.Have, []string{"made by the xlsx test"}) {
		t.Errorf("first sheet: %#v", err)
	}
	_, err = Open(bytes.NewReader(data), FormatXLSX, Options{Sheet: "Data"})
	var se *SheetError
	if !errors.As(err, &se) || !reflect.DeepEqual(se.Have, []string{"Notes", "Assay"}) || err.Error() != `xlsx: no sheet "Data" (sheets: "Notes", "Assay")` {
		t.Errorf("missing sheet: %v", err)
	}
	_, err = Open(bytes.NewReader(data), FormatXLSX, Options{Sheet: "Assay", Endpoints: []EndpointColumn{{"logD", "logD"}}})
	if !errors.As(err, &ce) || ce.Column != "logD" {
		t.Errorf("missing column: %v", err)
	}
	if _, err := Open(strings.NewReader("smiles\nCC\n"), FormatXLSX, Options{}); err == nil || !strings.HasPrefix(err.Error(), "xlsx: ") {
		t.Errorf("CSV read as xlsx: %v", err)
	}
	f := excelize.NewFile()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(&buf, FormatXLSX, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty workbook: %v", err)
	}
}
