package activelearning

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"activelab/auth"
	"activelab/chem"
	"activelab/store"
)

// PoolFormat is a file format ExportPool writes.
type PoolFormat string

// The formats of a pool export.
const (
	PoolCSV PoolFormat = "csv"
	PoolSDF PoolFormat = "sdf"
)

// ParsePoolFormat reads "csv" or "sdf" (any case, a leading dot allowed);
// anything else is an InputError on field "format".
func ParsePoolFormat(s string) (PoolFormat, error) {
	switch f := PoolFormat(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "."))); f {
	case PoolCSV, PoolSDF:
		return f, nil
	}
	return "", inputErr("format", "%q is not an export format (csv or sdf)", s)
}

// PoolColumns are the columns (CSV) and data items (SDF) of ExportPool, in
// order. Between "input_smiles" and "prediction" a CSV has the compounds'
// imported properties (the scientist's ID columns), named as imported;
// an SDF record has them as data items in the same place. A model of more
// than two classes adds, after "probability", the predicted class's name
// (ClassColumn, "class") and each class's calibrated probability
// (ClassColumns: p_low, p_medium, p_high), and after "measurement" (the
// class index, as stored) the measurement's class name
// (MeasurementClassColumn, "measurement_class"); its "prediction" is the
// probability of the predicted class. Two-class and regression exports
// keep PoolColumns as they are.
var PoolColumns = poolColumnNames[:]

// PoolColumns' positions.
const (
	pcCompoundID = iota
	pcName
	pcSMILES
	pcInputSMILES
	pcPrediction
	pcUncertainty
	pcIntervalLow
	pcIntervalHigh
	pcIntervalLevel
	pcProbability
	pcApplicabilityDistance
	pcApplicability
	pcInDomain
	pcNearestCompoundID
	pcNearestSimilarity
	pcModel
	pcModelVersion
	pcEndpoint
	pcMeasurement
	pcMeasurementOrigin
	pcMeasuredAt
	pcError
	numPoolColumns
)

var poolColumnNames = [numPoolColumns]string{
	pcCompoundID: "compound_id", pcName: "name", pcSMILES: "smiles", pcInputSMILES: "input_smiles",
	pcPrediction: "prediction", pcUncertainty: "uncertainty",
	pcIntervalLow: "interval_low", pcIntervalHigh: "interval_high", pcIntervalLevel: "interval_level",
	pcProbability: "probability", pcApplicabilityDistance: "applicability_distance",
	pcApplicability: "applicability", pcInDomain: "in_domain",
	pcNearestCompoundID: "nearest_compound_id", pcNearestSimilarity: "nearest_similarity",
	pcModel: "model", pcModelVersion: "model_version", pcEndpoint: "endpoint",
	pcMeasurement: "measurement", pcMeasurementOrigin: "measurement_origin", pcMeasuredAt: "measured_at",
	pcError: "error",
}

// poolIdentity is how many of PoolColumns come before the properties.
const poolIdentity = pcPrediction

// MaxExportProperties bounds the distinct property names a CSV pool export
// makes columns of (first seen first); further names are left out.
const MaxExportProperties = 500

// poolPage is how many compounds ExportPool reads, scores and writes at a
// time: its memory is one page, whatever the pool.
const poolPage = 1000

// The applicability verdict's thresholds, the web app's (frontend
// src/prediction.ts): distance to the training set (1 - highest Tanimoto
// similarity) from which a compound is at the edge of the domain or out
// of it, and the same for the ensemble's spread as a share of the
// endpoint's observed range. The worse of the two decides.
const (
	DistanceEdge = 0.4
	DistanceOut  = 0.7
	SpreadEdge   = 0.08
	SpreadOut    = 0.15
)

