package store_test

import (
	"errors"
	"slices"
	"testing"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestMeasurementQualifier checks that a measurement keeps its qualifier,
// that an unknown one is refused, and that censored values (bounds) are
// left out of training data and of the endpoint's range while approximate
// ones count.
func TestMeasurementQualifier(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		a := storetest.Compound(ctx, t, st, nil)
		b := storetest.Compound(ctx, t, st, nil)
		c := storetest.Compound(ctx, t, st, nil)
		add := func(id store.ID, v float64, q store.Qualifier) *store.Measurement {
			t.Helper()
			m := &store.Measurement{CompoundID: id, Endpoint: "pIC50", Value: v, Qualifier: q,
				Source: store.SourceExperimental, Origin: store.OriginImport}
			if err := st.CreateMeasurement(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		exact := add(a.ID, 6, store.QualifierExact)
		approx := add(b.ID, 7.5, store.QualifierApproximate)
		below := add(c.ID, 4, store.QualifierLess)
		above := add(a.ID, 9, store.QualifierAtLeast) // a's latest value, but a bound
		for _, m := range []*store.Measurement{exact, approx, below, above} {
			got, err := st.MeasurementByID(ctx, m.ID)
			if err != nil || got.Qualifier != m.Qualifier || got.Value != m.Value {
				t.Errorf("measurement %d read back as %+v, %v; want qualifier %q value %g", m.ID, got, err, m.Qualifier, m.Value)
			}
		}
		bad := &store.Measurement{CompoundID: a.ID, Endpoint: "pIC50", Value: 1, Qualifier: "=~",
			Source: store.SourceExperimental, Origin: store.OriginImport}
		if err := st.CreateMeasurement(ctx, bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("qualifier %q: err %v, want ErrInvalid", bad.Qualifier, err)
		}

		ids := func(ms []*store.Measurement) []store.ID {
			out := []store.ID{}
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		all, err := st.MeasurementsByEndpoint(ctx, "pIC50", store.MeasurementQuery{})
		if err != nil || !slices.Equal(ids(all), []store.ID{exact.ID, approx.ID}) {
			t.Errorf("MeasurementsByEndpoint = %v, %v; want the exact and approximate values %v", ids(all), err, []store.ID{exact.ID, approx.ID})
		}
		for _, q := range []store.MeasurementQuery{{LatestPerCompound: true}, {LatestPerCompound: true, Origins: []store.Origin{store.OriginImport}}} {
			latest, err := st.MeasurementsByEndpoint(ctx, "pIC50", q)
			if err != nil || !slices.Equal(ids(latest), []store.ID{exact.ID, approx.ID}) {
				t.Errorf("MeasurementsByEndpoint(%+v) = %v, %v; want %v (a's bound skipped for its exact value)", q, ids(latest), err, []store.ID{exact.ID, approx.ID})
			}
		}
		r, err := st.EndpointRange(ctx, "pIC50")
		if err != nil || r.Min != 6 || r.Max != 7.5 || r.N != 2 {
			t.Errorf("EndpointRange = %+v, %v; want 6..7.5 over 2 values", r, err)
		}
		// Shown all the same: the compound's measurements list the bound.
		ms, err := st.MeasurementsByCompound(ctx, c.ID, "pIC50")
		if err != nil || len(ms) != 1 || ms[0].Qualifier != store.QualifierLess {
			t.Errorf("MeasurementsByCompound(c) = %v, %v; want the < 4 bound", ms, err)
		}
	})
}

// TestCompoundProperties checks that imported properties round-trip in
// order, that a compound without any reads an empty list, and Merge.
func TestCompoundProperties(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		a := storetest.Compound(ctx, t, st, nil)
		got, err := st.CompoundByID(ctx, a.ID)
		if err != nil || got.Properties == nil || len(got.Properties) != 0 {
			t.Fatalf("new compound's properties = %#v, %v; want an empty list", got.Properties, err)
		}
		props := store.Properties{{"ID", "CHEMBL25"}, {"Vendor", "Enamine"}, {"Note", "line 1\nline \"2\""}}
		if err := st.SetCompoundProperties(ctx, a.ID, props); err != nil {
			t.Fatal(err)
		}
		got, err = st.CompoundByID(ctx, a.ID)
		if err != nil || !slices.Equal(got.Properties, props) {
			t.Errorf("properties = %v, %v; want %v", got.Properties, err, props)
		}
		if err := st.SetCompoundProperties(ctx, ident.New(), props); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown compound: err %v, want ErrNotFound", err)
		}
	})
	for name, tc := range map[string]struct {
		add     []store.Property
		want    store.Properties
		changed bool
	}{
		"same":      {[]store.Property{{"id", "CHEMBL25"}}, store.Properties{{"ID", "CHEMBL25"}, {"Vendor", "Enamine"}}, false},
		"new value": {[]store.Property{{"vendor", "Mcule"}}, store.Properties{{"ID", "CHEMBL25"}, {"Vendor", "Mcule"}}, true},
		"new name":  {[]store.Property{{"MW", "180.2"}}, store.Properties{{"ID", "CHEMBL25"}, {"Vendor", "Enamine"}, {"MW", "180.2"}}, true},
	} {
		base := store.Properties{{"ID", "CHEMBL25"}, {"Vendor", "Enamine"}}
		got, changed := base.Merge(tc.add)
		if !slices.Equal(got, tc.want) || changed != tc.changed {
			t.Errorf("%s: Merge = %v, %v; want %v, %v", name, got, changed, tc.want, tc.changed)
		}
		if base[1].Value != "Enamine" {
			t.Errorf("%s: Merge changed its receiver", name)
		}
	}
}
