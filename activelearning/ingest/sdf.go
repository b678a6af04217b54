package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"activelab/chem"
)

// maxSDFRecordLines bounds one SDF record, so a file without "$$$$"
// separators cannot make the reader hold everything in memory.
const maxSDFRecordLines = 100_000

// maxSDFItemNames bounds the data item names an SDFReader remembers for
// its missing-column error.
const maxSDFItemNames = 1000

// SDFReader reads compounds from an SD file: V2000 or V3000 molfiles, each
// followed by data items ("> <name>" then value lines) and a "$$$$" line.
// Each molfile is written as a SMILES (see MolfileSMILES), parsed with
// chem.Parse and returned as its canonical SMILES; every data item is kept
// in Row.Fields.
type SDFReader struct {
	sc       *bufio.Scanner
	opts     Options
	record   int
	line     int
	eof      bool
	lines    []string
	firstRow bool
	// wanted are the data items asked for (name, value, endpoints) and
	// whether some record had each; names are the items seen, in order.
	wanted []wantedItem
	names  []string
	seen   map[string]bool
}

type wantedItem struct {
	role, item, endpoint string
	found                bool
}

// NewSDFReader returns a reader of the SD file r (uncompressed: Open
// decompresses). opts.NameColumn names the data item holding the name
// (default: the molfile's title line); opts.ValueColumn the data item
// holding Row.Value; opts.Endpoints those holding Row.Values. When no record
// of the file has one of these data items, the reader ends with a
// *ColumnError instead of io.EOF.
func NewSDFReader(r io.Reader, opts Options) *SDFReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	s := &SDFReader{sc: sc, opts: opts, firstRow: true, seen: map[string]bool{}}
	if opts.NameColumn != "" {
		s.wanted = append(s.wanted, wantedItem{role: "name", item: opts.NameColumn})
	}
	if opts.ValueColumn != "" {
		s.wanted = append(s.wanted, wantedItem{role: "value", item: opts.ValueColumn})
	}
	for _, ep := range opts.Endpoints {
		s.wanted = append(s.wanted, wantedItem{role: "value", item: ep.Column, endpoint: ep.Endpoint})
	}
	return s
}

// Next returns the next good molecule (see Reader).
func (s *SDFReader) Next() (Row, error) {
	lines, err := s.readRecord()
	if errors.Is(err, io.EOF) {
		return Row{}, s.end()
	}
	if err != nil {
		return Row{}, err
	}
	s.record++
	n := s.record
	block, items, err := splitRecord(lines)
	if err != nil {
		return Row{}, &RowError{Row: n, Column: "molfile", Reason: err.Error()}
	}
	s.note(items)
	smiles, err := MolfileSMILES(block)
	if err != nil {
		return Row{}, &RowError{Row: n, Column: "molfile", Reason: err.Error()}
	}
	m, e := parseSMILES(n, "molfile", smiles)
	if e != nil {
		e.Reason = fmt.Sprintf("%s (in the SMILES written from the molfile: %s)", e.Reason, clip(smiles))
		return Row{}, e
	}
	row := Row{Line: n, SMILES: smiles, Fields: make([]Field, len(items))}
	// The canonical form is tidier than the written one; keep it when it
	// reads back (chem's canonical writer has rare round-trip gaps).
	if c := chem.CanonicalSMILES(m); c != smiles {
		if _, err := chem.Parse(c); err == nil {
			row.SMILES = c
		}
	}
	for i, it := range items {
		row.Fields[i] = Field{Name: it.name, Value: it.value}
	}
	if s.opts.NameColumn != "" {
		row.Name = items.get(s.opts.NameColumn)
	} else if len(block) > 0 {
		row.Name = strings.TrimSpace(block[0])
	}
	if s.opts.ValueColumn != "" {
		v, _ := items.lookup(s.opts.ValueColumn) // a missing item is no value
		val, q, ok, e := parseValue(n, s.opts.ValueColumn, v, &s.opts)
		if e != nil {
			return Row{}, e
		}
		if ok {
			row.Value, row.Qualifier = &val, q
		}
	}
	for _, ep := range s.opts.Endpoints {
		v, _ := items.lookup(ep.Column)
		val, q, ok, e := parseValue(n, ep.Column, v, &s.opts)
		if e != nil {
			return Row{}, e
		}
		if ok {
			row.Values = append(row.Values, Measurement{Endpoint: ep.Endpoint, Column: ep.Column, Value: val, Qualifier: q})
		}
	}
	return row, nil
}

// note records which data items the record has.
func (s *SDFReader) note(items dataItems) {
	for _, it := range items {
		k := strings.ToLower(strings.TrimSpace(it.name))
		if !s.seen[k] && len(s.names) < maxSDFItemNames {
			s.seen[k] = true
			s.names = append(s.names, it.name)
		}
	}
	for i := range s.wanted {
		if w := &s.wanted[i]; !w.found {
			_, w.found = items.lookup(w.item)
		}
	}
}

// end is io.EOF, or a *ColumnError when no record had a wanted data item.
func (s *SDFReader) end() error {
	for _, w := range s.wanted {
		if !w.found {
			return &ColumnError{Format: FormatSDF, Role: w.role, Column: w.item, Endpoint: w.endpoint, Have: s.names}
		}
	}
	return io.EOF
}

// readRecord returns the lines up to (not including) the next "$$$$", or
// io.EOF when only blank lines remain.
func (s *SDFReader) readRecord() ([]string, error) {
	if s.eof {
		return nil, io.EOF
	}
	s.lines = s.lines[:0]
	for s.sc.Scan() {
		s.line++
		l := strings.TrimRight(s.sc.Text(), "\r")
		if s.firstRow {
			l = strings.TrimPrefix(l, "\ufeff")
			s.firstRow = false
		}
		if strings.HasPrefix(l, "$$$$") {
			return s.lines, nil
		}
		if len(s.lines) >= maxSDFRecordLines {
			return nil, fmt.Errorf("sdf line %d: record %d has more than %d lines (missing $$$$?)", s.line, s.record+1, maxSDFRecordLines)
		}
		s.lines = append(s.lines, l)
	}
	s.eof = true
	if err := s.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("sdf line %d: line longer than 1 MiB", s.line+1)
		}
		return nil, fmt.Errorf("sdf line %d: %w", s.line, err)
	}
	for _, l := range s.lines {
		if strings.TrimSpace(l) != "" {
			return s.lines, nil // last record without $$$$
		}
	}
	return nil, io.EOF
}

// dataItems are an SDF record's "> <name>" items in order.
type dataItems []struct{ name, value string }

func (d dataItems) lookup(name string) (string, bool) {
	for _, it := range d {
		if strings.EqualFold(it.name, strings.TrimSpace(name)) {
			return it.value, true
		}
	}
	return "", false
}

func (d dataItems) get(name string) string {
	v, _ := d.lookup(name)
	return strings.TrimSpace(v)
}

// splitRecord separates the molfile (through "M  END") from the data items.
func splitRecord(lines []string) ([]string, dataItems, error) {
	end := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "M  END") {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, nil, errors.New(`molfile has no "M  END" line`)
	}
	var items dataItems
	for i := end + 1; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, ">") {
			continue
		}
		name := ""
		if a := strings.IndexByte(l, '<'); a >= 0 {
			if b := strings.IndexByte(l[a+1:], '>'); b >= 0 {
				name = l[a+1 : a+1+b]
			}
		}
		var vals []string
		for i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
			i++
			vals = append(vals, lines[i])
		}
		items = append(items, struct{ name, value string }{name, strings.Join(vals, "\n")})
	}
	return lines[:end+1], items, nil
}
