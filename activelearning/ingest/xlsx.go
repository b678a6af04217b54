package ingest

import (
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxUnzipLimit bounds the decompressed size of an XLSX workbook, so a
// small file cannot expand without limit (a zip bomb).
const xlsxUnzipLimit = 1 << 30

// XLSXReader reads compounds from one sheet of an Excel workbook (.xlsx)
// with a header row, as CSVReader reads a CSV file: the first row names
// the columns; every later row is a record, numbered as the sheet numbers
// it less one (the header), so row 1 is the sheet's row 2. Empty rows are
// skipped (their numbers are not reused). Cells are read unformatted (the
// stored number, not its display: 0.1 shown as "10%" reads as 0.1).
type XLSXReader struct {
	f     *excelize.File
	rows  *excelize.Rows
	t     *table
	sheet string
	row   int // sheet row of the last record read
	done  bool
}

// SheetError says that the sheet asked for is not in the workbook.
type SheetError struct {
	// Sheet is the name asked for.
	Sheet string
	// Have lists the workbook's sheets.
	Have []string
}

// Error names the missing sheet and lists the workbook's.
func (e *SheetError) Error() string {
	return fmt.Sprintf("xlsx: no sheet %q (sheets: %s)", e.Sheet, quoteList(e.Have))
}

// NewXLSXReader reads the workbook r (whole: a workbook is a zip archive),
// opens opts.Sheet (default the first sheet) and finds the columns of opts
// in its first row. A missing sheet is a *SheetError, a missing column a
// *ColumnError. The reader closes the workbook when it reaches the end;
// Close releases it earlier.
func NewXLSXReader(r io.Reader, opts Options) (*XLSXReader, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: xlsxUnzipLimit})
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	x, err := openSheet(f, opts)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return x, nil
}

func openSheet(f *excelize.File, opts Options) (*XLSXReader, error) {
	sheets := f.GetSheetList()
	sheet := opts.Sheet
	if sheet == "" {
		if len(sheets) == 0 {
			return nil, fmt.Errorf("xlsx: the workbook has no sheet")
		}
		sheet = sheets[0]
	} else {
		found := false
		for _, s := range sheets {
			found = found || s == sheet
		}
		if !found {
			return nil, &SheetError{Sheet: sheet, Have: sheets}
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx sheet %q: %w", sheet, err)
	}
	x := &XLSXReader{f: f, rows: rows, sheet: sheet}
	var header []string
	for len(header) == 0 {
		if !rows.Next() {
			_ = rows.Close()
			if err := rows.Error(); err != nil {
				return nil, fmt.Errorf("xlsx sheet %q: %w", sheet, err)
			}
			return nil, fmt.Errorf("xlsx sheet %q: %w", sheet, ErrEmpty)
		}
		x.row++
		if header, err = rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("xlsx sheet %q row %d: %w", sheet, x.row, err)
		}
		if blank(header) {
			header = nil // leading empty rows before the header
		}
	}
	headerRow := x.row
	if x.t, err = newTable(FormatXLSX, header, opts, true); err != nil {
		_ = rows.Close()
		return nil, err
	}
	x.row -= headerRow // data rows are numbered from the header
	return x, nil
}

// Sheet returns the name of the sheet being read.
func (x *XLSXReader) Sheet() string { return x.sheet }

// Header returns the column names as read (trimmed).
func (x *XLSXReader) Header() []string { return x.t.header }

// Next returns the next good row (see Reader).
func (x *XLSXReader) Next() (Row, error) {
	for !x.done {
		if !x.rows.Next() {
			err := x.rows.Error()
			_ = x.Close()
			if err != nil {
				return Row{}, fmt.Errorf("xlsx sheet %q after row %d: %w", x.sheet, x.row, err)
			}
			return Row{}, io.EOF
		}
		x.row++
		rec, err := x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return Row{}, &RowError{Row: x.row, Reason: fmt.Sprintf("unreadable row: %v", err)}
		}
		if blank(rec) {
			continue
		}
		if len(rec) > len(x.t.header) && blank(rec[len(x.t.header):]) {
			rec = rec[:len(x.t.header)]
		}
		return x.t.row(x.row, rec)
	}
	return Row{}, io.EOF
}

// Close releases the workbook; Next then returns io.EOF.
func (x *XLSXReader) Close() error {
	if x.done {
		return nil
	}
	x.done = true
	return errors.Join(x.rows.Close(), x.f.Close())
}

func blank(rec []string) bool {
	for _, c := range rec {
		for _, r := range c {
			if r != ' ' && r != '\t' {
				return false
			}
		}
	}
	return true
}
