package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"activelab/chem"
)

func init() {
	register("chem", command{Summary: "chemistry tools: 'chem describe' turns SMILES into descriptors and fingerprints (JSON lines)", Run: runChem})
}

// runChem dispatches the chem subcommands.
func runChem(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(os.Stderr, "Usage: activelab chem describe [--radius 2] [--bits 2048] [--csv --smiles-column NAME [--id-column NAME]] < input > output.jsonl")
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand (describe)", errUsage)
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "describe":
		return runChemDescribe(ctx, args[1:], os.Stdin, os.Stdout, os.Stderr)
	}
	return fmt.Errorf("%w: unknown chem subcommand %q (want describe)", errUsage, args[0])
}

// describeOptions are the flags of chem describe.
type describeOptions struct {
	radius    int
	bits      int
	csv       bool
	smilesCol string
	idCol     string
	workers   int
}

// describeBatch is the number of input records a worker handles at once;
// describeQueue bounds the batches in flight, so memory stays constant
// whatever the input size.
const (
	describeBatch = 64
	describeQueue = 4
)

// runChemDescribe reads SMILES (lines or CSV) from in and writes one JSON
// object per molecule to out, in input order. Molecules that fail to parse
// give an error object and the run goes on; only unreadable input or
// output is an error.
func runChemDescribe(ctx context.Context, args []string, in io.Reader, out io.Writer, stderr io.Writer) error {
	fs := flag.NewFlagSet("chem describe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o describeOptions
	fs.IntVar(&o.radius, "radius", 2, "Morgan fingerprint radius")
	fs.IntVar(&o.bits, "bits", 2048, "Morgan fingerprint size in bits (key morgan2_2048 whatever the size)")
	fs.BoolVar(&o.csv, "csv", false, "read RFC 4180 CSV with a header row instead of SMILES lines")
	fs.StringVar(&o.smilesCol, "smiles-column", "smiles", "CSV column holding the SMILES")
	fs.StringVar(&o.idCol, "id-column", "", "CSV column holding the id (optional)")
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "parallel workers")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: activelab chem describe [flags] < input > output.jsonl")
		fmt.Fprintln(stderr, "Input: one SMILES per line, optionally followed by whitespace and an id (as RDKit's SmilesMolSupplier), or CSV with --csv.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q (input is read from stdin)", errUsage, fs.Arg(0))
	case o.radius < 0 || o.radius > 16:
		return fmt.Errorf("%w: --radius %d out of range [0,16]", errUsage, o.radius)
	case o.bits <= 0 || o.bits > 1<<24:
		return fmt.Errorf("%w: --bits %d out of range [1,%d]", errUsage, o.bits, 1<<24)
	case o.workers <= 0:
		return fmt.Errorf("%w: --workers %d must be positive", errUsage, o.workers)
	case o.smilesCol == "":
		return fmt.Errorf("%w: --smiles-column must not be empty", errUsage)
	case !o.csv && (isFlagSet(fs, "smiles-column") || isFlagSet(fs, "id-column")):
		return fmt.Errorf("%w: --smiles-column and --id-column need --csv", errUsage)
	}
	var src recordSource
	if o.csv {
		s, err := newCSVSource(in, o.smilesCol, o.idCol)
		if err != nil {
			return err
		}
		src = s
	} else {
		src = newLineSource(in)
	}
	return describeStream(ctx, src, out, o)
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// inputRecord is one molecule to describe.
type inputRecord struct {
	smiles string
	id     string
	hasID  bool
}

// recordSource yields input records; next returns io.EOF at the end.
type recordSource interface {
	next() (inputRecord, error)
}

// lineSource reads SMILES lines: the SMILES is the first whitespace-
// separated field, the id the second (RDKit SmilesMolSupplier with its
// default delimiters, without a title line). Blank lines and lines starting
// with '#' are skipped.
type lineSource struct {
	r    *bufio.Reader
	line int
}

func newLineSource(in io.Reader) *lineSource {
	return &lineSource{r: bufio.NewReaderSize(in, 64<<10)}
}

