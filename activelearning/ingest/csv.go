package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CSVReader reads compounds from RFC 4180 CSV with a header row. A UTF-8
// byte-order mark and CRLF line ends are accepted; fields are trimmed of
// surrounding spaces. Records with more or fewer fields than the header are
// rejected as RowErrors.
type CSVReader struct {
	r                   *csv.Reader
	header              []string
	smiles, name, value int // column indices; -1 when absent
	smilesCol, valueCol string
	row                 int
}

// NewCSVReader reads the header of r and finds the columns of opts. A
// missing SMILES column (or a named column that is absent) is an error
// that lists the header.
func NewCSVReader(r io.Reader, opts Options) (*CSVReader, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("csv: the file is empty (want a header row with a SMILES column)")
	}
	if err != nil {
		return nil, fmt.Errorf("csv header: %w", err)
	}
	header = append([]string(nil), header...)
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	c := &CSVReader{r: cr, header: header, name: -1, value: -1}
	want := opts.SMILESColumn
	if want == "" {
		want = "smiles"
	}
	if c.smiles = c.column(want); c.smiles < 0 {
		return nil, fmt.Errorf("csv: no SMILES column %q in the header (columns: %s)", want, c.listHeader())
	}
	c.smilesCol = header[c.smiles]
	switch {
	case opts.NameColumn != "":
		if c.name = c.column(opts.NameColumn); c.name < 0 {
			return nil, fmt.Errorf("csv: no name column %q in the header (columns: %s)", opts.NameColumn, c.listHeader())
		}
	default:
		if c.name = c.column("name"); c.name < 0 {
			c.name = c.column("id")
		}
	}
	if opts.ValueColumn != "" {
		if c.value = c.column(opts.ValueColumn); c.value < 0 {
			return nil, fmt.Errorf("csv: no value column %q in the header (columns: %s)", opts.ValueColumn, c.listHeader())
		}
		c.valueCol = header[c.value]
	}
	return c, nil
}

// Header returns the column names as read (trimmed).
func (c *CSVReader) Header() []string { return c.header }

func (c *CSVReader) column(name string) int {
	for i, h := range c.header {
		if strings.EqualFold(h, strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

func (c *CSVReader) listHeader() string {
	q := make([]string, len(c.header))
	for i, h := range c.header {
		q[i] = fmt.Sprintf("%q", h)
	}
	return strings.Join(q, ", ")
}

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
	if len(rec) != len(c.header) {
		return Row{}, &RowError{Row: c.row, Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), len(c.header))}
	}
	smiles := strings.TrimSpace(rec[c.smiles])
	if _, e := parseSMILES(c.row, c.smilesCol, smiles); e != nil {
		return Row{}, e
	}
	row := Row{Line: c.row, SMILES: smiles}
	if c.name >= 0 {
		row.Name = strings.TrimSpace(rec[c.name])
	}
	if c.value >= 0 {
		v, e := parseValue(c.row, c.valueCol, rec[c.value])
		if e != nil {
			return Row{}, e
		}
		row.Value = v
	}
	return row, nil
}