// Applicability is the verdict on one prediction: "in" (in domain),
// "edge" or "out", from its distance to the training set and its spread
// against the endpoint's observed span (span <= 0: the spread is not
// judged), with the thresholds above.
func Applicability(distance, std, span float64) string {
	level := 0
	switch {
	case distance >= DistanceOut:
		level = 2
	case distance >= DistanceEdge:
		level = 1
	}
	if span > 0 {
		switch share := std / span; {
		case share >= SpreadOut:
			level = 2
		case share >= SpreadEdge:
			level = max(level, 1)
		}
	}
	return [...]string{"in", "edge", "out"}[level]
}

// PoolExport asks ExportPool for a model's scored pool.
type PoolExport struct {
	// Model is the lineage's ID or name; Version the version that scores
	// (0: the active one).
	Model   string
	Version int
	// SetID keeps the compounds of one compound set (0: every compound).
	SetID  store.ID
	Format PoolFormat
	// Progress, when set, is called after each page with the compounds
	// written so far and the pool's size.
	Progress func(done, total int)
	// Resolved, when set, is called once the model version (and the set,
	// nil for every compound) is known and before anything is written:
	// a download names its file by them.
	Resolved func(m *store.MLModel, set *store.CompoundSet)
}

// ExportPool writes every compound of the pool (the set, or every
// compound) with the model version's prediction to w as CSV or SDF
// (PoolColumns; SDF: chem.MolBlock's V2000 molfile, titled with the name or
// else the ID, then the columns as data items, empty ones left out). Each
// row carries the compound's latest measurement of the model's endpoint,
// written with its qualifier (">10" for a censored value, "~3.2" an
// approximate one, as the importers read them), its origin and time.
// It streams by pages of compounds (memory does not grow with the pool;
// a CSV first reads the pool's property names for its header). Any
// signed-in user may export. It returns the number of compounds written;
// an unknown model, version, set or format is an InputError, checked
// before anything is written.
func (s *Service) ExportPool(ctx context.Context, actor *store.User, in PoolExport, w io.Writer) (int, error) {
	if err := auth.RequireRole(actor, "exportPool", store.RoleViewer); err != nil {
		return 0, err
	}
	if in.Format != PoolCSV && in.Format != PoolSDF {
		return 0, inputErr("format", "%q is not an export format (csv or sdf)", in.Format)
	}
	if in.Version < 0 {
		return 0, inputErr("version", "%d is not a version number", in.Version)
	}
	p, err := s.Predictor(ctx, actor, in.Model, in.Version)
	if err != nil {
		return 0, err
	}
	var set *store.CompoundSet
	if in.SetID != store.NilID {
		if set, err = s.st.CompoundSetByID(ctx, in.SetID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return 0, inputErr("set", "compound set %v does not exist", in.SetID)
			}
			return 0, err
		}
	}
	m := p.Model()
	if in.Resolved != nil {
		in.Resolved(m, set)
	}
	filter := store.CompoundFilter{SetID: in.SetID}
	total, err := s.st.CountCompounds(ctx, filter)
	if err != nil {
		return 0, err
	}
	rng, err := s.st.EndpointRange(ctx, m.Endpoint)
	if err != nil {
		return 0, err
	}
	pw := &poolWriter{format: in.Format, bw: bufio.NewWriterSize(w, 256*1024), model: m, span: rng.Span(),
		own: map[string]bool{}}
	pw.setClasses(m.ClassList())
	for _, c := range pw.cols {
		pw.own[strings.ToLower(c)] = true
	}
	if in.Format == PoolCSV {
		if pw.props, err = s.poolPropertyNames(ctx, filter, pw.own); err != nil {
			return 0, err
		}
		pw.csv = csv.NewWriter(pw.bw)
		header := append(append(append([]string{}, pw.cols[:poolIdentity]...), pw.props...), pw.cols[poolIdentity:]...)
		if err := pw.csv.Write(header); err != nil {
			return 0, fmt.Errorf("export pool of %s: %w", m.Name, err)
		}
	}
	n := 0
	var after store.ID
	for {
		page, err := s.st.ExportCompounds(ctx, filter, after, poolPage)
		if err != nil {
			return n, fmt.Errorf("export pool of %s after %d compounds: %w", m.Name, n, err)
		}
		if len(page) == 0 {
			break
		}
		if err := s.writePoolPage(ctx, p, pw, page); err != nil {
			return n, fmt.Errorf("export pool of %s after %d compounds: %w", m.Name, n, err)
		}
		n += len(page)
		if in.Progress != nil {
			in.Progress(n, max(n, total))
		}
		after = page[len(page)-1].ID
		if len(page) < poolPage {
			break
		}
	}
	if pw.csv != nil {
		pw.csv.Flush()
		if err := pw.csv.Error(); err != nil {
			return n, fmt.Errorf("export pool of %s: %w", m.Name, err)
		}
	}
	if err := pw.bw.Flush(); err != nil {
		return n, fmt.Errorf("export pool of %s: %w", m.Name, err)
	}
	return n, nil
}

