package ingest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Qualifier marks a value that is not an exact measurement: a bound
// (censored: the assay only says the true value is below or above it) or an
// approximation.
type Qualifier string

// The qualifiers a value may carry. "≤" and "≥" are read as "<=" and ">=".
const (
	Exact       Qualifier = ""
	LessThan    Qualifier = "<"
	AtMost      Qualifier = "<="
	GreaterThan Qualifier = ">"
	AtLeast     Qualifier = ">="
	Approximate Qualifier = "~"
)

// Censored reports whether q makes the value a bound (<, <=, >, >=) rather
// than a measured value; Exact and Approximate are not censored.
func (q Qualifier) Censored() bool {
	switch q {
	case LessThan, AtMost, GreaterThan, AtLeast:
		return true
	}
	return false
}

// qualifierPrefixes are the qualifiers as written, longest first.
var qualifierPrefixes = []struct {
	text string
	q    Qualifier
}{
	{"<=", AtMost}, {">=", AtLeast}, {"≤", AtMost}, {"≥", AtLeast},
	{"<", LessThan}, {">", GreaterThan}, {"~", Approximate},
}

// Measurement is one value of a record for one endpoint of
// Options.Endpoints.
type Measurement struct {
	// Endpoint is the endpoint the value measures, as mapped.
	Endpoint string
	// Column is the column or data item it was read from, as asked for.
	Column string
	// Value is the number, finite.
	Value float64
	// Qualifier is Exact unless the file wrote a qualifier (Options.Qualified).
	Qualifier Qualifier
}

// EndpointColumn maps an endpoint to the column or data item holding its values.
type EndpointColumn struct {
	Endpoint, Column string
}

// ParseEndpoints reads a mapping "logS=LOGS_COL,pIC50=PIC50": endpoints and
// the columns (CSV, XLSX) or data items (SDF) that hold their values,
// separated by commas; a lone name ("logS") is an endpoint read from the
// column of the same name. Spaces around names are dropped. An empty
// mapping, an empty name or an endpoint given twice is an error.
func ParseEndpoints(s string) ([]EndpointColumn, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("endpoint mapping is empty (want endpoint=column,...)")
	}
	var out []EndpointColumn
	for part := range strings.SplitSeq(s, ",") {
		ep, col, found := strings.Cut(part, "=")
		ep, col = strings.TrimSpace(ep), strings.TrimSpace(col)
		if !found {
			col = ep
		}
		if ep == "" || col == "" {
			return nil, fmt.Errorf("endpoint mapping %q: want endpoint=column", strings.TrimSpace(part))
		}
		out = append(out, EndpointColumn{Endpoint: ep, Column: col})
	}
	if err := checkEndpoints(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkEndpoints refuses empty names and an endpoint mapped twice.
func checkEndpoints(eps []EndpointColumn) error {
	seen := make(map[string]bool, len(eps))
	for _, e := range eps {
		if strings.TrimSpace(e.Endpoint) == "" || strings.TrimSpace(e.Column) == "" {
			return fmt.Errorf("endpoint mapping %s=%s: want endpoint=column", e.Endpoint, e.Column)
		}
		k := strings.ToLower(strings.TrimSpace(e.Endpoint))
		if seen[k] {
			return fmt.Errorf("endpoint %q is mapped twice", e.Endpoint)
		}
		seen[k] = true
	}
	return nil
}

// parseValue reads a measured value: "" is no value (ok false); anything
// else must be a finite number, optionally after a qualifier when
// opts.Qualified, with a decimal comma when opts.DecimalComma.
func parseValue(row int, column, s string, opts *Options) (v float64, q Qualifier, ok bool, e *RowError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, Exact, false, nil
	}
	if len(opts.Classes) > 0 {
		return parseClass(row, column, s, opts.Classes)
	}
	raw := s
	for _, p := range qualifierPrefixes {
		if rest, found := strings.CutPrefix(s, p.text); found {
			q, s = p.q, strings.TrimSpace(rest)
			break
		}
	}
	if q != Exact && !opts.Qualified {
		return 0, q, false, &RowError{Row: row, Column: column, Reason: fmt.Sprintf("value %q is qualified (%s); qualified values are not accepted here", clip(raw), q)}
	}
	num := s
	if opts.DecimalComma {
		num = strings.Replace(num, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, q, false, &RowError{Row: row, Column: column, Reason: fmt.Sprintf("value %q is out of range", clip(raw))}
		}
		hint := ""
		if !opts.DecimalComma && strings.Count(s, ",") == 1 {
			if _, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil {
				hint = " (a decimal comma? ask for decimal commas)"
			}
		}
		return 0, q, false, &RowError{Row: row, Column: column, Reason: fmt.Sprintf("value %q is not a number%s", clip(raw), hint)}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, q, false, &RowError{Row: row, Column: column, Reason: fmt.Sprintf("value %q is not finite", clip(raw))}
	}
	return v, q, true, nil
}

// parseClass reads a class label of classes (Options.Classes) as its
// index (ClassIndex).
func parseClass(row int, column, s string, classes []string) (float64, Qualifier, bool, *RowError) {
	if k, ok := ClassIndex(classes, s); ok {
		return float64(k), Exact, true, nil
	}
	return 0, Exact, false, &RowError{Row: row, Column: column,
		Reason: fmt.Sprintf("%q is not a class: valid classes are %s (or their index 0 to %d)", clip(s), strings.Join(classes, ", "), len(classes)-1)}
}
