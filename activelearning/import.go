package activelearning

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"activelab/activelearning/ingest"
	"activelab/auth"
	"activelab/chem"
	"activelab/jobs"
	"activelab/store"
)

// importPayload is an import handed to an import_compounds job.
type importPayload struct {
	Input   ImportInput `json:"input"`
	ActorID store.ID    `json:"actor_id"`
	// ImportID is the import's record, created with the job.
	ImportID store.ID `json:"import_id,omitempty"`
}

// checkImportInput trims in's names and rejects an input the import cannot
// take: an unknown source, values without an endpoint.
func checkImportInput(in *ImportInput) error {
	in.SetName, in.Endpoint = strings.TrimSpace(in.SetName), strings.TrimSpace(in.Endpoint)
	if in.Source == "" {
		in.Source = store.SourceExperimental
	}
	if !in.Source.Valid() {
		return inputErr("source", "%q is not experimental, literature or expert_estimate", in.Source)
	}
	for _, r := range in.Rows {
		if r.Value != nil && in.Endpoint == "" {
			return inputErr("endpoint", "rows have values but no endpoint was named")
		}
		for _, v := range r.Values {
			if strings.TrimSpace(v.Endpoint) == "" {
				return inputErr("endpoint", "row %d: a value of column %q has no endpoint", r.Line, v.Column)
			}
		}
	}
	return nil
}

// ImportFile is one file to import (an upload): ImportFileInto reads it.
type ImportFile struct {
	// Body is the file's content and Name its name (reports name it).
	Body io.Reader
	Name string
	// Format and Options say how to read it (ingest.Open).
	Format  ingest.Format
	Options ingest.Options
	// SetName, Endpoint and Source are as in ImportInput.
	SetName, Endpoint string
	Source            store.Source
}

// ImportFileInto imports a file as ImportCompounds imports rows: it checks
// the role first, then reads f (rows the reader rejects are reported like
// ImportCompounds' bad rows; a file it cannot read at all is an
// *InputError on "file").
func (s *Service) ImportFileInto(ctx context.Context, actor *store.User, f ImportFile) (*ImportReport, error) {
	if err := auth.RequireRole(actor, "importCompounds", store.RoleScientist); err != nil {
		return nil, err
	}
	rd, err := ingest.Open(f.Body, f.Format, f.Options)
	if err != nil {
		return nil, &InputError{Field: "file", Msg: fmt.Sprintf("%s: %v", f.Name, err)}
	}
	rows, bad, err := ingest.ReadAll(rd)
	if err != nil {
		return nil, &InputError{Field: "file", Msg: fmt.Sprintf("reading %s: %v", f.Name, err)}
	}
	return s.ImportCompounds(ctx, actor, ImportInput{SetName: f.SetName, Endpoint: f.Endpoint, Source: f.Source,
		Rows: rows, Errors: bad, File: f.Name})
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
//
// Every import has a record (ImportReport.ImportID, see Import): rows are
// applied in input order, in transactions of a few hundred, each of which
// also advances the record, so whatever happens the record says exactly
// which rows were applied, and the counts are those of the rows actually
// written, across attempts. More than Config.InlineImportLimit rows run as
// an import_compounds job; the report then has only Rows, SetID, JobID and
// ImportID.
func (s *Service) ImportCompounds(ctx context.Context, actor *store.User, in ImportInput) (*ImportReport, error) {
	if err := auth.RequireRole(actor, "importCompounds", store.RoleScientist); err != nil {
		return nil, err
	}
	if err := checkImportInput(&in); err != nil {
		return nil, err
	}
	rows := len(in.Rows) + len(in.Errors)
	if len(in.Rows) > s.cfg.InlineImportLimit {
		if s.jobs == nil {
			return nil, errors.New("import: no job client (SetJobs)")
		}
		rep := &ImportReport{Rows: rows}
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			imp, err := s.createImport(ctx, tx, actor.ID, store.ImportViaJob, in.SetName, in.File, "", &rows)
			if err != nil {
				return err
			}
			raw, err := json.Marshal(importPayload{Input: in, ActorID: actor.ID, ImportID: imp.ID})
			if err != nil {
				return err
			}
			id, err := s.jobs.EnqueueImportCompounds(ctx, tx, raw)
			if err != nil {
				return err
			}
			rep.JobID, rep.ImportID, rep.SetID = id, imp.ID, derefID(imp.SetID)
			return tx.SetImportJob(ctx, imp.ID, id)
		})
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		return rep, nil
	}
	var imp *store.Import
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		imp, err = s.createImport(ctx, tx, actor.ID, store.ImportViaUpload, in.SetName, in.File, "", &rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if err := s.runImport(ctx, imp, actor.ID, in, 0, nil); err != nil {
		return nil, s.failImport(ctx, imp.ID, err)
	}
	return s.finishImport(ctx, imp.ID, &rows)
}

