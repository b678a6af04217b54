package activelearning

import (
	"strings"

	"activelab/activelearning/ingest"
	"activelab/store"
)

// rowValues are the measurements a row brings: its Values (each of its own
// endpoint) and, when it has one, its Value as a measurement of endpoint.
func rowValues(r ingest.Row, endpoint string) []ingest.Measurement {
	out := make([]ingest.Measurement, 0, len(r.Values)+1)
	for _, v := range r.Values {
		v.Endpoint = strings.TrimSpace(v.Endpoint)
		out = append(out, v)
	}
	if r.Value != nil {
		out = append(out, ingest.Measurement{Endpoint: endpoint, Column: "value", Value: *r.Value, Qualifier: r.Qualifier})
	}
	return out
}

// checkValues rejects a row with a value the service would refuse (out of
// magnitude, or a qualifier the store does not know), naming its column.
func checkValues(line int, values []ingest.Measurement) *ingest.RowError {
	for _, v := range values {
		col := v.Column
		if col == "" {
			col = v.Endpoint
		}
		if err := checkMagnitude("value", v.Value); err != nil {
			return &ingest.RowError{Row: line, Column: col, Reason: err.(*InputError).Msg}
		}
		if !store.Qualifier(v.Qualifier).Valid() {
			return &ingest.RowError{Row: line, Column: col, Reason: "unknown qualifier " + string(v.Qualifier)}
		}
	}
	return nil
}

// rowProperties are the row's non-empty fields, kept on its compound,
// except the structure itself: a CSV or XLSX cell that holds exactly the
// row's SMILES (the SMILES column) is not repeated as a property.
func rowProperties(r ingest.Row) store.Properties {
	out := make(store.Properties, 0, len(r.Fields))
	for _, f := range r.Fields {
		if f.Value == r.SMILES {
			continue
		}
		if name := strings.TrimSpace(f.Name); name != "" && strings.TrimSpace(f.Value) != "" {
			out = append(out, store.Property{Name: name, Value: f.Value})
		}
	}
	return out
}
