package ingest

import (
	"fmt"
	"strings"
)

// table turns the records of a file with a header row (CSV, XLSX) into
// rows: it finds the columns of Options in the header once, then reads
// each record.
type table struct {
	format    Format
	opts      Options
	header    []string
	smiles    int // column indices; -1 when absent
	name      int
	value     int
	endpoints []int // column of each opts.Endpoints entry
	// pad fills records shorter than the header with empty cells (XLSX
	// omits trailing empty cells); otherwise their length must match.
	pad bool
}

// newTable finds the columns of opts in header (trimmed in place).
func newTable(format Format, header []string, opts Options, pad bool) (*table, error) {
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	t := &table{format: format, opts: opts, header: header, name: -1, value: -1, pad: pad}
	missing := func(role, column, endpoint string) error {
		return &ColumnError{Format: format, Role: role, Column: column, Endpoint: endpoint, Have: header}
	}
	want := opts.SMILESColumn
	if want == "" {
		want = "smiles"
	}
	if t.smiles = t.column(want); t.smiles < 0 {
		return nil, missing("SMILES", want, "")
	}
	switch {
	case opts.NameColumn != "":
		if t.name = t.column(opts.NameColumn); t.name < 0 {
			return nil, missing("name", opts.NameColumn, "")
		}
	default:
		if t.name = t.column("name"); t.name < 0 {
			t.name = t.column("id")
		}
	}
	if opts.ValueColumn != "" {
		if t.value = t.column(opts.ValueColumn); t.value < 0 {
			return nil, missing("value", opts.ValueColumn, "")
		}
	}
	for _, ep := range opts.Endpoints {
		c := t.column(ep.Column)
		if c < 0 {
			return nil, missing("value", ep.Column, ep.Endpoint)
		}
		t.endpoints = append(t.endpoints, c)
	}
	return t, nil
}

func (t *table) column(name string) int {
	for i, h := range t.header {
		if strings.EqualFold(h, strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

// row reads record rec, the n-th data row.
func (t *table) row(n int, rec []string) (Row, error) {
	if t.pad && len(rec) < len(t.header) {
		rec = append(rec, make([]string, len(t.header)-len(rec))...)
	}
	if len(rec) != len(t.header) {
		return Row{}, &RowError{Row: n, Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), len(t.header))}
	}
	smiles := strings.TrimSpace(rec[t.smiles])
	if _, e := parseSMILES(n, t.header[t.smiles], smiles); e != nil {
		return Row{}, e
	}
	row := Row{Line: n, SMILES: smiles, Fields: make([]Field, len(rec))}
	for i, c := range rec {
		row.Fields[i] = Field{Name: t.header[i], Value: strings.TrimSpace(c)}
	}
	if t.name >= 0 {
		row.Name = row.Fields[t.name].Value
	}
	if t.value >= 0 {
		v, q, ok, e := parseValue(n, t.header[t.value], rec[t.value], &t.opts)
		if e != nil {
			return Row{}, e
		}
		if ok {
			row.Value, row.Qualifier = &v, q
		}
	}
	for k, c := range t.endpoints {
		v, q, ok, e := parseValue(n, t.header[c], rec[c], &t.opts)
		if e != nil {
			return Row{}, e
		}
		if ok {
			ep := t.opts.Endpoints[k]
			row.Values = append(row.Values, Measurement{Endpoint: ep.Endpoint, Column: t.header[c], Value: v, Qualifier: q})
		}
	}
	return row, nil
}
