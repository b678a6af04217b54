package predictio

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"activelab/activelearning"
	"activelab/chem"
)

// Columns are the result columns (CSV) and data items (SDF) appended to
// every record, in this order. The interval columns are empty for a
// classification or uncalibrated model; probability (the calibrated
// probability of class 1) is empty for a regression model or one of more
// than two classes. A model of more than two classes adds, after
// probability, the predicted class's name (activelearning.ClassColumn,
// "class") and the calibrated probability of each class
// (activelearning.ClassColumns: p_low, p_medium, p_high), and its
// prediction is the probability of the predicted class (see
// Writer.SetClasses).
var Columns = columnNames[:]

// The result columns' positions in Columns.
const (
	colPrediction = iota
	colUncertainty
	colIntervalLow
	colIntervalHigh
	colIntervalLevel
	colProbability
	colApplicabilityDistance
	colNearestCompoundID
	colNearestSMILES
	colNearestSimilarity
	colModelVersion
	colError
	numColumns
)

var columnNames = [numColumns]string{
	colPrediction: "prediction", colUncertainty: "uncertainty",
	colIntervalLow: "interval_low", colIntervalHigh: "interval_high", colIntervalLevel: "interval_level",
	colProbability: "probability", colApplicabilityDistance: "applicability_distance",
	colNearestCompoundID: "nearest_compound_id", colNearestSMILES: "nearest_smiles", colNearestSimilarity: "nearest_similarity",
	colModelVersion: "model_version", colError: "error",
}

// Writer writes scored records.
type Writer struct {
	format  Format
	bw      *bufio.Writer
	csv     *csv.Writer
	header  []string // input columns (CSV out)
	wrote   bool
	classes []string // a model of more than two classes (SetClasses), else nil
	cols    []string // the result columns: Columns, with the class columns
	res     []string
	json    *json.Encoder
}

// NewWriter returns a writer of f to w. header is the input's columns
// (Reader.Header); for CSV output of an SDF input (nil header) the columns
// are the first record's data items.
func NewWriter(w io.Writer, f Format, header []string) (*Writer, error) {
	bw := bufio.NewWriterSize(w, 256*1024)
	out := &Writer{format: f, bw: bw, header: header, cols: Columns, res: make([]string, len(Columns))}
	switch f {
	case CSV:
		out.csv = csv.NewWriter(bw)
	case SDF:
	case JSONL:
		out.json = json.NewEncoder(bw)
	default:
		return nil, fmt.Errorf("cannot write format %q (want csv, sdf or jsonl)", f)
	}
	return out, nil
}

// SetClasses tells the writer the classes of the model that scores (its
// ClassList): for more than two it adds the class columns (see Columns)
// and fills them from each result's Probabilities; for two classes or
// regression (nil) the columns stay Columns. Call it before the first
// Write; Run does.
func (w *Writer) SetClasses(classes []string) {
	pc := activelearning.ClassColumns(classes)
	if pc == nil {
		w.classes, w.cols = nil, Columns
	} else {
		w.classes = classes
		w.cols = slices.Concat(Columns[:colApplicabilityDistance], []string{activelearning.ClassColumn}, pc, Columns[colApplicabilityDistance:])
	}
	w.res = make([]string, len(w.cols))
}

// ContentType returns the MIME type of f's output.
func ContentType(f Format) string {
	switch f {
	case SDF:
		return "chemical/x-mdl-sdfile"
	case JSONL:
		return "application/x-ndjson"
	}
	return "text/csv; charset=utf-8"
}

// result formats res as the values of the result columns (w.cols).
func (w *Writer) result(res *activelearning.PredictResult, level float64) []string {
	v := w.res
	for i := range v {
		v[i] = ""
	}
	// Columns from applicability_distance on follow the class columns.
	tail := v[len(v)-(numColumns-colApplicabilityDistance):]
	at := func(c int) *string {
		if c < colApplicabilityDistance {
			return &v[c]
		}
		return &tail[c-colApplicabilityDistance]
	}
	*at(colModelVersion) = strconv.Itoa(res.Version)
	if res.Err != nil {
		*at(colError) = res.Err.Error()
		return v
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 8, 64) }
	v[colPrediction], v[colUncertainty] = f(res.Prediction), f(res.Uncertainty)
	if res.HasInterval {
		v[colIntervalLow], v[colIntervalHigh], v[colIntervalLevel] = f(res.Low), f(res.High), f(level)
	}
	if res.HasProbability {
		v[colProbability] = f(res.Probability)
	}
	if w.classes != nil && len(res.Probabilities) == len(w.classes) {
		v[colApplicabilityDistance] = activelearning.ClassOf(w.classes, res.Probabilities)
		for k, p := range res.Probabilities {
			v[colApplicabilityDistance+1+k] = f(p)
		}
	}
	*at(colApplicabilityDistance) = f(res.ApplicabilityDistance)
	*at(colNearestCompoundID) = res.NearestID.String()
	*at(colNearestSMILES) = res.NearestSMILES
	*at(colNearestSimilarity) = f(res.Similarity)
	return v
}

// textColumns are the result columns JSON lines keep as strings even
// when they read as numbers.
var textColumns = map[string]bool{
	columnNames[colNearestCompoundID]: true, columnNames[colNearestSMILES]: true,
	columnNames[colError]: true, activelearning.ClassColumn: true,
}

