package activelearning

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"activelab/activelearning/ingest"
	"activelab/chem"
	"activelab/jobs"
	"activelab/store"
)

// importPayload is an import handed to an import_compounds job.
type importPayload struct {
	Input   ImportInput `json:"input"`
	ActorID store.ID    `json:"actor_id"`
}

// ImportCompounds imports compounds, and their measured values, into the
// set in.SetName (created as a pool when missing). Scientists and admins.
// A row's values are its Values (each of its own endpoint, as mapped by
// ingest.Options.Endpoints) and its Value (of in.Endpoint); each keeps its
// qualifier, so a bound ("<0.1") is stored as a censored measurement, which
// is shown but not trained on (see store.Qualifier.Censored). A row's
// Fields (every CSV/XLSX column, every SDF data item) are kept as the
// compound's properties, merged into those it has. The canonical SMILES
// identifies a compound, and a value already imported for it (same
// endpoint, value, qualifier and origin) is not added again, so importing
// twice changes nothing. Bad rows (an invalid
// SMILES with chem's message and offset, a non-finite value) are reported
// and the good rows kept. Descriptors and fingerprint are computed here, once.
// More than Config.InlineImportLimit rows run as an import_compounds job; the
// report then has only Rows and JobID.
func (s *Service) ImportCompounds(ctx context.Context, actor *store.User, in ImportInput) (*ImportReport, error) {
	if err := require(actor, store.RoleScientist); err != nil {
		return nil, err
	}
	in.SetName, in.Endpoint = strings.TrimSpace(in.SetName), strings.TrimSpace(in.Endpoint)
	if in.Source == "" {
		in.Source = store.SourceExperimental
	}
	if !in.Source.Valid() {
		return nil, inputErr("source", "%q is not experimental, literature or expert_estimate", in.Source)
	}
	for _, r := range in.Rows {
		if r.Value != nil && in.Endpoint == "" {
			return nil, inputErr("endpoint", "rows have values but no endpoint was named")
		}
		for _, v := range r.Values {
			if strings.TrimSpace(v.Endpoint) == "" {
				return nil, inputErr("endpoint", "row %d: a value of column %q has no endpoint", r.Line, v.Column)
			}
		}
	}
	if len(in.Rows) > s.cfg.InlineImportLimit {
		if s.jobs == nil {
			return nil, errors.New("import: no job client (SetJobs)")
		}
		raw, err := json.Marshal(importPayload{Input: in, ActorID: actor.ID})
		if err != nil {
			return nil, err
		}
		rep := &ImportReport{Rows: len(in.Rows) + len(in.Errors)}
		err = s.st.InTx(ctx, func(tx *store.Tx) error {
			id, err := s.jobs.EnqueueImportCompounds(ctx, tx, raw)
			rep.JobID = id
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		return rep, nil
	}
	return s.runImport(ctx, actor.ID, in, nil)
}

// RunImport runs an import handed to an import_compounds job
// (jobs.Importer) and returns its report as JSON (the first
// MaxJobReportErrors rejected rows listed, the rest counted), which the
// job keeps for ImportJob. Re-running it is harmless: imports are
// idempotent.
func (s *Service) RunImport(ctx context.Context, payload json.RawMessage, progress func(stage string, fraction float64, msg string)) (json.RawMessage, error) {
	var p importPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("import job payload: %w", err)
	}
	rep, err := s.runImport(ctx, p.ActorID, p.Input, progress)
	if err != nil {
		return nil, err
	}
	if n := len(rep.Errors); n > MaxJobReportErrors {
		rep.ErrorsNotListed = n - MaxJobReportErrors
		rep.Errors = rep.Errors[:MaxJobReportErrors]
	}
	return json.Marshal(rep)
}

// JobStatuser reads a background job's status (jobs.Client and
// jobs.Recorder implement it).
type JobStatuser interface {
	JobStatus(ctx context.Context, id int64) (*jobs.Status, error)
}

// ImportJob returns the background import id (ImportReport.JobID) as its
// submitter sees it: queued, running with its progress, complete with its
// report, or failed with why. Only the scientist who started it and admins
// may see it; to anyone else, and for a job that is not an import, it is
// store.ErrNotFound.
func (s *Service) ImportJob(ctx context.Context, actor *store.User, id int64) (*ImportJob, error) {
	if err := require(actor, store.RoleScientist); err != nil {
		return nil, err
	}
	js, ok := s.jobs.(JobStatuser)
	if !ok {
		return nil, errors.New("import job: the job client cannot report status")
	}
	st, err := js.JobStatus(ctx, id)
	if err != nil {
		return nil, err
	}
	notFound := fmt.Errorf("import job %d: %w", id, store.ErrNotFound)
	if st.Kind != (jobs.ImportCompoundsArgs{}).Kind() {
		return nil, notFound
	}
	var args jobs.ImportCompoundsArgs
	var p struct {
		ActorID store.ID `json:"actor_id"`
	}
	if err := json.Unmarshal(st.Args, &args); err != nil {
		return nil, fmt.Errorf("import job %d args: %w", id, err)
	}
	if err := json.Unmarshal(args.Payload, &p); err != nil {
		return nil, fmt.Errorf("import job %d payload: %w", id, err)
	}
	if p.ActorID != actor.ID && actor.Role != store.RoleAdmin {
		return nil, notFound
	}
	out := &ImportJob{ID: id, State: st.State, Error: st.Error}
	var o jobs.Output
	if len(st.Output) > 0 {
		if err := json.Unmarshal(st.Output, &o); err != nil {
			return nil, fmt.Errorf("import job %d output: %w", id, err)
		}
	}
	if o.Progress != nil {
		out.Fraction, out.Message = o.Progress.Fraction, o.Progress.Message
	}
	if st.State == jobs.StateComplete {
		out.Fraction = 1
		if len(o.Result) > 0 {
			out.Report = &ImportReport{}
			if err := json.Unmarshal(o.Result, out.Report); err != nil {
				return nil, fmt.Errorf("import job %d report: %w", id, err)
			}
			out.Report.JobID = id
		}
	}
	return out, nil
}

// importChunk rows are written per transaction.
const importChunk = 500

func (s *Service) runImport(ctx context.Context, actorID store.ID, in ImportInput, progress func(string, float64, string)) (*ImportReport, error) {
	rep := &ImportReport{Rows: len(in.Rows) + len(in.Errors), Errors: append([]ingest.RowError(nil), in.Errors...)}
	type good struct {
		row    ingest.Row
		c      *store.Compound
		values []ingest.Measurement
	}
	var goods []good
	for _, r := range in.Rows {
		c, err := NewCompound(r.SMILES)
		if err != nil {
			re := ingest.RowError{Row: r.Line, Column: "smiles", Reason: err.Error()}
			var pe *chem.ParseError
			if errors.As(err, &pe) {
				re.Offset = pe.Pos
			}
			rep.Errors = append(rep.Errors, re)
			continue
		}
		values := rowValues(r, in.Endpoint)
		if re := checkValues(r.Line, values); re != nil {
			rep.Errors = append(rep.Errors, *re)
			continue
		}
		c.Name = strings.TrimSpace(r.Name)
		c.Properties = rowProperties(r)
		goods = append(goods, good{r, c, values})
	}
	if in.SetName != "" {
		set, err := s.st.CompoundSetByName(ctx, in.SetName)
		switch {
		case errors.Is(err, store.ErrNotFound):
			set = &store.CompoundSet{Name: in.SetName, Kind: store.SetPool, CreatedBy: ptr(actorID), CreatedAt: s.now()}
			if err := s.st.CreateCompoundSet(ctx, set); err != nil {
				return nil, fmt.Errorf("import: %w", err)
			}
		case err != nil:
			return nil, fmt.Errorf("import: %w", err)
		}
		rep.SetID = set.ID
	}
	for from := 0; from < len(goods); from += importChunk {
		part := goods[from:min(from+importChunk, len(goods))]
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			created, existing, measured := 0, 0, 0
			ids := make([]store.ID, 0, len(part))
			for _, g := range part {
				g.c.CreatedAt = s.now()
				isNew, err := tx.EnsureCompound(ctx, g.c)
				if err != nil {
					return fmt.Errorf("row %d: %w", g.row.Line, err)
				}
				if isNew {
					created++
				} else {
					existing++
				}
				ids = append(ids, g.c.ID)
				if !isNew {
					if props, changed := g.c.Properties.Merge(rowProperties(g.row)); changed {
						if err := tx.SetCompoundProperties(ctx, g.c.ID, props); err != nil {
							return fmt.Errorf("row %d: %w", g.row.Line, err)
						}
					}
				}
				for _, v := range g.values {
					q := store.Qualifier(v.Qualifier)
					dup, err := tx.HasImportedValue(ctx, g.c.ID, v.Endpoint, v.Value, q)
					if err != nil {
						return fmt.Errorf("row %d: %w", g.row.Line, err)
					}
					if dup {
						continue
					}
					m := &store.Measurement{CompoundID: g.c.ID, Endpoint: v.Endpoint, Value: v.Value, Qualifier: q, Source: in.Source,
						Confidence: store.ConfidenceHigh, Origin: store.OriginImport, CreatedAt: s.now()}
					if actorID != store.NilID {
						m.UserID = &actorID
					}
					if err := tx.CreateMeasurement(ctx, m); err != nil {
						return fmt.Errorf("row %d: %w", g.row.Line, err)
					}
					measured++
				}
			}
			if rep.SetID != store.NilID {
				if err := tx.AddCompoundSetMembers(ctx, rep.SetID, ids); err != nil {
					return err
				}
			}
			done := from + len(part)
			if err := s.emit(ctx, tx, evt{Type: EventImportProgress, Actor: actorID, Payload: map[string]any{
				"stage": "import", "fraction": float64(done) / float64(len(goods)), "set_id": rep.SetID,
				"message": fmt.Sprintf("%d of %d rows", done, len(goods))}}); err != nil {
				return err
			}
			rep.Created += created
			rep.Existing += existing
			rep.Measurements += measured
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if progress != nil {
			progress("import", float64(from+len(part))/float64(len(goods)), "")
		}
	}
	return rep, nil
}