// poolPropertyNames reads the distinct property names of the pool's
// compounds (case-insensitively, first seen first, at most
// MaxExportProperties), leaving out those named like one of own.
func (s *Service) poolPropertyNames(ctx context.Context, f store.CompoundFilter, own map[string]bool) ([]string, error) {
	seen := map[string]bool{}
	var names []string
	var after store.ID
	for {
		page, err := s.st.ExportCompounds(ctx, f, after, poolPage)
		if err != nil {
			return nil, fmt.Errorf("property names: %w", err)
		}
		for _, c := range page {
			for _, p := range c.Properties {
				k := strings.ToLower(strings.TrimSpace(p.Name))
				if k == "" || seen[k] || own[k] || len(names) >= MaxExportProperties {
					continue
				}
				seen[k] = true
				names = append(names, p.Name)
			}
		}
		if len(page) < poolPage {
			return names, nil
		}
		after = page[len(page)-1].ID
	}
}

// poolWriter writes the rows of one pool export.
type poolWriter struct {
	format PoolFormat
	bw     *bufio.Writer
	csv    *csv.Writer
	model  *store.MLModel
	span   float64         // the endpoint's observed range, for Applicability
	props  []string        // CSV: the property columns
	own    map[string]bool // cols, lower case: properties so named are not repeated
	// classes are the model's classes when more than two (else nil);
	// cols are PoolColumns with their class columns.
	classes []string
	cols    []string
	rec     []string
	sdf     strings.Builder
}

// writePoolPage scores one page of compounds, reads their latest
// measurements and writes their rows.
func (s *Service) writePoolPage(ctx context.Context, p *Predictor, pw *poolWriter, page []store.ExportCompound) error {
	smiles := make([]string, len(page))
	ids := make([]store.ID, len(page))
	for i := range page {
		smiles[i], ids[i] = page[i].CanonicalSMILES, page[i].ID
	}
	res, err := p.Predict(ctx, smiles)
	if err != nil {
		return err
	}
	ms, err := s.st.MeasurementsByCompoundIDs(ctx, ids, pw.model.Endpoint)
	if err != nil {
		return err
	}
	for i := range page {
		var latest *store.Measurement
		if k := len(ms[i]); k > 0 {
			latest = ms[i][k-1] // oldest first
		}
		if err := pw.write(&page[i], &res[i], latest); err != nil {
			return err
		}
	}
	return pw.bw.Flush() // a page at a time reaches a streaming reader
}

// setClasses sets pw.cols: PoolColumns, with the class columns for more
// than two classes.
func (pw *poolWriter) setClasses(classes []string) {
	pc := ClassColumns(classes)
	if pc == nil {
		pw.cols = PoolColumns
		return
	}
	pw.classes = classes
	pw.cols = slices.Concat(PoolColumns[:pcApplicabilityDistance], []string{ClassColumn}, pc,
		PoolColumns[pcApplicabilityDistance:pcMeasurementOrigin], []string{MeasurementClassColumn}, PoolColumns[pcMeasurementOrigin:])
}

