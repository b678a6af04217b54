package simulation

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"activelab/chem"
	"activelab/features"
	"activelab/ml"
)

// Record is one data row: a SMILES and its measured value, with its 1-based
// line number in the CSV (the header is line 1).
type Record struct {
	Line   int
	SMILES string
	Value  float64
}

// ErrData marks bad input data (missing column, unreadable value).
var ErrData = errors.New("bad data")

// ReadCSV reads a CSV file with a header row, taking the SMILES and the
// value from the named columns. An empty or non-numeric value is an error
// naming the line; so is a missing column.
func ReadCSV(r io.Reader, smilesColumn, valueColumn string) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	si, vi := -1, -1
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch h {
		case smilesColumn:
			si = i
		case valueColumn:
			vi = i
		}
	}
	if si < 0 || vi < 0 {
		return nil, fmt.Errorf("%w: header %q lacks column %q or %q", ErrData, header, smilesColumn, valueColumn)
	}
	var out []Record
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if len(rec) <= max(si, vi) {
			return nil, fmt.Errorf("%w: line %d: %d fields, need column %d", ErrData, line, len(rec), max(si, vi)+1)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[vi]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: line %d: value %q is not a finite number", ErrData, line, rec[vi])
		}
		out = append(out, Record{Line: line, SMILES: strings.TrimSpace(rec[si]), Value: v})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no data rows", ErrData)
	}
	return out, nil
}

// Skipped is a record that could not be featurised.
type Skipped struct {
	Record
	Err error
}

// Dataset is a featurised data set: row i of X is Records[i].
type Dataset struct {
	X       *ml.Features
	Y       []float64
	Records []Record
	// Scaffolds[i] is the canonical SMILES of row i's Bemis–Murcko
	// scaffold (chem.MurckoScaffoldSMILES of the featurised fragment; ""
	// for an acyclic molecule), the key of ScaffoldSplit.
	Scaffolds []string
}

// FeaturizeOptions tune Featurize.
type FeaturizeOptions struct {
	// AllFragments keeps every fragment of a multi-fragment SMILES (salts,
	// counter-ions, solvents). By default only the largest fragment (most
	// heavy atoms, the first on a tie) is featurised, the usual "parent
	// compound" standardisation: a hydrochloride and its free base then
	// get the same features.
	AllFragments bool
}

// Featurize parses every record's SMILES and computes its model features
// (package features, the product's layout). Records whose SMILES do not parse are skipped and
// returned, so the caller can count them.
func Featurize(records []Record, opt FeaturizeOptions) (*Dataset, []Skipped) {
	ds := &Dataset{X: ml.NewFeatures(features.FingerprintBits, len(features.DenseNames), len(records))}
	var skipped []Skipped
	for _, rec := range records {
		m, err := chem.Parse(rec.SMILES)
		if err != nil {
			skipped = append(skipped, Skipped{rec, err})
			continue
		}
		if !opt.AllFragments {
			m = features.LargestFragment(rec.SMILES, m)
		}
		v := features.OfParent(m)
		if err := ds.X.AppendRow(v.Fingerprint.Words(), v.Dense); err != nil {
			skipped = append(skipped, Skipped{rec, err})
			continue
		}
		ds.Y = append(ds.Y, rec.Value)
		ds.Records = append(ds.Records, rec)
		ds.Scaffolds = append(ds.Scaffolds, chem.MurckoScaffoldSMILES(m))
	}
	return ds, skipped
}
