package ingest

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"activelab/chem"
)

// Row is one good record of an input file: a SMILES that chem parses, an
// optional name, the measured values the caller asked for, and every column
// or data item of the record as read.
type Row struct {
	// Line is the 1-based number of the record: the data row of a CSV or
	// XLSX file (the header not counted) or the molecule of an SDF file.
	Line int
	// SMILES is the SMILES as read (CSV, XLSX) or as written from the
	// molfile (SDF); chem.Parse accepts it.
	SMILES string
	// Name is the name or id column (CSV, XLSX) or data item (SDF), else "".
	Name string
	// Value is the value of Options.ValueColumn, nil when the record has
	// none. With Options.Qualified, Qualifier says whether it is a bound.
	Value *float64
	// Qualifier qualifies Value ("" for an exact value).
	Qualifier Qualifier
	// Values holds the record's values for Options.Endpoints, in the order
	// of the mapping, one per endpoint whose cell or data item is not empty.
	Values []Measurement
	// Fields is every column (CSV, XLSX: header name and cell, trimmed) or
	// data item (SDF: name and value lines joined by "\n") of the record, in
	// file order, so identifiers and other properties can be carried through.
	Fields []Field
}

// Field is one named column or data item of a record.
type Field struct {
	Name, Value string
}

// Field returns the value of the record's first field named name
// (case-insensitively) and whether there is one.
func (r *Row) Field(name string) (string, bool) {
	for _, f := range r.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
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

// ColumnError says that a column or data item the caller asked for is not in
// the file: for CSV and XLSX it is returned when the header is read (by
// Open); for SDF, whose data items vary by record, at the end of the file
// instead of io.EOF, when no record had it.
type ColumnError struct {
	// Format is the file's format.
	Format Format
	// Role is what the column was wanted for: "SMILES", "name" or "value".
	Role string
	// Column is the name asked for.
	Column string
	// Endpoint is the endpoint the column was mapped to (Options.Endpoints), if any.
	Endpoint string
	// Have lists the columns of the header (CSV, XLSX) or the data items
	// seen in the file (SDF).
	Have []string
}

// Error says which column is missing and lists what the file has.
func (e *ColumnError) Error() string {
	what := e.Role + " column"
	if e.Endpoint != "" {
		what = fmt.Sprintf("%s column (endpoint %s)", e.Role, e.Endpoint)
	}
	if e.Format == FormatSDF {
		what = strings.Replace(what, "column", "data item", 1)
		return fmt.Sprintf("sdf: no record has the %s %q (data items: %s)", what, e.Column, quoteList(e.Have))
	}
	return fmt.Sprintf("%s: no %s %q in the header (columns: %s)", e.Format, what, e.Column, quoteList(e.Have))
}

// ErrEmpty is returned by Open for a CSV or XLSX input without a header row.
var ErrEmpty = errors.New("the file is empty (want a header row with a SMILES column)")

// quoteList writes names as "a", "b", or "none".
func quoteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, h := range names {
		q[i] = fmt.Sprintf("%q", h)
	}
	return strings.Join(q, ", ")
}

// Reader yields an input file's records one at a time.
//
// Next returns the next good row; a bad record gives a *RowError, after
// which the caller may call Next again; io.EOF marks the end; any other
// error (an unreadable file, a *ColumnError at the end of an SDF) is final.
type Reader interface {
	Next() (Row, error)
}

// Options choose the columns (CSV, XLSX) or data items (SDF) to read and how
// values are written. Names match case-insensitively.
type Options struct {
	// SMILESColumn is the CSV or XLSX column holding SMILES (default
	// "smiles"). Ignored for SDF, whose structure is the molfile.
	SMILESColumn string
	// NameColumn is the name/id column or data item. Default for CSV and
	// XLSX: "name", else "id", when present; for SDF: the molfile's title line.
	NameColumn string
	// ValueColumn is the column or data item with a measured value, read
	// into Row.Value; "" reads none. Empty cells give rows without a value.
	ValueColumn string
	// Endpoints maps endpoints to the columns or data items holding their
	// values, read into Row.Values (see ParseEndpoints).
	Endpoints []EndpointColumn
	// Qualified accepts qualified values ("<0.1", ">= 10", "~3"; see
	// Qualifier) as a number and its qualifier. When false a qualified
	// value rejects its row, so a caller that cannot store the qualifier
	// never stores a bound as an exact value.
	Qualified bool
	// DecimalComma reads "1,5" as 1.5 (values only; a CSV whose separator
	// is the comma must quote such values).
	DecimalComma bool
	// Separator is the CSV field separator; 0 detects it from the header
	// line (see the package documentation).
	Separator rune
	// Sheet is the XLSX sheet to read; "" reads the first.
	Sheet string
	// Classes, when set, make every value a class label of a
	// classification endpoint: a class name (exactly, else ignoring case)
	// or an index 0..K−1, read as the class index (the value a
	// classification measurement stores). Anything else rejects its row,
	// naming the classes; Qualified and DecimalComma do not apply.
	Classes []string
}

// Format is an input file format.
type Format string

// The formats Open reads.
const (
	FormatCSV  Format = "csv"
	FormatSDF  Format = "sdf"
	FormatXLSX Format = "xlsx"
)

// ParseFormat checks a format name ("csv", "sdf" or "xlsx", any case).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatCSV, FormatSDF, FormatXLSX:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want csv, sdf or xlsx)", s)
}

// FormatFromPath guesses the format from a file name: .csv, .tsv and .txt
// are CSV; .sdf, .sd and .mol are SDF; .xlsx is XLSX. A final .gz is looked
// through (Open decompresses gzip input whatever its name).
func FormatFromPath(path string) (Format, error) {
	base := strings.ToLower(filepath.Base(path))
	base = strings.TrimSuffix(base, ".gz")
	switch ext := filepath.Ext(base); ext {
	case ".csv", ".tsv", ".txt":
		return FormatCSV, nil
	case ".sdf", ".sd", ".mol":
		return FormatSDF, nil
	case ".xlsx":
		return FormatXLSX, nil
	default:
		return "", fmt.Errorf("cannot tell the format of %q from its extension %q (give csv, sdf or xlsx)", filepath.Base(path), ext)
	}
}

// gzipMagic starts every gzip stream (RFC 1952).
const gzipMagic = "\x1f\x8b"

// Decompress returns r itself, or a reader of its decompressed content when
// it starts with gzip's magic bytes (whatever the file is called).
func Decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(2); err == nil && string(b) == gzipMagic {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// Open returns a reader of r in the given format; gzip-compressed input is
// decompressed first (see Decompress). For CSV and XLSX it reads the header
// first, so a missing column is reported here as a *ColumnError.
func Open(r io.Reader, f Format, opts Options) (Reader, error) {
	if err := checkEndpoints(opts.Endpoints); err != nil {
		return nil, err
	}
	if len(opts.Classes) > 0 {
		if _, err := CheckClasses(opts.Classes); err != nil {
			return nil, fmt.Errorf("classes: %w", err)
		}
	}
	r, err := Decompress(r)
	if err != nil {
		return nil, err
	}
	switch f {
	case FormatCSV:
		return NewCSVReader(r, opts)
	case FormatSDF:
		return NewSDFReader(r, opts), nil
	case FormatXLSX:
		return NewXLSXReader(r, opts)
	}
	return nil, fmt.Errorf("unknown format %q (want csv, sdf or xlsx)", f)
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

// clip shortens s for an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
