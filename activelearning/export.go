package activelearning

import (
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
	"activelab/store"
)

// ExportHeader is the header row of ExportMeasurements' CSV. "qualifier"
// is "" for an exact value, "<", "<=", ">" or ">=" for a censored one (the
// value is a bound) and "~" for an approximate one. An endpoint whose
// models have more than two classes adds a last column, "class"
// (ClassColumn): the name of the class whose index is the value.
var ExportHeader = []string{"compound_id", "name", "smiles", "canonical_smiles", "endpoint", "value",
	"source", "confidence", "origin", "entered_by", "created_at", "qualifier"}

// ExportMeasurements writes every measurement of an endpoint as CSV to w
// (ExportHeader, then one row per measurement in the order they were
// entered: imports, labels and manual values alike, so a notebook sees the
// data the models train on; a class index with its class name when the
// endpoint's models have more than two classes, see ExportHeader),
// optionally only for compounds of one set. It
// streams: memory does not grow with the endpoint. Any signed-in user may
// export. It returns the number of data rows written; an unknown endpoint
// or set is an InputError, checked before anything is written.
func (s *Service) ExportMeasurements(ctx context.Context, actor *store.User, endpoint string, setID store.ID, w io.Writer) (int, error) {
	if err := auth.RequireRole(actor, "exportMeasurements", store.RoleViewer); err != nil {
		return 0, err
	}
	endpoint = strings.TrimSpace(endpoint)
	if endpoint == "" {
		return 0, inputErr("endpoint", "name the endpoint to export")
	}
	known, err := s.st.HasMeasurements(ctx, endpoint)
	if err != nil {
		return 0, err
	}
	if !known {
		return 0, inputErr("endpoint", "%q has no measurements", endpoint)
	}
	if setID != store.NilID {
		if _, err := s.st.CompoundSetByID(ctx, setID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return 0, inputErr("set", "compound set %d does not exist", setID)
			}
			return 0, err
		}
	}
	classes, err := s.endpointClasses(ctx, endpoint)
	if err != nil {
		return 0, fmt.Errorf("export %s: %w", endpoint, err)
	}
	header := ExportHeader
	if classes != nil {
		header = append(slices.Clone(ExportHeader), ClassColumn)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return 0, fmt.Errorf("export %s: %w", endpoint, err)
	}
	n := 0
	rec := make([]string, len(header))
	err = s.st.EachExportRow(ctx, endpoint, setID, 2000, func(r *store.ExportRow) error {
		rec[0] = r.CompoundID.String()
		rec[1] = r.Name
		rec[2] = r.InputSMILES
		rec[3] = r.CanonicalSMILES
		rec[4] = r.Endpoint
		rec[5] = strconv.FormatFloat(r.Value, 'g', -1, 64)
		rec[6] = string(r.Source)
		rec[7] = string(r.Confidence)
		rec[8] = string(r.Origin)
		rec[9] = r.UserEmail
		rec[10] = r.CreatedAt.UTC().Format(time.RFC3339)
		rec[11] = string(r.Qualifier)
		if classes != nil {
			rec[12] = MeasurementClass(classes, r.Value)
		}
		n++
		return cw.Write(rec)
	})
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		return n, fmt.Errorf("export %s after %d rows: %w", endpoint, n, err)
	}
	return n, nil
}

// endpointClasses returns the classes of the endpoint's models when they
// have more than two and agree on them; nil otherwise (regression, binary,
// no model yet, or models with different classes, where a value's class
// name would be ambiguous).
func (s *Service) endpointClasses(ctx context.Context, endpoint string) ([]string, error) {
	ms, err := s.st.ModelsLatestPerLineage(ctx)
	if err != nil {
		return nil, err
	}
	var classes []string
	for _, m := range ms {
		if m.Endpoint != endpoint || !multiClass(m) {
			continue
		}
		if classes != nil && !slices.Equal(classes, m.ClassList()) {
			return nil, nil
		}
		classes = m.ClassList()
	}
	return classes, nil
}
