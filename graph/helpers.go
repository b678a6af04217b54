package graph

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"strings"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/auth"
	"activelab/graph/model"
	"activelab/store"

	"github.com/99designs/gqlgen/graphql"
)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func derefInt(p *int) int          { return deref(p) }
func derefID(p *store.ID) store.ID { return deref(p) }

func (r *Resolver) logger() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// selectInput decodes a SelectionInput for the service.
func selectInput(in *model.SelectionInput) activelearning.SelectInput {
	return activelearning.SelectInput{ModelID: in.ModelID, SetID: derefID(in.SetID), CompoundIDs: in.CompoundIds, SMILES: in.Smiles,
		Strategy: in.Strategy, Diversity: deref(in.Diversity), BatchSize: batchSize(in.BatchSize), Seed: int64(derefInt(in.Seed)),
		IncludeLabeled: deref(in.IncludeLabeled), IncludeSkipped: deref(in.IncludeSkipped)}
}

// batchSize is the input's batch size, DefaultBatchSize when omitted (an
// explicit 0 stays 0, which the service refuses).
func batchSize(n *int) int {
	if n == nil {
		return activelearning.DefaultBatchSize
	}
	return *n
}

// importFormat is the input's format, else guessed from the file name.
func importFormat(in model.ImportCompoundsInput) (ingest.Format, error) {
	if in.Format != nil {
		return *in.Format, nil
	}
	if f, err := ingest.FormatFromPath(in.File.Filename); err == nil {
		return f, nil
	}
	if ext := strings.ToLower(path.Ext(in.File.Filename)); ext == "" {
		return ingest.FormatCSV, nil
	}
	return "", &activelearning.InputError{Field: "format", Msg: fmt.Sprintf("cannot tell the format of %q: pass format CSV, XLSX or SDF", in.File.Filename)}
}

// importOptions are the reader's options for an import: the columns, the
// endpoints (endpoints, or endpoint with valueColumn), the CSV separator
// and decimal comma, the XLSX sheet. Values are always read with their
// qualifier, which the service stores.
func importOptions(in model.ImportCompoundsInput) (ingest.Options, error) {
	opts := ingest.Options{SMILESColumn: deref(in.SmilesColumn), NameColumn: deref(in.NameColumn),
		Qualified: true, DecimalComma: in.DecimalComma != nil && *in.DecimalComma, Sheet: deref(in.Sheet)}
	if len(in.Classes) > 0 {
		names, err := ingest.CheckClasses(in.Classes)
		if err != nil {
			return opts, &activelearning.InputError{Field: "classes", Msg: err.Error()}
		}
		opts.Classes = names
	}
	if len(in.Endpoints) > 0 {
		if deref(in.ValueColumn) != "" || deref(in.Endpoint) != "" {
			return opts, &activelearning.InputError{Field: "endpoints", Msg: "give endpoints, or endpoint with valueColumn, not both"}
		}
		for _, e := range in.Endpoints {
			opts.Endpoints = append(opts.Endpoints, ingest.EndpointColumn{Endpoint: strings.TrimSpace(e.Endpoint), Column: strings.TrimSpace(e.Column)})
		}
	} else if col := deref(in.ValueColumn); col != "" {
		opts.Endpoints = []ingest.EndpointColumn{{Endpoint: strings.TrimSpace(deref(in.Endpoint)), Column: col}}
		if opts.Endpoints[0].Endpoint == "" {
			return opts, &activelearning.InputError{Field: "endpoint", Msg: "valueColumn needs an endpoint (what the values measure)"}
		}
	}
	switch sep := deref(in.Separator); sep {
	case "":
	case ",", ";", "\t":
		opts.Separator = rune(sep[0])
	case "tab", `\t`:
		opts.Separator = '\t'
	default:
		return opts, &activelearning.InputError{Field: "separator", Msg: fmt.Sprintf("%q: want \",\", \";\" or a tab", sep)}
	}
	return opts, nil
}

// propertyList lists a compound's properties for GraphQL.
func propertyList(props store.Properties) []*store.Property {
	out := make([]*store.Property, len(props))
	for i := range props {
		out[i] = &props[i]
	}
	return out
}

// selects reports whether the query selects field on the object of type
// typeName the current resolver returns (directly or in fragments on that
// type), so that costly fields are computed only when asked for.
func selects(ctx context.Context, typeName, field string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, []string{typeName}) {
		if f.Name == field {
			return true
		}
	}
	return false
}

// importPayload turns an import's report into its GraphQL payload, with
// the set (and its size) read again.
func (r *Resolver) importPayload(ctx context.Context, rep *activelearning.ImportReport) (*model.ImportCompoundsPayload, error) {
	out := &model.ImportCompoundsPayload{Rows: rep.Rows, Created: rep.Created, Existing: rep.Existing,
		Measurements: rep.Measurements, Errors: []*model.ImportRowError{}, ErrorsNotListed: rep.ErrorsNotListed,
		JobID: ptrJobID(rep.JobID)}
	out.Errors = rowErrors(rep.Errors)
	if rep.ImportID != store.NilID {
		actor, err := auth.Require(ctx)
		if err != nil {
			return nil, err
		}
		if out.Import, err = r.Svc.Import(ctx, actor, rep.ImportID); err != nil {
			return nil, err
		}
	}
	if rep.SetID != store.NilID {
		var err error
		if out.Set, err = r.Svc.CompoundSet(ctx, rep.SetID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rowErrors converts an import's rejected rows (the SMILES offset only
// where it applies).
func rowErrors(errs []ingest.RowError) []*model.ImportRowError {
	out := make([]*model.ImportRowError, 0, len(errs))
	for _, e := range errs {
		re := &model.ImportRowError{Row: e.Row, Column: e.Column, Reason: e.Reason}
		if e.Offset > 0 || strings.Contains(strings.ToLower(e.Reason), "offset") {
			off := e.Offset
			re.Offset = &off
		}
		out = append(out, re)
	}
	return out
}

// underLogin reports whether the field being resolved is part of login's
// payload: the user who just signed in, whose request carries no
// credentials yet.
func underLogin(ctx context.Context) bool {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Field.Field != nil && fc.Field.Name == "login" && fc.Object == "Mutation" {
			return true
		}
	}
	return false
}
