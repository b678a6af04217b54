package ingest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"activelab/chem"
)

// Row is one good record of an input file: a SMILES that chem parses, an
// optional name and an optional measured value (finite when set).
type Row struct {
	// Line is the 1-based number of the record: the data row of a CSV file
	// (the header not counted) or the molecule of an SDF file.
	Line int
	// SMILES is the SMILES as read (CSV) or as written from the molfile (SDF);
	// chem.Parse accepts it.
	SMILES string
	// Name is the name or id column (CSV) or data item (SDF), else "".
	Name string
	// Value is the measured value, nil when the file has none for the row.
	Value *float64
}

// RowError is one rejected record: where it is and why. A reader reports it
// and goes on with the next record.
type RowError struct {
	// Row is the record's 1-based number, as Row.Line.
	Row int
	// Column names the offending column (CSV header name, SDF data item, or
	// "molfile" for the structure); "" when the record as a whole is bad.
	Column string
	// Reason says what is wrong; for an invalid SMILES it is chem's message.
	Reason string
	// Offset is the byte offset in the SMILES of a chem.ParseError (0 otherwise).
	Offset int
}

// Error formats the error as "row 3, column smiles: reason".
func (e *RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Reason)
	}
	return fmt.Sprintf("row %d: %s", e.Row, e.Reason)
}

// Reader yields an input file's records one at a time.
//
// Next returns the next good row; a bad record gives a *RowError, after
// which the caller may call Next again; io.EOF marks the end; any other
// error (an unreadable file) is final.
type Reader interface {
	Next() (Row, error)
}

// Options choose the columns (CSV) or data items (SDF) to read. Names match
// case-insensitively.
type Options struct {
	// SMILESColumn is the CSV column holding SMILES (default "smiles").
	// Ignored for SDF, whose structure is the molfile.
	SMILESColumn string
	// NameColumn is the name/id column or data item. Default for CSV: "name",
	// else "id", when present; for SDF: the molfile's title line.
	NameColumn string
	// ValueColumn is the column or data item with a measured value; "" reads
	// no values. Empty cells give rows without a value.
	ValueColumn string
}

// Format is an input file format.
type Format string

// The formats Open reads.
const (
	FormatCSV Format = "csv"
	FormatSDF Format = "sdf"
)

// ParseFormat checks a format name ("csv" or "sdf", any case).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatCSV, FormatSDF:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want csv or sdf)", s)
}

// FormatFromPath guesses the format from a file name: .csv (and .txt) are
// CSV; .sdf, .sd and .mol are SDF.
func FormatFromPath(path string) (Format, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv", ".txt":
		return FormatCSV, nil
	case ".sdf", ".sd", ".mol":
		return FormatSDF, nil
	default:
		return "", fmt.Errorf("cannot tell the format of %q from its extension %q (give csv or sdf)", filepath.Base(path), ext)
	}
}

// Open returns a reader of r in the given format. For CSV it reads the header
// first, so a missing SMILES column is reported here.
func Open(r io.Reader, f Format, opts Options) (Reader, error) {
	switch f {
	case FormatCSV:
		return NewCSVReader(r, opts)
	case FormatSDF:
		return NewSDFReader(r, opts), nil
	}
	return nil, fmt.Errorf("unknown format %q (want csv or sdf)", f)
}

// ReadAll reads every record: the good rows, the bad ones, and a final error
// other than io.EOF when the input could not be read to its end.
func ReadAll(r Reader) (rows []Row, bad []RowError, err error) {
	for {
		row, err := r.Next()
		if err == nil {
			rows = append(rows, row)
			continue
		}
		if errors.Is(err, io.EOF) {
			return rows, bad, nil
		}
		var re *RowError
		if errors.As(err, &re) {
			bad = append(bad, *re)
			continue
		}
		return rows, bad, err
	}
}

// parseSMILES returns the molecule when chem parses s, else the row error
// with chem's message and offset.
func parseSMILES(row int, column, s string) (*chem.Mol, *RowError) {
	if s == "" {
		return nil, &RowError{Row: row, Column: column, Reason: "empty SMILES"}
	}
	m, err := chem.Parse(s)
	if err != nil {
		var pe *chem.ParseError
		if errors.As(err, &pe) {
			return nil, &RowError{Row: row, Column: column, Reason: pe.Msg, Offset: pe.Pos}
		}
		return nil, &RowError{Row: row, Column: column, Reason: err.Error()}
	}
	return m, nil
}

// parseValue reads a measured value: "" is no value; anything else must be a
// finite number.
func parseValue(row int, column, s string) (*float64, *RowError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return nil, &RowError{Row: row, Column: column, Reason: fmt.Sprintf("value %q is out of range", clip(s))}
		}
		return nil, &RowError{Row: row, Column: column, Reason: fmt.Sprintf("value %q is not a number", clip(s))}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, &RowError{Row: row, Column: column, Reason: fmt.Sprintf("value %q is not finite", clip(s))}
	}
	return &v, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