func (s *lineSource) next() (inputRecord, error) {
	for {
		raw, err := s.r.ReadString('\n')
		if err != nil && (err != io.EOF || raw == "") {
			if err == io.EOF {
				return inputRecord{}, io.EOF
			}
			return inputRecord{}, fmt.Errorf("read input line %d: %w", s.line+1, err)
		}
		s.line++
		fields := strings.Fields(raw)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		rec := inputRecord{smiles: fields[0]}
		if len(fields) > 1 {
			rec.id, rec.hasID = fields[1], true
		}
		return rec, nil
	}
}

// csvSource reads RFC 4180 CSV with a header row naming the columns.
type csvSource struct {
	r         *csv.Reader
	smilesIdx int
	idIdx     int
}

func newCSVSource(in io.Reader, smilesCol, idCol string) (*csvSource, error) {
	r := csv.NewReader(bufio.NewReaderSize(in, 64<<10))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("read CSV header: input is empty")
		}
		return nil, fmt.Errorf("read CSV header: %w", err)
	}
	s := &csvSource{r: r, smilesIdx: -1, idIdx: -1}
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		if h == smilesCol && s.smilesIdx < 0 {
			s.smilesIdx = i
		}
		if idCol != "" && h == idCol && s.idIdx < 0 {
			s.idIdx = i
		}
	}
	if s.smilesIdx < 0 {
		return nil, fmt.Errorf("CSV header %q has no column %q", header, smilesCol)
	}
	if idCol != "" && s.idIdx < 0 {
		return nil, fmt.Errorf("CSV header %q has no column %q", header, idCol)
	}
	return s, nil
}

func (s *csvSource) next() (inputRecord, error) {
	row, err := s.r.Read()
	if err != nil {
		if err == io.EOF {
			return inputRecord{}, io.EOF
		}
		return inputRecord{}, fmt.Errorf("read CSV: %w", err)
	}
	var rec inputRecord
	if s.smilesIdx < len(row) {
		rec.smiles = row[s.smilesIdx]
	}
	if s.idIdx >= 0 && s.idIdx < len(row) {
		rec.id, rec.hasID = row[s.idIdx], true
	}
	return rec, nil
}

// describeOutput is one output line for a molecule that parsed. The keys
// are those of shared/data/chem-golden.jsonl; morgan2_2048 keeps its name
// whatever --radius and --bits are.
type describeOutput struct {
	SMILES         string       `json:"smiles"`
	ID             *string      `json:"id,omitempty"`
	Canonical      string       `json:"canonical"`
	HeavyAtoms     int          `json:"heavy_atoms"`
	TotalHs        int          `json:"total_hs"`
	Formula        string       `json:"formula"`
	MolWt          float64      `json:"mol_wt"`
	ExactMass      float64      `json:"exact_mass"`
	FormalCharge   int          `json:"formal_charge"`
	RingCount      int          `json:"ring_count"`
	AromaticRings  int          `json:"aromatic_rings"`
	AromaticAtoms  int          `json:"aromatic_atoms"`
	HBD            int          `json:"hbd"`
	HBA            int          `json:"hba"`
	TPSA           float64      `json:"tpsa"`
	RotatableBonds int          `json:"rotatable_bonds"`
	FractionCSP3   float64      `json:"fraction_csp3"`
	CrippenLogP    float64      `json:"crippen_logp"`
	CrippenMR      float64      `json:"crippen_mr"`
	Morgan         []int        `json:"morgan2_2048"`
	MorganCounts   morganCounts `json:"morgan2_counts"`
}

// morganCounts is an unfolded Morgan fingerprint as its ids sorted
// ascending, with multiplicity; it encodes as a JSON object id -> count
// (keys as strings, ascending numerically).
type morganCounts []uint32

// MarshalJSON implements json.Marshaler.
func (c morganCounts) MarshalJSON() ([]byte, error) { return c.appendJSON(nil), nil }

