package activelearning

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"activelab/activelearning/ingest"
	"activelab/auth"
	"activelab/store"
)

// ImportState is how an import stands, as its record and heartbeat say.
type ImportState string

// The import states.
const (
	// ImportStateRunning: a process is applying its rows.
	ImportStateRunning ImportState = "RUNNING"
	// ImportStateComplete: every row applied or rejected.
	ImportStateComplete ImportState = "COMPLETE"
	// ImportStateFailed: stopped by an error; the rows after LastRow were
	// not applied.
	ImportStateFailed ImportState = "FAILED"
	// ImportStateInterrupted: its process died (no heartbeat for
	// Config.ImportStaleAfter); the rows after LastRow were not applied.
	// activelab import resumes it when run again on the same file; a
	// job resumes it when River retries the job.
	ImportStateInterrupted ImportState = "INTERRUPTED"
)

// ImportRunState judges imp's state now: a running import whose heartbeat
// is older than Config.ImportStaleAfter was interrupted.
func (s *Service) ImportRunState(imp *store.Import) ImportState {
	switch imp.State {
	case store.ImportComplete:
		return ImportStateComplete
	case store.ImportFailed:
		return ImportStateFailed
	}
	if s.now().Sub(imp.HeartbeatAt) > s.cfg.ImportStaleAfter {
		return ImportStateInterrupted
	}
	return ImportStateRunning
}

// Import returns import id's record, to scientists and admins.
func (s *Service) Import(ctx context.Context, actor *store.User, id store.ID) (*store.Import, error) {
	if err := auth.RequireRole(actor, "import", store.RoleScientist); err != nil {
		return nil, err
	}
	return s.st.ImportByID(ctx, id)
}

// maxImportsListed caps Imports.
const maxImportsListed = 100

// Imports returns up to first (default 20, at most 100) imports into a
// set, newest first, to scientists and admins.
func (s *Service) Imports(ctx context.Context, actor *store.User, setID store.ID, first int) ([]*store.Import, error) {
	if err := auth.RequireRole(actor, "imports", store.RoleScientist); err != nil {
		return nil, err
	}
	if first < 0 {
		return nil, inputErr("first", "%d is negative", first)
	}
	if first == 0 {
		first = 20
	}
	if _, err := s.st.CompoundSetByID(ctx, setID); err != nil {
		return nil, err
	}
	return s.st.ImportsBySet(ctx, setID, min(first, maxImportsListed))
}

// ImportRejects returns up to first (default 100, at most
// MaxJobReportErrors) of the rows import id rejected, in input order.
func (s *Service) ImportRejects(ctx context.Context, id store.ID, first int) ([]ingest.RowError, error) {
	if first <= 0 {
		first = 100
	}
	rs, err := s.st.ImportRejects(ctx, id, min(first, MaxJobReportErrors))
	if err != nil {
		return nil, err
	}
	out := make([]ingest.RowError, len(rs))
	for i, r := range rs {
		out[i] = ingest.RowError{Row: r.Row, Column: r.Column, Reason: r.Reason}
		if r.Offset != nil {
			out[i].Offset = *r.Offset
		}
	}
	return out, nil
}

// createImport records a new import in tx, creating its set (a pool named
// setName) when missing. rows is the input's size when known; a job's
// import has not started (0 attempts), others have.
func (s *Service) createImport(ctx context.Context, tx *store.Tx, actorID store.ID, via store.ImportVia, setName, file, digest string, rows *int) (*store.Import, error) {
	imp := &store.Import{Via: via, File: file, Digest: digest, RowsTotal: rows, Attempts: 1, StartedAt: s.now()}
	if via == store.ImportViaJob {
		imp.Attempts = 0
	}
	if actorID != store.NilID {
		imp.UserID = ptr(actorID)
	}
	if setName != "" {
		set, err := tx.CompoundSetByName(ctx, setName)
		switch {
		case errors.Is(err, store.ErrNotFound):
			set = &store.CompoundSet{Name: setName, Kind: store.SetPool, CreatedBy: imp.UserID, CreatedAt: s.now()}
			if err := tx.CreateCompoundSet(ctx, set); err != nil {
				return nil, err
			}
		case err != nil:
			return nil, err
		}
		imp.SetID = ptr(set.ID)
	}
	if err := tx.CreateImport(ctx, imp); err != nil {
		return nil, err
	}
	return imp, nil
}

// failImport marks running import id failed with cause (even when ctx is
// cancelled: the record must say why it stopped) and returns cause.
func (s *Service) failImport(ctx context.Context, id store.ID, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.st.FinishImport(ctx, id, store.ImportFailed, cause.Error(), nil, s.now()); err != nil && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%w (and marking import %d failed: %v)", cause, id, err)
	}
	return cause
}

// finishImport marks running import id complete (rows, when known, is its
// input's size) and returns its report.
func (s *Service) finishImport(ctx context.Context, id store.ID, rows *int) (*ImportReport, error) {
	if err := s.st.FinishImport(ctx, id, store.ImportComplete, "", rows, s.now()); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return s.importReport(ctx, id)
}

