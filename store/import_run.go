package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// ImportState is how an import stands in its record.
type ImportState string

// The import states. A running import whose process died stays running
// in the database; the service tells it apart by its heartbeat.
const (
	ImportRunning  ImportState = "running"
	ImportComplete ImportState = "complete"
	ImportFailed   ImportState = "failed"
)

// ImportVia is how an import was run.
type ImportVia string

// The ways an import runs.
const (
	ImportViaCLI    ImportVia = "cli"    // activelab import
	ImportViaUpload ImportVia = "upload" // importCompounds, inline
	ImportViaJob    ImportVia = "job"    // importCompounds, as an import_compounds job
)

// Import is the record of one import: what it has applied so far, written
// in the same transaction as the rows it counts, so after a crash it says
// exactly how far the import got. The input's rows are taken in order;
// RowsDone of them (applied or rejected) are done, the last being input
// row LastRow, and every later row is not applied.
type Import struct {
	bun.BaseModel `bun:"table:imports,alias:imp"`

	ID     ID        `bun:"id,pk,autoincrement"`
	SetID  *ID       `bun:"set_id"`
	UserID *ID       `bun:"user_id"`
	Via    ImportVia `bun:"via,notnull"`
	// JobID is the import_compounds job running it (Via job).
	JobID *int64 `bun:"job_id"`
	// File is the file's name as given (may be empty).
	File string `bun:"file,notnull"`
	// Digest identifies the input and its options (activelab import
	// resumes an unfinished import of the same digest).
	Digest string      `bun:"digest,notnull"`
	State  ImportState `bun:"state,notnull"`
	// RowsTotal is the number of input rows once known (nil while a
	// streamed file is still being read).
	RowsTotal    *int `bun:"rows_total"`
	RowsDone     int  `bun:"rows_done,notnull"`
	LastRow      int  `bun:"last_row,notnull"`
	Created      int  `bun:"created,notnull"`
	Existing     int  `bun:"existing,notnull"`
	Measurements int  `bun:"measurements,notnull"`
	Rejected     int  `bun:"rejected,notnull"`
	// Attempts counts the runs that worked on it (a resumed import, a
	// retried job).
	Attempts    int        `bun:"attempts,notnull"`
	Error       string     `bun:"error,notnull"`
	StartedAt   time.Time  `bun:"started_at,notnull"`
	HeartbeatAt time.Time  `bun:"heartbeat_at,notnull"`
	FinishedAt  *time.Time `bun:"finished_at"`
}

// ImportReject is an input row an import rejected, and why.
type ImportReject struct {
	bun.BaseModel `bun:"table:import_rejects,alias:ir"`

	ID       ID     `bun:"id,pk,autoincrement"`
	ImportID ID     `bun:"import_id,notnull"`
	Row      int    `bun:"row_number,notnull"`
	Column   string `bun:"column_name,notnull"`
	Reason   string `bun:"reason,notnull"`
	// Offset is the character offset in the SMILES, when it applies.
	Offset *int `bun:"char_offset"`
}

// ImportStep is what one transaction of an import did: Rows more input
// rows done, ending at input row LastRow, with these counts; Rejects are
// the rejected rows to keep (at most the import's cap; Rejected counts
// them all).
type ImportStep struct {
	Rows, LastRow                             int
	Created, Existing, Measurements, Rejected int
	Rejects                                   []*ImportReject
	At                                        time.Time
}

func validImport(imp *Import) error {
	switch imp.Via {
	case ImportViaCLI, ImportViaUpload, ImportViaJob:
	default:
		return enumError("import via", string(imp.Via), "cli", "upload", "job")
	}
	switch imp.State {
	case ImportRunning, ImportComplete, ImportFailed:
	default:
		return enumError("import state", string(imp.State), "running", "complete", "failed")
	}
	return nil
}

// CreateImport inserts imp (state running and started and heartbeat now
// unless set; Attempts as given: 0 for a job not yet started) and sets its
// ID.
func (s *conn) CreateImport(ctx context.Context, imp *Import) error {
	if imp.State == "" {
		imp.State = ImportRunning
	}
	if err := validImport(imp); err != nil {
		return err
	}
	if imp.StartedAt.IsZero() {
		imp.StartedAt = now()
	}
	if imp.HeartbeatAt.IsZero() {
		imp.HeartbeatAt = imp.StartedAt
	}
	imp.StartedAt, imp.HeartbeatAt, imp.FinishedAt = dbTime(imp.StartedAt), dbTime(imp.HeartbeatAt), dbTimePtr(imp.FinishedAt)
	newID(&imp.ID)
	_, err := s.db.NewInsert().Model(imp).Returning("id").Exec(ctx)
	return s.wrapErr(err, "create import")
}

// ImportByID returns import id; ErrNotFound when there is none.
func (s *conn) ImportByID(ctx context.Context, id ID) (*Import, error) {
	imp := new(Import)
	if err := s.reads().NewSelect().Model(imp).Where("imp.id = ?", id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("import %d", id))
	}
	return imp, nil
}

// ImportByJobID returns the import run by job jobID; ErrNotFound when
// there is none.
func (s *conn) ImportByJobID(ctx context.Context, jobID int64) (*Import, error) {
	imp := new(Import)
	if err := s.reads().NewSelect().Model(imp).Where("imp.job_id = ?", jobID).Order("imp.id").Limit(1).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("import of job %d", jobID))
	}
	return imp, nil
}

