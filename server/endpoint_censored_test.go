package server

import (
	"context"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/store"
)

// TestEndpointsCensored: the endpoints query counts censored measurements
// apart (censored) and its min/max leave the bounds out, on both databases.
func TestEndpointsCensored(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		in := activelearning.ImportInput{SetName: "assay"}
		for i, r := range []struct {
			smiles string
			value  float64
			q      ingest.Qualifier
		}{{"CCO", -1, ""}, {"CCN", -2.5, ""}, {"CCC", 10, ">"}, {"CCCl", -9, "<="}, {"c1ccccc1", -3, "~"}} {
			in.Rows = append(in.Rows, ingest.Row{Line: i + 1, SMILES: r.smiles,
				Values: []ingest.Measurement{{Endpoint: "pIC50", Column: "pIC50", Value: r.value, Qualifier: r.q}}})
		}
		if _, err := a.rt.Service.ImportCompounds(context.Background(), a.sci, in); err != nil {
			t.Fatal(err)
		}
		var d struct {
			Endpoints []struct {
				Name                              string
				Compounds, Measurements, Censored int
				Min, Max                          float64
			}
		}
		wantData(t, a.post(`{ endpoints { name compounds measurements censored min max } }`, nil, bearer(a.vwT)), &d)
		if len(d.Endpoints) != 1 {
			t.Fatalf("endpoints %+v", d.Endpoints)
		}
		e := d.Endpoints[0]
		if e.Name != "pIC50" || e.Compounds != 5 || e.Measurements != 5 || e.Censored != 2 || e.Min != -3 || e.Max != -1 {
			t.Errorf("endpoint %+v; want pIC50 with 5 compounds, 5 measurements, 2 censored, range -3..-1", e)
		}
	})
}