// values returns the values of pw.cols for one compound.
func (pw *poolWriter) values(c *store.ExportCompound, r *PredictResult, latest *store.Measurement) []string {
	v := pw.poolValues(c, r, latest)
	if pw.classes == nil {
		return v
	}
	K := len(pw.classes)
	cls := make([]string, 1+K)
	if r.Err == nil && len(r.Probabilities) == K {
		cls[0] = ClassOf(pw.classes, r.Probabilities)
		for k, p := range r.Probabilities {
			cls[1+k] = strconv.FormatFloat(p, 'g', -1, 64)
		}
	}
	var mc string
	if latest != nil {
		mc = MeasurementClass(pw.classes, latest.Value)
	}
	return slices.Concat(v[:pcApplicabilityDistance], cls, v[pcApplicabilityDistance:pcMeasurementOrigin], []string{mc}, v[pcMeasurementOrigin:])
}

// poolValues returns PoolColumns' values for one compound.
func (pw *poolWriter) poolValues(c *store.ExportCompound, r *PredictResult, latest *store.Measurement) []string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	v := make([]string, len(PoolColumns))
	v[pcCompoundID], v[pcName], v[pcSMILES], v[pcInputSMILES] = fmt.Sprint(c.ID), c.Name, c.CanonicalSMILES, c.InputSMILES
	if r.Err != nil {
		v[pcError] = r.Err.Error()
	} else {
		v[pcPrediction], v[pcUncertainty] = f(r.Prediction), f(r.Uncertainty)
		if r.HasInterval {
			v[pcIntervalLow], v[pcIntervalHigh], v[pcIntervalLevel] = f(r.Low), f(r.High), f(PredictInterval)
		}
		if r.HasProbability {
			v[pcProbability] = f(r.Probability)
		}
		v[pcApplicabilityDistance] = f(r.ApplicabilityDistance)
		v[pcApplicability] = Applicability(r.ApplicabilityDistance, r.Uncertainty, pw.span)
		v[pcInDomain] = strconv.FormatBool(v[pcApplicability] == "in")
		v[pcNearestCompoundID], v[pcNearestSimilarity] = fmt.Sprint(r.NearestID), f(r.Similarity)
	}
	v[pcModel], v[pcModelVersion], v[pcEndpoint] = pw.model.Name, strconv.Itoa(pw.model.Version), pw.model.Endpoint
	if latest != nil {
		v[pcMeasurement] = string(latest.Qualifier) + f(latest.Value)
		v[pcMeasurementOrigin] = string(latest.Origin)
		v[pcMeasuredAt] = latest.CreatedAt.UTC().Format(time.RFC3339)
	}
	return v
}

// write writes one compound's row or record.
func (pw *poolWriter) write(c *store.ExportCompound, r *PredictResult, latest *store.Measurement) error {
	v := pw.values(c, r, latest)
	if pw.format == PoolCSV {
		rec := pw.rec[:0]
		rec = append(rec, v[:poolIdentity]...)
		for _, name := range pw.props {
			val, _ := c.Properties.Get(name)
			rec = append(rec, val)
		}
		rec = append(rec, v[poolIdentity:]...)
		pw.rec = rec
		return pw.csv.Write(rec)
	}
	items := make([][2]string, 0, len(v)+len(c.Properties))
	add := func(name, value string) {
		if value != "" {
			items = append(items, [2]string{name, value})
		}
	}
	for i, col := range pw.cols[:poolIdentity] {
		add(col, v[i])
	}
	for _, p := range c.Properties {
		if !pw.own[strings.ToLower(strings.TrimSpace(p.Name))] {
			add(p.Name, p.Value)
		}
	}
	for i, col := range pw.cols[poolIdentity:] {
		add(col, v[poolIdentity+i])
	}
	title := c.Name
	if title == "" {
		title = v[0]
	}
	block := ""
	if mol, err := chem.Parse(c.CanonicalSMILES); err == nil {
		block, _ = chem.MolBlock(mol, title) // "" (an empty molfile) for what V2000 cannot hold
	}
	pw.sdf.Reset()
	chem.SDFRecord(&pw.sdf, block, title, items)
	_, err := pw.bw.WriteString(pw.sdf.String())
	return err
}