// Write writes one record with its result (res.Err, or rec.Err when the
// record had no structure, goes to the error column).
func (w *Writer) Write(rec *Record, res *activelearning.PredictResult) error {
	if rec.Err != nil {
		r := *res
		r.Err = rec.Err
		res = &r
	}
	vals := w.result(res, activelearning.PredictInterval)
	switch w.format {
	case CSV:
		if !w.wrote {
			if w.header == nil {
				w.header = append([]string{"smiles"}, fieldNames(rec.Fields)...)
			}
			if err := w.csv.Write(append(append([]string(nil), w.header...), w.cols...)); err != nil {
				return err
			}
			w.wrote = true
		}
		row := make([]string, 0, len(w.header)+len(w.cols))
		if rec.Molblock != nil { // SDF in: smiles then the first record's items by name
			row = append(row, res.SMILES)
			for _, h := range w.header[1:] {
				row = append(row, fieldValue(rec.Fields, h))
			}
		} else {
			for i := range w.header {
				if i < len(rec.Fields) {
					row = append(row, rec.Fields[i].Value)
				} else {
					row = append(row, "")
				}
			}
		}
		return w.csv.Write(append(row, vals...))
	case SDF:
		return w.writeSDF(rec, res, vals)
	default:
		obj := struct {
			Line   int               `json:"line"`
			SMILES string            `json:"smiles"`
			Fields map[string]string `json:"fields,omitempty"`
			Result map[string]any    `json:"result"`
		}{Line: rec.Line, SMILES: rec.SMILES, Fields: map[string]string{}, Result: map[string]any{}}
		for _, f := range rec.Fields {
			obj.Fields[f.Name] = f.Value
		}
		for i, c := range w.cols {
			if vals[i] == "" {
				continue
			}
			if x, err := strconv.ParseFloat(vals[i], 64); err == nil && !textColumns[c] {
				obj.Result[c] = x
			} else {
				obj.Result[c] = vals[i]
			}
		}
		return w.json.Encode(obj)
	}
}

// writeSDF writes the record's molblock, its data items and the result
// items. A CSV or SMILES-file record gets chem.MolBlock's molfile of its
// structure, titled with the SMILES as given (atoms and bonds, charges,
// isotopes, hydrogens and the parities of its stereocentres; all atoms at
// the origin, as chem has no 2D layout, so no double-bond geometry: the
// SMILES is also a data item of such records); a record whose structure
// did not parse, or does not fit V2000, gets an empty molfile so titled.
func (w *Writer) writeSDF(rec *Record, res *activelearning.PredictResult, vals []string) error {
	if rec.Molblock != nil {
		for _, l := range rec.Molblock {
			w.bw.WriteString(l)
			w.bw.WriteByte('\n')
		}
	} else {
		if rec.molfile == "" {
			rec.molfile = molfileOf(rec.SMILES, res.Err == nil)
		}
		w.bw.WriteString(rec.molfile)
	}
	item := func(name, value string) {
		fmt.Fprintf(w.bw, "> <%s>\n", name)
		for _, l := range strings.Split(value, "\n") {
			if strings.TrimSpace(l) == "" {
				l = " " // a blank line would end the item
			} else if strings.HasPrefix(l, "$$$$") {
				l = " " + l // would end the record
			}
			w.bw.WriteString(l)
			w.bw.WriteByte('\n')
		}
		w.bw.WriteByte('\n')
	}
	for _, f := range rec.Fields {
		item(f.Name, f.Value)
	}
	for i, c := range w.cols {
		if vals[i] != "" {
			item(c, vals[i])
		}
	}
	_, err := w.bw.WriteString("$$$$\n")
	return err
}

// Prepare makes, in parallel on all cores, the molfiles SDF output writes
// for records without one (CSV and SMILES-file input), so Write only
// copies them; res[i] is recs[i]'s result. Other formats do nothing.
// Calling it is optional: Write makes a missing molfile itself.
func (w *Writer) Prepare(recs []*Record, res []activelearning.PredictResult) {
	if w.format != SDF {
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(recs))) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(recs); i = int(next.Add(1) - 1) {
				if rec := recs[i]; rec.Molblock == nil && rec.molfile == "" {
					rec.molfile = molfileOf(rec.SMILES, rec.Err == nil && res[i].Err == nil)
				}
			}
		})
	}
	wg.Wait()
}

// molfileOf is the molfile of a CSV or SMILES-file record's SMILES (when
// parsed says it scored), or an empty one titled with it.
func molfileOf(smiles string, parsed bool) string {
	empty := emptyMolfile(smiles)
	if parsed {
		if m, err := chem.Parse(smiles); err == nil {
			if block, err := chem.MolBlock(m, empty[0]); err == nil {
				return block
			}
		}
	}
	return strings.Join(empty, "\n") + "\n"
}

// Flush writes what is buffered; call it once at the end (it also writes
// a CSV header when no record was written).
func (w *Writer) Flush() error {
	if w.csv != nil {
		if !w.wrote && w.header != nil {
			w.csv.Write(append(append([]string(nil), w.header...), w.cols...))
		}
		w.csv.Flush()
		if err := w.csv.Error(); err != nil {
			return err
		}
	}
	return w.bw.Flush()
}

func fieldNames(fs []Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

func fieldValue(fs []Field, name string) string {
	for _, f := range fs {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}
