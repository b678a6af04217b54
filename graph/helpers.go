package graph

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"strings"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/graph/model"
	"activelab/store"
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
		Strategy: in.Strategy, Diversity: deref(in.Diversity), BatchSize: in.BatchSize, Seed: int64(derefInt(in.Seed)),
		IncludeLabeled: deref(in.IncludeLabeled)}
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

// setCompounds pages through a compound set's members by id, keeping those
// whose name or canonical SMILES contains search (ignoring case).
func (r *Resolver) setCompounds(ctx context.Context, setID int64, search string, afterID int64, limit int) ([]*store.Compound, error) {
	st := r.Svc.Store()
	if _, err := st.CompoundSetByID(ctx, setID); err != nil {
		return nil, err
	}
	ids, err := st.CompoundSetMemberIDs(ctx, setID)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	start, _ := slices.BinarySearch(ids, afterID+1)
	ids = ids[start:]
	needle := strings.ToLower(search)
	var out []*store.Compound
	const chunk = 500
	for len(ids) > 0 && len(out) < limit {
		n := min(len(ids), chunk)
		if needle == "" {
			n = min(n, limit-len(out))
		}
		cs, err := st.CompoundsByIDs(ctx, ids[:n])
		if err != nil {
			return nil, err
		}
		ids = ids[n:]
		slices.SortFunc(cs, func(a, b *store.Compound) int { return int(a.ID - b.ID) })
		for _, c := range cs {
			if needle == "" || strings.Contains(strings.ToLower(c.Name), needle) || strings.Contains(strings.ToLower(c.CanonicalSMILES), needle) {
				out = append(out, c)
				if len(out) == limit {
					break
				}
			}
		}
	}
	return out, nil
}
