package activelearning_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strconv"
	"testing"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestExportMeasurements: the CSV holds every logS measurement with its
// compound, value and origin (a label submitted from the queue among
// them, with its labeler), reads back with encoding/csv, filters by set,
// and refuses unknown endpoints and sets before writing anything.
func TestExportMeasurements(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		if _, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "uncertainty", BatchSize: 2}); err != nil {
			t.Fatal(err)
		}
		it, err := e.svc.ClaimNextItem(e.ctx, e.sci, e.model.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -3.125,
			Source: store.SourceLiterature, Confidence: store.ConfidenceLow}); err != nil {
			t.Fatal(err)
		}
		want, err := e.st.MeasurementsByEndpoint(e.ctx, "logS", store.MeasurementQuery{})
		if err != nil {
			t.Fatal(err)
		}

		var buf bytes.Buffer
		n, err := e.svc.ExportMeasurements(e.ctx, e.view, "logS", store.NilID, &buf)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("the export is not CSV: %v", err)
		}
		if !slices.Equal(recs[0], activelearning.ExportHeader) || n != len(want) || len(recs) != len(want)+1 {
			t.Fatalf("header %v, %d rows reported, %d read; want %v and %d", recs[0], n, len(recs)-1, activelearning.ExportHeader, len(want))
		}
		byID := map[string]float64{}
		label := 0
		for _, r := range recs[1:] {
			v, err := strconv.ParseFloat(r[5], 64)
			if err != nil {
				t.Fatalf("value %q: %v", r[5], err)
			}
			byID[r[0]] += v
			if r[8] == "label" {
				label++
				if r[0] != it.CompoundID.String() || v != -3.125 || r[6] != "literature" || r[7] != "low" || r[9] != e.sci.Email {
					t.Errorf("the label's row = %v", r)
				}
			}
		}
		sum := map[string]float64{}
		for _, m := range want {
			sum[m.CompoundID.String()] += m.Value
		}
		if label != 1 || len(byID) != len(sum) {
			t.Errorf("%d label rows, %d compounds; want 1 and %d", label, len(byID), len(sum))
		}
		for id, v := range sum {
			if byID[id] != v {
				t.Errorf("compound %s: exported values sum to %g, stored %g", id, byID[id], v)
			}
		}

		buf.Reset()
		pool, _ := e.st.CompoundSetMemberIDs(e.ctx, e.poolSet)
		if n, err := e.svc.ExportMeasurements(e.ctx, e.view, "logS", e.poolSet, &buf); err != nil || n != 1 {
			t.Errorf("pool set: %d rows, %v; want only the label (%d pool compounds, none imported with values)", n, err, len(pool))
		}
		for _, bad := range []struct {
			endpoint string
			set      store.ID
			field    string
		}{{"", store.NilID, "endpoint"}, {"pKa", store.NilID, "endpoint"}, {"logS", ident.New(), "set"}} {
			buf.Reset()
			_, err := e.svc.ExportMeasurements(e.ctx, e.view, bad.endpoint, bad.set, &buf)
			var ie *activelearning.InputError
			if !errors.As(err, &ie) || ie.Field != bad.field || buf.Len() != 0 {
				t.Errorf("export %q set %d: %v, %d bytes written; want an input error on %s and nothing written", bad.endpoint, bad.set, err, buf.Len(), bad.field)
			}
		}
		if _, err := e.svc.ExportMeasurements(e.ctx, nil, "logS", store.NilID, &buf); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("no user: %v, want unauthenticated", err)
		}
	})
}