// ImportsBySet returns up to limit imports into the set, newest first.
func (s *conn) ImportsBySet(ctx context.Context, setID ID, limit int) ([]*Import, error) {
	out := []*Import{}
	err := s.reads().NewSelect().Model(&out).Where("imp.set_id = ?", setID).OrderExpr("imp.id DESC").
		Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("imports of set %d", setID))
	}
	return out, nil
}

// UnfinishedImport returns the newest import with this digest that is
// running or failed (not complete); ErrNotFound when there is none.
func (s *conn) UnfinishedImport(ctx context.Context, digest string) (*Import, error) {
	imp := new(Import)
	err := s.db.NewSelect().Model(imp).Where("imp.digest = ?", digest).
		Where("imp.state IN (?)", bun.List([]ImportState{ImportRunning, ImportFailed})).
		OrderExpr("imp.id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, "unfinished import")
	}
	return imp, nil
}

// AdvanceImport adds st to running import id if it still has rowsDone rows
// done: call it in the transaction that wrote those rows, so the record
// and the rows commit together. ErrConflict when the import moved on
// meanwhile (another process resumed it) or is not running: the caller's
// transaction must roll back.
func (s *conn) AdvanceImport(ctx context.Context, id ID, rowsDone int, st ImportStep) error {
	res, err := s.db.NewUpdate().Model((*Import)(nil)).
		Set("rows_done = rows_done + ?", st.Rows).Set("last_row = ?", st.LastRow).
		Set("created = created + ?", st.Created).Set("existing = existing + ?", st.Existing).
		Set("measurements = measurements + ?", st.Measurements).Set("rejected = rejected + ?", st.Rejected).
		Set("heartbeat_at = ?", dbTime(st.At)).
		Where("id = ?", id).Where("rows_done = ?", rowsDone).Where("state = ?", ImportRunning).Exec(ctx)
	what := fmt.Sprintf("advance import %d from %d rows", id, rowsDone)
	if err != nil {
		return s.wrapErr(err, what)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%s: it moved on or stopped meanwhile: %w", what, ErrConflict)
	}
	for _, r := range st.Rejects {
		r.ImportID = id
	}
	if len(st.Rejects) > 0 {
		for _, r := range st.Rejects {
			newID(&r.ID)
		}
		if _, err := s.db.NewInsert().Model(&st.Rejects).Exec(ctx); err != nil {
			return s.wrapErr(err, fmt.Sprintf("rejected rows of import %d", id))
		}
	}
	return nil
}

// TouchImport sets running import id's heartbeat to at: its process is
// alive.
func (s *conn) TouchImport(ctx context.Context, id ID, at time.Time) error {
	_, err := s.db.NewUpdate().Model((*Import)(nil)).Set("heartbeat_at = ?", dbTime(at)).
		Where("id = ?", id).Where("state = ?", ImportRunning).Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("heartbeat of import %d", id))
}

// ResumeImport makes unfinished import id running again for one more
// attempt at at (its error cleared), if it is still at attempts attempts
// and not complete. ErrConflict when another process resumed or finished
// it first.
func (s *conn) ResumeImport(ctx context.Context, id ID, attempts int, at time.Time) error {
	res, err := s.db.NewUpdate().Model((*Import)(nil)).Set("state = ?", ImportRunning).
		Set("attempts = attempts + 1").Set("error = ''").Set("heartbeat_at = ?", dbTime(at)).Set("finished_at = NULL").
		Where("id = ?", id).Where("attempts = ?", attempts).Where("state <> ?", ImportComplete).Exec(ctx)
	what := fmt.Sprintf("resume import %d", id)
	if err != nil {
		return s.wrapErr(err, what)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%s: resumed or finished by another process: %w", what, ErrConflict)
	}
	return nil
}

// FinishImport ends running import id at at: complete (rowsTotal, when
// not nil, becomes its row count) or failed with errMsg. ErrConflict when
// it is not running.
func (s *conn) FinishImport(ctx context.Context, id ID, state ImportState, errMsg string, rowsTotal *int, at time.Time) error {
	if state != ImportComplete && state != ImportFailed {
		return enumError("finished import state", string(state), "complete", "failed")
	}
	q := s.db.NewUpdate().Model((*Import)(nil)).Set("state = ?", state).Set("error = ?", errMsg).
		Set("finished_at = ?", dbTime(at)).Set("heartbeat_at = ?", dbTime(at))
	if rowsTotal != nil {
		q = q.Set("rows_total = ?", *rowsTotal)
	}
	res, err := q.Where("id = ?", id).Where("state = ?", ImportRunning).Exec(ctx)
	what := fmt.Sprintf("finish import %d as %s", id, state)
	if err != nil {
		return s.wrapErr(err, what)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%s: it is not running: %w", what, ErrConflict)
	}
	return nil
}

// ImportRejects returns up to limit of the rows import id rejected, in
// input order.
func (s *conn) ImportRejects(ctx context.Context, id ID, limit int) ([]*ImportReject, error) {
	out := []*ImportReject{}
	err := s.reads().NewSelect().Model(&out).Where("ir.import_id = ?", id).Order("ir.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("rejected rows of import %d", id))
	}
	return out, nil
}

// SetImportJob records that job jobID runs import id.
func (s *conn) SetImportJob(ctx context.Context, id ID, jobID int64) error {
	res, err := s.db.NewUpdate().Model((*Import)(nil)).Set("job_id = ?", jobID).Where("id = ?", id).Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("job of import %d", id))
}