// RunImport runs an import handed to an import_compounds job
// (jobs.Importer) and returns its report as JSON (the first
// MaxJobReportErrors rejected rows listed, the rest counted), which the
// job keeps for ImportJob. A retried job resumes after the last row the
// import's record says was applied, so the report counts what the import
// created across attempts; once complete, running it again only returns
// the report.
func (s *Service) RunImport(ctx context.Context, payload json.RawMessage, progress func(stage string, fraction float64, msg string)) (json.RawMessage, error) {
	var p importPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("import job payload: %w", err)
	}
	if err := checkImportInput(&p.Input); err != nil {
		return nil, fmt.Errorf("import job payload: %w", err)
	}
	rows := len(p.Input.Rows) + len(p.Input.Errors)
	if p.ImportID == store.NilID { // enqueued before import records: start one now
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			imp, err := s.createImport(ctx, tx, p.ActorID, store.ImportViaJob, p.Input.SetName, p.Input.File, "", &rows)
			p.ImportID = imp.ID
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("import job: %w", err)
		}
	}
	imp, err := s.st.ImportByID(ctx, p.ImportID)
	if err != nil {
		return nil, fmt.Errorf("import job: %w", err)
	}
	if imp.State != store.ImportComplete {
		if err := s.st.ResumeImport(ctx, imp.ID, imp.Attempts, s.now()); err != nil {
			return nil, fmt.Errorf("import job: %w", err)
		}
		if imp, err = s.st.ImportByID(ctx, imp.ID); err != nil {
			return nil, fmt.Errorf("import job: %w", err)
		}
		if err := s.runImport(ctx, imp, p.ActorID, p.Input, imp.RowsDone, progress); err != nil {
			if ctx.Err() != nil {
				return nil, err // stopped: River retries, which resumes
			}
			return nil, s.failImport(ctx, imp.ID, err)
		}
		if err := s.st.FinishImport(ctx, imp.ID, store.ImportComplete, "", &rows, s.now()); err != nil {
			return nil, fmt.Errorf("import job: %w", err)
		}
	}
	rep, err := s.importReport(ctx, imp.ID)
	if err != nil {
		return nil, err
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
	if err := auth.RequireRole(actor, "importJob", store.RoleScientist); err != nil {
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
	switch imp, err := s.st.ImportByJobID(ctx, id); {
	case err == nil:
		out.Import = imp
	case !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("import job %d: %w", id, err)
	}
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

// importEntry is one input row: a compound to write, or a rejected row.
type importEntry struct {
	line   int
	row    *ingest.Row
	reject *ingest.RowError
	c      *store.Compound
	values []ingest.Measurement
}

// importEntries returns in's rows and the reader's rejected rows in input
// order (by line; the order is the same on every attempt).
func importEntries(in ImportInput) []importEntry {
	out := make([]importEntry, 0, len(in.Rows)+len(in.Errors))
	for i := range in.Rows {
		out = append(out, importEntry{line: in.Rows[i].Line, row: &in.Rows[i]})
	}
	for i := range in.Errors {
		out = append(out, importEntry{line: in.Errors[i].Row, reject: &in.Errors[i]})
	}
	slices.SortStableFunc(out, func(a, b importEntry) int { return cmp.Compare(a.line, b.line) })
	return out
}

// prepare builds e's compound (descriptors, fingerprint) and values, or
// turns e into a rejected row.
func (e *importEntry) prepare(endpoint string) {
	if e.reject != nil {
		return
	}
	r := *e.row
	c, err := NewCompound(r.SMILES)
	if err != nil {
		re := ingest.RowError{Row: r.Line, Column: "smiles", Reason: err.Error()}
		var pe *chem.ParseError
		if errors.As(err, &pe) {
			re.Offset = pe.Pos
		}
		e.reject = &re
		return
	}
	values := rowValues(r, endpoint)
	if re := checkValues(r.Line, values); re != nil {
		e.reject = re
		return
	}
	c.Name = strings.TrimSpace(r.Name)
	c.Properties = rowProperties(r)
	e.c, e.values = c, values
}

// runImport applies in's rows after the first skip (already applied by an
// earlier attempt) to import imp, in input order, a chunk of rows per
// transaction (Config.ImportChunk); each transaction also advances imp's record
// (store.AdvanceImport), which refuses it if another process moved the
// import on meanwhile. While it runs, the record's heartbeat shows it
// alive. It does not finish the record.
func (s *Service) runImport(ctx context.Context, imp *store.Import, actorID store.ID, in ImportInput, skip int, progress func(string, float64, string)) error {
	entries := importEntries(in)
	if skip > len(entries) {
		return fmt.Errorf("import %d: %d rows were applied, the input has only %d", imp.ID, skip, len(entries))
	}
	stop := s.heartbeat(ctx, imp.ID)
	defer stop()
	todo := entries[skip:]
	for i := range todo {
		todo[i].prepare(in.Endpoint)
	}
	setID := derefID(imp.SetID)
	rowsDone, rejected := imp.RowsDone, imp.Rejected
	chunk := s.cfg.ImportChunk
	for from := 0; from < len(todo); from += chunk {
		part := todo[from:min(from+chunk, len(todo))]
		step := store.ImportStep{Rows: len(part), LastRow: part[len(part)-1].line}
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			step.Created, step.Existing, step.Measurements, step.Rejected, step.Rejects = 0, 0, 0, 0, nil
			ids := make([]store.ID, 0, len(part))
			for _, e := range part {
				if e.reject != nil {
					if rejected+step.Rejected < MaxJobReportErrors {
						var off *int
						if e.reject.Offset > 0 || e.reject.Column == "smiles" {
							off = &e.reject.Offset
						}
						step.Rejects = append(step.Rejects, &store.ImportReject{Row: e.reject.Row, Column: e.reject.Column,
							Reason: e.reject.Reason, Offset: off})
					}
					step.Rejected++
					continue
				}
				c := *e.c // a failed attempt must not leave its ID behind
				c.CreatedAt = s.now()
				isNew, err := tx.EnsureCompound(ctx, &c)
				if err != nil {
					return fmt.Errorf("row %d: %w", e.line, err)
				}
				if isNew {
					step.Created++
				} else {
					step.Existing++
				}
				ids = append(ids, c.ID)
				if !isNew {
					if props, changed := c.Properties.Merge(rowProperties(*e.row)); changed {
						if err := tx.SetCompoundProperties(ctx, c.ID, props); err != nil {
							return fmt.Errorf("row %d: %w", e.line, err)
						}
					}
				}
				for _, v := range e.values {
					q := store.Qualifier(v.Qualifier)
					dup, err := tx.HasImportedValue(ctx, c.ID, v.Endpoint, v.Value, q)
					if err != nil {
						return fmt.Errorf("row %d: %w", e.line, err)
					}
					if dup {
						continue
					}
					m := &store.Measurement{CompoundID: c.ID, Endpoint: v.Endpoint, Value: v.Value, Qualifier: q, Source: in.Source,
						Confidence: store.ConfidenceHigh, Origin: store.OriginImport, CreatedAt: s.now()}
					if actorID != store.NilID {
						m.UserID = &actorID
					}
					if err := tx.CreateMeasurement(ctx, m); err != nil {
						return fmt.Errorf("row %d: %w", e.line, err)
					}
					step.Measurements++
				}
			}
			if setID != store.NilID && len(ids) > 0 {
				if err := tx.AddCompoundSetMembers(ctx, setID, ids); err != nil {
					return err
				}
			}
			step.At = s.now()
			if err := tx.AdvanceImport(ctx, imp.ID, rowsDone, step); err != nil {
				return err
			}
			done := skip + from + len(part)
			return s.emit(ctx, tx, evt{Type: EventImportProgress, Actor: actorID, Payload: map[string]any{
				"stage": "import", "fraction": float64(done) / float64(len(entries)), "set_id": setID, "import_id": imp.ID,
				"message": fmt.Sprintf("%d of %d rows", done, len(entries))}})
		})
		if err != nil {
			return fmt.Errorf("import %d after row %d: %w", imp.ID, lastRow(entries, skip+from), err)
		}
		rowsDone += step.Rows
		rejected += step.Rejected
		if progress != nil {
			progress("import", float64(skip+from+len(part))/float64(len(entries)), "")
		}
	}
	return nil
}

// lastRow is the input row of the n-th entry (0 before the first).
func lastRow(entries []importEntry, n int) int {
	if n == 0 {
		return 0
	}
	return entries[n-1].line
}
