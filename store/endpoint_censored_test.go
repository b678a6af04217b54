package store_test

import (
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

// TestEndpointsCountCensored: Endpoints counts censored measurements (a
// bound: <, <=, >, >=) apart and leaves them out of the observed range;
// an approximate value (~) is a measured value; a value confirmed although
// implausible is counted but, as in EndpointRange, left out of the range
// (a logS label of 50 once stretched the labeling card's axis to 50); an
// endpoint with bounds only has the range of its bounds.
func TestEndpointsCountCensored(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		c1 := storetest.Compound(ctx, t, st, nil)
		c2 := storetest.Compound(ctx, t, st, nil)
		measure := func(c *store.Compound, endpoint string, q store.Qualifier, v float64, implausible ...bool) {
			t.Helper()
			m := &store.Measurement{CompoundID: c.ID, Endpoint: endpoint, Value: v, Qualifier: q,
				Source: store.SourceExperimental, Origin: store.OriginImport, Implausible: len(implausible) > 0 && implausible[0]}
			if err := st.CreateMeasurement(ctx, m); err != nil {
				t.Fatalf("CreateMeasurement: %v", err)
			}
		}
		measure(c1, "logS", store.QualifierExact, -2)
		measure(c2, "logS", store.QualifierExact, -3)
		measure(c1, "logS", store.QualifierGreater, -1)
		measure(c2, "logS", store.QualifierAtMost, -8)
		measure(c2, "logS", store.QualifierApproximate, -4.5)
		measure(c1, "logS", store.QualifierExact, 50, true)
		measure(c1, "pKi", store.QualifierAtLeast, 5)
		measure(c2, "pKi", store.QualifierLess, 3)

		got, err := st.Endpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.EndpointStats{
			{Name: "logS", Compounds: 2, Measurements: 6, Censored: 2, Min: -4.5, Max: -2},
			{Name: "pKi", Compounds: 2, Measurements: 2, Censored: 2, Min: 3, Max: 5},
		}
		if len(got) != len(want) {
			t.Fatalf("Endpoints = %+v, want %+v", got, want)
		}
		for i := range want {
			if *got[i] != want[i] {
				t.Errorf("Endpoints[%d] = %+v, want %+v", i, *got[i], want[i])
			}
		}
	})
}