func (c morganCounts) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i := 0; i < len(c); {
		j := i + 1
		for j < len(c) && c[j] == c[i] {
			j++
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = strconv.AppendUint(b, uint64(c[i]), 10)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, int64(j-i), 10)
		i = j
	}
	return append(b, '}')
}

// describeError is the output line for a molecule that did not parse.
type describeError struct {
	SMILES string  `json:"smiles"`
	ID     *string `json:"id,omitempty"`
	Error  string  `json:"error"`
	Offset int     `json:"offset"`
}

// describeWorker turns records into JSON lines, reusing its buffers.
type describeWorker struct {
	o    describeOptions
	ids  []uint32
	mark []uint64 // on-bit marks, all clear between molecules
}

// describe appends the JSON line for rec to dst.
func (w *describeWorker) describe(dst []byte, rec inputRecord) []byte {
	var id *string
	if rec.hasID {
		id = &rec.id
	}
	m, err := chem.Parse(rec.smiles)
	if err != nil {
		e := describeError{SMILES: rec.smiles, ID: id, Error: err.Error()}
		var pe *chem.ParseError
		if errors.As(err, &pe) {
			e.Error, e.Offset = pe.Msg, pe.Pos // the line already holds the SMILES
		}
		b, _ := json.Marshal(e) // strings and ints only: cannot fail
		return append(append(dst, b...), '\n')
	}
	d := chem.Describe(m)
	w.ids = chem.AppendMorganIDs(w.ids[:0], m, w.o.radius) // sorted, with multiplicity
	if len(w.mark) == 0 {
		w.mark = make([]uint64, (w.o.bits+63)/64)
	}
	bits := make([]int, 0, len(w.ids))
	for _, x := range w.ids {
		b := x % uint32(w.o.bits)
		if w.mark[b>>6]&(1<<(b&63)) == 0 {
			w.mark[b>>6] |= 1 << (b & 63)
			bits = append(bits, int(b))
		}
	}
	for _, b := range bits {
		w.mark[b>>6] = 0
	}
	slices.Sort(bits)
	out := describeOutput{
		SMILES: rec.smiles, ID: id, Canonical: chem.CanonicalSMILES(m),
		HeavyAtoms: d.HeavyAtoms, TotalHs: d.TotalHs, Formula: d.Formula,
		MolWt: d.MolWt, ExactMass: d.ExactMass, FormalCharge: d.FormalCharge,
		RingCount: d.RingCount, AromaticRings: d.AromaticRings, AromaticAtoms: d.AromaticAtoms,
		HBD: d.HBD, HBA: d.HBA, TPSA: d.TPSA, RotatableBonds: d.RotatableBonds,
		FractionCSP3: d.FractionCSP3, CrippenLogP: d.CrippenLogP, CrippenMR: d.CrippenMR,
		Morgan: bits, MorganCounts: w.ids,
	}
	for _, f := range []float64{out.MolWt, out.ExactMass, out.TPSA, out.FractionCSP3, out.CrippenLogP, out.CrippenMR} {
		if math.IsNaN(f) || math.IsInf(f, 0) { // cannot happen for a parsed molecule; JSON has no NaN
			b, _ := json.Marshal(describeError{SMILES: rec.smiles, ID: id, Error: "descriptor is not a finite number"})
			return append(append(dst, b...), '\n')
		}
	}
	return append(out.appendJSON(dst), '\n')
}