// importReport is import id's report as its record says: counts across
// attempts, the first MaxJobReportErrors rejected rows.
func (s *Service) importReport(ctx context.Context, id store.ID) (*ImportReport, error) {
	imp, err := s.st.ImportByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("import report: %w", err)
	}
	errs, err := s.ImportRejects(ctx, id, MaxJobReportErrors)
	if err != nil {
		return nil, fmt.Errorf("import report: %w", err)
	}
	rep := &ImportReport{Rows: imp.RowsDone, Created: imp.Created, Existing: imp.Existing, Measurements: imp.Measurements,
		Errors: errs, ErrorsNotListed: imp.Rejected - len(errs), SetID: derefID(imp.SetID), JobID: derefJobID(imp.JobID), ImportID: imp.ID,
		LastRow: imp.LastRow}
	if imp.RowsTotal != nil {
		rep.Rows = *imp.RowsTotal
	}
	return rep, nil
}

// heartbeat keeps import id's heartbeat fresh (every sixth of
// Config.ImportStaleAfter) until the returned stop is called.
func (s *Service) heartbeat(ctx context.Context, id store.ID) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(s.cfg.ImportStaleAfter / 6)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				// Best effort: a missed beat only makes the import look
				// interrupted a little early.
				_ = s.st.TouchImport(ctx, id, s.now())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// ImportStart describes an import that a caller feeds in parts
// (ContinueImport), as activelab import does while it reads a file.
type ImportStart struct {
	SetName string
	File    string
	// Digest identifies the input and its options: an unfinished import
	// of the same digest is resumed instead of starting anew.
	Digest string
}

// BeginImport starts an import fed in parts, or resumes the newest
// unfinished (interrupted or failed) import with the same digest: the
// caller then skips the import's RowsDone first input rows, which were
// applied. An import of that digest that is still running (its heartbeat
// younger than Config.ImportStaleAfter) is an ErrConflict: another process
// may be applying it. Scientists and admins.
func (s *Service) BeginImport(ctx context.Context, actor *store.User, in ImportStart) (imp *store.Import, resumed bool, err error) {
	if err := auth.RequireRole(actor, "importCompounds", store.RoleScientist); err != nil {
		return nil, false, err
	}
	if in.Digest != "" {
		un, err := s.st.UnfinishedImport(ctx, in.Digest)
		switch {
		case err == nil:
			if s.ImportRunState(un) == ImportStateRunning {
				return nil, false, fmt.Errorf("import %d of the same input is running (last sign of life %s ago); if its process is gone, it can be resumed %s after that: %w",
					un.ID, s.now().Sub(un.HeartbeatAt).Round(time.Second), s.cfg.ImportStaleAfter, store.ErrConflict)
			}
			if err := s.st.ResumeImport(ctx, un.ID, un.Attempts, s.now()); err != nil {
				return nil, false, fmt.Errorf("resume import %d: %w", un.ID, err)
			}
			imp, err := s.st.ImportByID(ctx, un.ID)
			return imp, true, err
		case !errors.Is(err, store.ErrNotFound):
			return nil, false, err
		}
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		imp, err = s.createImport(ctx, tx, actor.ID, store.ImportViaCLI, in.SetName, in.File, in.Digest, nil)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("begin import: %w", err)
	}
	return imp, false, nil
}

// ContinueImport applies the next part of import id's input (the rows
// following those it has done, in order), as ImportCompounds applies rows,
// each part in transactions that advance the import's record. A failure
// marks the import failed (BeginImport can resume it).
func (s *Service) ContinueImport(ctx context.Context, actor *store.User, id store.ID, in ImportInput) error {
	if err := auth.RequireRole(actor, "importCompounds", store.RoleScientist); err != nil {
		return err
	}
	if err := checkImportInput(&in); err != nil {
		return err
	}
	imp, err := s.st.ImportByID(ctx, id)
	if err != nil {
		return err
	}
	if imp.State != store.ImportRunning {
		return fmt.Errorf("import %d is %s: %w", id, imp.State, store.ErrConflict)
	}
	if err := s.runImport(ctx, imp, actor.ID, in, 0, nil); err != nil {
		return s.failImport(ctx, id, err)
	}
	return nil
}

// EndImport ends an import fed in parts: complete when cause is nil (its
// row count is then the rows it did), else failed with cause (the rows
// after its LastRow were not applied). It returns the import's report.
func (s *Service) EndImport(ctx context.Context, id store.ID, cause error) (*ImportReport, error) {
	if cause != nil {
		if err := s.failImport(ctx, id, cause); err != cause {
			return nil, err
		}
		return s.importReport(context.WithoutCancel(ctx), id)
	}
	imp, err := s.st.ImportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.finishImport(ctx, id, &imp.RowsDone)
}

// derefID is *p, or 0 for nil.
func derefID(p *store.ID) store.ID {
	if p == nil {
		return store.NilID
	}
	return *p
}

// derefJobID is *p, or 0 for nil.
func derefJobID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
