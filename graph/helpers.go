package graph

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"strings"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/graph/model"

	"github.com/99designs/gqlgen/graphql"
)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func derefInt(p *int) int       { return deref(p) }
func derefInt64(p *int64) int64 { return deref(p) }

func (r *Resolver) logger() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// selectInput decodes a SelectionInput for the service.
func selectInput(in *model.SelectionInput) activelearning.SelectInput {
	return activelearning.SelectInput{ModelID: in.ModelID, SetID: derefInt64(in.SetID), CompoundIDs: in.CompoundIds,
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
	return "", &activelearning.InputError{Field: "format", Msg: fmt.Sprintf("cannot tell the format of %q: pass format CSV or SDF", in.File.Filename)}
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
		JobID: ptrInt64(rep.JobID)}
	for _, e := range rep.Errors {
		re := &model.ImportRowError{Row: e.Row, Column: e.Column, Reason: e.Reason}
		if e.Offset > 0 || strings.Contains(strings.ToLower(e.Reason), "offset") {
			off := e.Offset
			re.Offset = &off
		}
		out.Errors = append(out.Errors, re)
	}
	if rep.SetID != 0 {
		var err error
		if out.Set, err = r.Svc.CompoundSet(ctx, rep.SetID); err != nil {
			return nil, err
		}
	}
	return out, nil
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
