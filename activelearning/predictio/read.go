package predictio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"activelab/activelearning/ingest"
)

// Format is a file format of batch prediction.
type Format string

// The formats read (all) and written (CSV, SDF, JSONL).
const (
	CSV   Format = "csv"
	SDF   Format = "sdf"
	SMI   Format = "smi"
	JSONL Format = "jsonl"
)

// ParseFormat checks a format name (any case); "json" and "ndjson" are JSONL.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, SDF, SMI, JSONL:
		return f, nil
	case "json", "ndjson":
		return JSONL, nil
	}
	return "", fmt.Errorf("unknown format %q (want csv, sdf, smi or jsonl)", s)
}

// FormatFromPath tells the format from a file name's extension, looking
// through a final .gz: .csv .tsv .txt, .sdf .sd .mol, .smi .smiles, .jsonl
// .ndjson.
func FormatFromPath(path string) (Format, error) {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(path)), ".gz")
	switch ext := filepath.Ext(base); ext {
	case ".csv", ".tsv", ".txt":
		return CSV, nil
	case ".sdf", ".sd", ".mol":
		return SDF, nil
	case ".smi", ".smiles":
		return SMI, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	default:
		return "", fmt.Errorf("cannot tell the format of %q from its extension %q (give csv, sdf or smi)", filepath.Base(path), ext)
	}
}

// Field is one named column or data item of a record.
type Field struct{ Name, Value string }

// Record is one input record, good or bad.
type Record struct {
	// Line is the record's 1-based number (data rows of a CSV, molecules
	// of an SDF, non-empty lines of a SMILES file).
	Line int
	// SMILES is the structure to score ("" when Err is set).
	SMILES string
	// Fields are the record's columns (CSV, SMILES file: "smiles" and
	// "name") or data items (SDF), in file order.
	Fields []Field
	// Molblock is an SDF record's molfile, through its "M  END" line.
	Molblock []string
	// Err says why the record has no structure to score (an SDF molfile
	// that cannot be read); the record is still written back.
	Err error

	// molfile is the molfile SDF output writes for a record without
	// Molblock (Writer.Prepare), "" when it is still to be made.
	molfile string
}

// Reader reads records one at a time.
type Reader struct {
	format Format
	header []string
	line   int
	csv    *csv.Reader
	smiCol int
	sc     *bufio.Scanner
	list   []string // FromSMILES
}

// Open returns a reader of r (gzip is detected and decompressed). For
// CSV, smilesColumn names the SMILES column (default "smiles", any case);
// a missing column is an error here.
func Open(r io.Reader, f Format, smilesColumn string) (*Reader, error) {
	r, err := ingest.Decompress(r)
	if err != nil {
		return nil, err
	}
	rd := &Reader{format: f}
	switch f {
	case CSV:
		br := bufio.NewReaderSize(r, 64*1024)
		head, _ := br.Peek(64 * 1024)
		c := csv.NewReader(br)
		c.Comma = ingest.SniffSeparator(head)
		c.FieldsPerRecord = -1
		c.ReuseRecord = false
		hdr, err := c.Read()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("csv: empty file (want a header line)")
		}
		if err != nil {
			return nil, fmt.Errorf("csv header: %w", err)
		}
		if len(hdr) > 0 {
			hdr[0] = strings.TrimPrefix(hdr[0], "\ufeff")
		}
		if smilesColumn == "" {
			smilesColumn = "smiles"
		}
		rd.smiCol = -1
		for i, h := range hdr {
			if strings.EqualFold(strings.TrimSpace(h), smilesColumn) {
				rd.smiCol = i
				break
			}
		}
		if rd.smiCol < 0 {
			return nil, fmt.Errorf("csv: no %q column (have %s)", smilesColumn, strings.Join(hdr, ", "))
		}
		rd.csv, rd.header = c, hdr
	case SDF, SMI:
		rd.sc = bufio.NewScanner(r)
		rd.sc.Buffer(make([]byte, 64*1024), 1<<20)
		if f == SMI {
			rd.header = []string{"smiles", "name"}
		}
	default:
		return nil, fmt.Errorf("cannot read format %q (want csv, sdf or smi)", f)
	}
	return rd, nil
}

// Header returns a CSV file's columns, ["smiles", "name"] for a SMILES
// file and nil for an SDF (whose data items vary by record).
func (r *Reader) Header() []string { return r.header }

