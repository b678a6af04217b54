package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// sniffLimit is how much of a CSV file is looked at to find its separator.
const sniffLimit = 64 << 10

// CSVReader reads compounds from delimited text with a header row: RFC 4180
// CSV, or the same with ';' or tab separators. A UTF-8 byte-order mark and
// CRLF line ends are accepted; fields are trimmed of surrounding spaces.
// Records with more or fewer fields than the header are rejected as
// RowErrors.
type CSVReader struct {
	r   *csv.Reader
	t   *table
	sep rune
	row int
}

// NewCSVReader reads the header of r and finds the columns of opts. A
// missing SMILES column (or a named column that is absent) is a
// *ColumnError that lists the header. The separator is opts.Separator, or
// the one SniffSeparator finds in the header line.
func NewCSVReader(r io.Reader, opts Options) (*CSVReader, error) {
	br := bufio.NewReaderSize(r, sniffLimit)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	sep := opts.Separator
	if sep == 0 {
		head, _ := br.Peek(sniffLimit) // what there is; a short file is fine
		sep = SniffSeparator(head)
	}
	if sep == '"' || sep == '\r' || sep == '\n' || sep == '\ufffd' {
		return nil, fmt.Errorf("csv: separator %q is not usable", sep)
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = sep != '\t'
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("csv: %w", ErrEmpty)
	}
	if err != nil {
		return nil, fmt.Errorf("csv header: %w", err)
	}
	t, err := newTable(FormatCSV, append([]string(nil), header...), opts, false)
	if err != nil {
		return nil, err
	}
	return &CSVReader{r: cr, t: t, sep: sep}, nil
}

// SniffSeparator finds the separator of delimited text from its first line
// (up to the first line break outside double quotes): of ',', ';' and tab,
// the one that occurs most often outside quotes; a tie goes to the comma,
// then the semicolon; a line with none of them (a single column) is
// comma-separated.
func SniffSeparator(head []byte) rune {
	var n [3]int // ',', ';', '\t'
	quoted := false
scan:
	for _, b := range head {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n' || b == '\r':
			break scan
		case b == ',':
			n[0]++
		case b == ';':
			n[1]++
		case b == '\t':
			n[2]++
		}
	}
	best, seps := 0, [3]rune{',', ';', '\t'}
	for i := 1; i < 3; i++ {
		if n[i] > n[best] {
			best = i
		}
	}
	return seps[best]
}

// Header returns the column names as read (trimmed).
func (c *CSVReader) Header() []string { return c.t.header }

// Separator returns the field separator in use.
func (c *CSVReader) Separator() rune { return c.sep }

// Next returns the next good row (see Reader). Blank lines are skipped and
// not counted.
func (c *CSVReader) Next() (Row, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return Row{}, io.EOF
	}
	c.row++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return Row{}, &RowError{Row: c.row, Reason: fmt.Sprintf("malformed CSV at line %d: %v", pe.Line, pe.Err)}
		}
		return Row{}, fmt.Errorf("csv row %d: %w", c.row, err)
	}
	return c.t.row(c.row, rec)
}