// appendJSON appends o as a JSON object: what encoding/json writes for it,
// without reflection.
func (o *describeOutput) appendJSON(b []byte) []byte {
	b = append(b, `{"smiles":`...)
	b = appendJSONString(b, o.SMILES)
	if o.ID != nil {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, *o.ID)
	}
	b = append(b, `,"canonical":`...)
	b = appendJSONString(b, o.Canonical)
	b = appendJSONInt(b, "heavy_atoms", o.HeavyAtoms)
	b = appendJSONInt(b, "total_hs", o.TotalHs)
	b = append(b, `,"formula":`...)
	b = appendJSONString(b, o.Formula)
	b = appendJSONFloat(b, "mol_wt", o.MolWt)
	b = appendJSONFloat(b, "exact_mass", o.ExactMass)
	b = appendJSONInt(b, "formal_charge", o.FormalCharge)
	b = appendJSONInt(b, "ring_count", o.RingCount)
	b = appendJSONInt(b, "aromatic_rings", o.AromaticRings)
	b = appendJSONInt(b, "aromatic_atoms", o.AromaticAtoms)
	b = appendJSONInt(b, "hbd", o.HBD)
	b = appendJSONInt(b, "hba", o.HBA)
	b = appendJSONFloat(b, "tpsa", o.TPSA)
	b = appendJSONInt(b, "rotatable_bonds", o.RotatableBonds)
	b = appendJSONFloat(b, "fraction_csp3", o.FractionCSP3)
	b = appendJSONFloat(b, "crippen_logp", o.CrippenLogP)
	b = appendJSONFloat(b, "crippen_mr", o.CrippenMR)
	b = append(b, `,"morgan2_2048":[`...)
	for i, x := range o.Morgan {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	b = append(b, `],"morgan2_counts":`...)
	b = o.MorganCounts.appendJSON(b)
	return append(b, '}')
}

func appendJSONInt(b []byte, key string, v int) []byte {
	b = append(b, `,"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	return strconv.AppendInt(b, int64(v), 10)
}

// appendJSONFloat writes a finite float as encoding/json does: shortest
// round-trip digits, exponent form only below 1e-6 or from 1e21.
func appendJSONFloat(b []byte, key string, f float64) []byte {
	b = append(b, `,"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		n := len(b)
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		// e-07 -> e-7, as encoding/json writes it
		if m := len(b) - n; m >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendJSONString writes s as a JSON string; plain printable ASCII is
// copied, anything else goes through encoding/json (escapes, invalid UTF-8).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// describeJob is a batch of records and where its output goes.
type describeJob struct {
	recs []inputRecord
	out  chan []byte
}

// describeStream runs the pipeline: one reader, o.workers workers, and an
// ordered writer. At most describeQueue+o.workers batches are in flight,
// so memory does not grow with the input.
func describeStream(ctx context.Context, src recordSource, out io.Writer, o describeOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan describeJob)
	order := make(chan chan []byte, describeQueue+o.workers)
	readErr := make(chan error, 1)

	go func() { // reader
		defer close(jobs)
		defer close(order)
		for {
			batch := make([]inputRecord, 0, describeBatch)
			var err error
			for len(batch) < describeBatch {
				var rec inputRecord
				rec, err = src.next()
				if err != nil {
					break
				}
				batch = append(batch, rec)
			}
			if len(batch) > 0 {
				// hand the job out first, then queue its result in input
				// order: every queued result is then sure to arrive
				res := make(chan []byte, 1)
				select {
				case jobs <- describeJob{recs: batch, out: res}:
				case <-ctx.Done():
					readErr <- ctx.Err()
					return
				}
				select {
				case order <- res:
				case <-ctx.Done():
					readErr <- ctx.Err()
					return
				}
			}
			if err != nil {
				if err != io.EOF {
					readErr <- err
				}
				return
			}
		}
	}()

	for range o.workers {
		go func() {
			w := &describeWorker{o: o}
			for job := range jobs {
				var buf []byte
				for _, rec := range job.recs {
					buf = w.describe(buf, rec)
				}
				job.out <- buf
			}
		}()
	}

	bw := bufio.NewWriterSize(out, 64<<10)
	var writeErr error
	for res := range order {
		buf := <-res
		if writeErr == nil {
			if _, err := bw.Write(buf); err != nil {
				writeErr = fmt.Errorf("write output: %w", err)
				cancel()
			}
		}
	}
	if writeErr == nil {
		if err := bw.Flush(); err != nil {
			writeErr = fmt.Errorf("write output: %w", err)
		}
	}
	if writeErr != nil {
		return writeErr
	}
	select { // the reader has finished: order is closed after its error is sent
	case err := <-readErr:
		return err
	default:
		return nil
	}
}