// Format returns the format read.
func (r *Reader) Format() Format { return r.format }

// Next returns the next record, or io.EOF at the end. Any other error is
// final (an unreadable file); a record whose structure cannot be read
// comes back with its Err set.
func (r *Reader) Next() (*Record, error) {
	switch r.format {
	case CSV:
		rec, err := r.csv.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("csv row %d: %w", r.line+1, err)
		}
		r.line++
		out := &Record{Line: r.line, Fields: make([]Field, len(rec))}
		for i, v := range rec {
			name := ""
			if i < len(r.header) {
				name = r.header[i]
			}
			out.Fields[i] = Field{Name: name, Value: v}
		}
		if r.smiCol < len(rec) {
			out.SMILES = strings.TrimSpace(rec[r.smiCol])
		}
		return out, nil
	case SMI:
		if r.sc == nil { // FromSMILES
			if r.line == len(r.list) {
				return nil, io.EOF
			}
			smi := strings.TrimSpace(r.list[r.line])
			r.line++
			return &Record{Line: r.line, SMILES: smi, Fields: []Field{{"smiles", smi}}}, nil
		}
		for r.sc.Scan() {
			l := strings.TrimSpace(r.sc.Text())
			if l == "" {
				continue
			}
			r.line++
			smi, name, _ := strings.Cut(strings.ReplaceAll(l, "\t", " "), " ")
			name = strings.TrimSpace(name)
			return &Record{Line: r.line, SMILES: smi, Fields: []Field{{"smiles", smi}, {"name", name}}}, nil
		}
		if err := r.sc.Err(); err != nil {
			return nil, fmt.Errorf("smiles line %d: %w", r.line+1, err)
		}
		return nil, io.EOF
	default:
		return r.nextSDF()
	}
}

// nextSDF reads one SDF record through its "$$$$" line (or the end).
func (r *Reader) nextSDF() (*Record, error) {
	var lines []string
	for r.sc.Scan() {
		l := strings.TrimRight(r.sc.Text(), "\r")
		if strings.HasPrefix(l, "$$$$") {
			break
		}
		lines = append(lines, l)
	}
	if err := r.sc.Err(); err != nil {
		return nil, fmt.Errorf("sdf record %d: %w", r.line+1, err)
	}
	allBlank := true
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			allBlank = false
			break
		}
	}
	if allBlank {
		return nil, io.EOF
	}
	r.line++
	rec := &Record{Line: r.line}
	end := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "M  END") {
			end = i
			break
		}
	}
	items := end + 1
	if end < 0 {
		// A broken molfile: its data items still come back, with an
		// empty molfile under its title (see Writer).
		items = len(lines)
		for i, l := range lines {
			if strings.HasPrefix(l, "> ") || strings.HasPrefix(l, "><") {
				items = i
				break
			}
		}
		rec.Molblock = emptyMolfile(lines[0])
		rec.Err = errors.New(`molfile has no "M  END" line`)
	} else {
		rec.Molblock = lines[:end+1]
	}
	for i := items; i < len(lines); i++ {
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
		rec.Fields = append(rec.Fields, Field{Name: name, Value: strings.Join(vals, "\n")})
	}
	if rec.Err != nil {
		return rec, nil
	}
	smi, err := ingest.MolfileSMILES(rec.Molblock)
	if err != nil {
		rec.Err = fmt.Errorf("molfile: %w", err)
		rec.Molblock = emptyMolfile(lines[0])
		return rec, nil
	}
	rec.SMILES = smi
	return rec, nil
}

// emptyMolfile is a V2000 molfile with no atoms under the given title:
// what the writer puts in place of a molfile that cannot be read (or of a
// SMILES that does not parse), so every SDF reader still reads the record
// and its data items.
func emptyMolfile(title string) []string {
	title = strings.NewReplacer("\r", " ", "\n", " ").Replace(title)
	if strings.HasPrefix(title, "$$$$") || strings.HasPrefix(title, "M  END") {
		title = " " + title // would end the record or the molfile
	}
	return []string{title, "  ActiveLab", "", "  0  0  0  0  0  0  0  0  0  0999 V2000", "M  END"}
}

// FromSMILES returns a reader of a list of SMILES (a JSON request's), one
// record each with a "smiles" field.
func FromSMILES(list []string) *Reader {
	return &Reader{format: SMI, header: []string{"smiles"}, list: list}
}
