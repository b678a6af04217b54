package store_test

import (
	"errors"
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

// TestEachExportRow: every measurement of the endpoint, in ID order across
// chunk boundaries, joined with its compound and labeler; a set filter;
// fn's error stops the walk.
func TestEachExportRow(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		var cs []*store.Compound
		for range 5 {
			cs = append(cs, storetest.Compound(ctx, t, st, nil))
		}
		set := &store.CompoundSet{Name: "two", Kind: store.SetPool}
		if err := st.CreateCompoundSet(ctx, set); err != nil {
			t.Fatal(err)
		}
		if err := st.AddCompoundSetMembers(ctx, set.ID, []store.ID{cs[1].ID, cs[3].ID}); err != nil {
			t.Fatal(err)
		}
		var want []store.ID
		for i, c := range cs {
			m := &store.Measurement{CompoundID: c.ID, Endpoint: "logS", Value: float64(i) - 0.5,
				Source: store.SourceLiterature, Confidence: store.ConfidenceMedium, Origin: store.OriginImport}
			if i == 3 {
				m.UserID, m.Origin = &u.ID, store.OriginManual
			}
			if i == 2 {
				m.Qualifier = store.QualifierLess // a censored value exports its bound
			}
			if err := st.CreateMeasurement(ctx, m); err != nil {
				t.Fatal(err)
			}
			want = append(want, m.ID)
			other := &store.Measurement{CompoundID: c.ID, Endpoint: "herg", Value: 1, Source: store.SourceExperimental,
				Confidence: store.ConfidenceHigh, Origin: store.OriginImport}
			if err := st.CreateMeasurement(ctx, other); err != nil {
				t.Fatal(err)
			}
		}
		var got []*store.ExportRow
		if err := st.EachExportRow(ctx, "logS", store.NilID, 2, func(r *store.ExportRow) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 {
			t.Fatalf("%d rows, want 5 (logS only, across chunks of 2)", len(got))
		}
		for i, r := range got {
			c := cs[i]
			if r.MeasurementID != want[i] || r.CompoundID != c.ID || r.CanonicalSMILES != c.CanonicalSMILES || r.InputSMILES != c.InputSMILES ||
				r.Name != c.Name || r.Endpoint != "logS" || r.Value != float64(i)-0.5 || r.Source != store.SourceLiterature ||
				r.Confidence != store.ConfidenceMedium || r.CreatedAt.IsZero() || (r.Qualifier == store.QualifierLess) != (i == 2) {
				t.Errorf("row %d = %+v; compound %+v", i, r, c)
			}
		}
		if got[3].UserEmail != u.Email || got[3].Origin != store.OriginManual || got[0].UserEmail != "" {
			t.Errorf("labeler: row 3 %q %s, row 0 %q; want %q manual and none", got[3].UserEmail, got[3].Origin, got[0].UserEmail, u.Email)
		}
		var inSet []store.ID
		if err := st.EachExportRow(ctx, "logS", set.ID, 0, func(r *store.ExportRow) error { inSet = append(inSet, r.CompoundID); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(inSet) != 2 || inSet[0] != cs[1].ID || inSet[1] != cs[3].ID {
			t.Errorf("set filter: %v, want %d and %d", inSet, cs[1].ID, cs[3].ID)
		}
		for endpoint, want := range map[string]bool{"logS": true, "herg": true, "pKa": false} {
			if got, err := st.HasMeasurements(ctx, endpoint); err != nil || got != want {
				t.Errorf("HasMeasurements(%s) = %v, %v; want %v", endpoint, got, err, want)
			}
		}
		stop := errors.New("stop")
		n := 0
		if err := st.EachExportRow(ctx, "logS", store.NilID, 2, func(*store.ExportRow) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("fn error: %v after %d rows, want stop after 1", err, n)
		}
	})
}
