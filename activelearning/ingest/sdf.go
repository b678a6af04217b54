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

// SDFReader reads compounds from an SD file: V2000 molfiles, each followed
// by data items ("> <name>" then value lines) and a "$$$$" line. Each
// molfile is written as a SMILES (see MolfileSMILES), parsed with chem.Parse
// and returned as its canonical SMILES.
type SDFReader struct {
	sc       *bufio.Scanner
	opts     Options
	record   int
	line     int
	eof      bool
	lines    []string
	firstRow bool
}

// NewSDFReader returns a reader of the SD file r. opts.NameColumn names the
// data item holding the name (default: the molfile's title line);
// opts.ValueColumn the data item holding the value.
func NewSDFReader(r io.Reader, opts Options) *SDFReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	return &SDFReader{sc: sc, opts: opts, firstRow: true}
}

// Next returns the next good molecule (see Reader).
func (s *SDFReader) Next() (Row, error) {
	lines, err := s.readRecord()
	if err != nil {
		return Row{}, err
	}
	s.record++
	n := s.record
	block, items, err := splitRecord(lines)
	if err != nil {
		return Row{}, &RowError{Row: n, Column: "molfile", Reason: err.Error()}
	}
	smiles, err := MolfileSMILES(block)
	if err != nil {
		return Row{}, &RowError{Row: n, Column: "molfile", Reason: err.Error()}
	}
	m, e := parseSMILES(n, "molfile", smiles)
	if e != nil {
		e.Reason = fmt.Sprintf("%s (in the SMILES written from the molfile: %s)", e.Reason, clip(smiles))
		return Row{}, e
	}
	row := Row{Line: n, SMILES: smiles}
	// The canonical form is tidier than the written one; keep it when it
	// reads back (chem's canonical writer has rare round-trip gaps).
	if c := chem.CanonicalSMILES(m); c != smiles {
		if _, err := chem.Parse(c); err == nil {
			row.SMILES = c
		}
	}
	if s.opts.NameColumn != "" {
		row.Name = items.get(s.opts.NameColumn)
	} else if len(block) > 0 {
		row.Name = strings.TrimSpace(block[0])
	}
	if s.opts.ValueColumn != "" {
		v, _ := items.lookup(s.opts.ValueColumn) // a missing item is no value
		val, e := parseValue(n, s.opts.ValueColumn, v)
		if e != nil {
			return Row{}, e
		}
		row.Value = val
	}
	return row, nil
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
