package activelearning_test

import (
	"context"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// resumeInput is the 160 ESOL rows with their values, one of them
// measuring another row's compound again, a row the reader rejected and a
// bad SMILES, in file order.
func resumeInput(t *testing.T) activelearning.ImportInput {
	t.Helper()
	in := activelearning.ImportInput{SetName: "resumed", Endpoint: "logS", File: "esol160.csv"}
	for i, r := range readESOL(t) {
		v := r.Value
		in.Rows = append(in.Rows, ingest.Row{Line: i + 1, SMILES: r.SMILES, Name: r.Name, Value: &v})
	}
	in.Rows[40].SMILES = "C1CC("           // row 41
	in.Rows[99].SMILES = in.Rows[4].SMILES // row 100 measures row 5's compound again
	in.Rows = append(in.Rows[:70], in.Rows[71:]...)
	in.Errors = []ingest.RowError{{Row: 71, Column: "value", Reason: `value "high" is not a number`}}
	return in
}

// counts reads what the database holds: compounds, measurements, members
// of the set. On a fresh database the import made them all, so they are
// what it created (each compound once in the set).
func counts(t *testing.T, st *store.Store, setID store.ID) (compounds, measurements, members int) {
	t.Helper()
	ctx := t.Context()
	c, err1 := st.DB().NewSelect().Table("compounds").Count(ctx)
	m, err2 := st.DB().NewSelect().Table("measurements").Count(ctx)
	s, err3 := st.DB().NewSelect().Table("compound_set_members").Where("set_id = ?", setID).Count(ctx)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return int(c), int(m), int(s)
}

// TestImportJobResumedAfterKill (issue 11, part 6): an import job stopped
// after three of its transactions (the worker's context ends, as when its
// process is killed and River later rescues the job) leaves a record that
// says exactly what was applied (its counts are the rows in the database)
// and reads as INTERRUPTED once its heartbeat is stale; the retried job
// resumes after the last applied row and its report equals that of the
// same import run without interruption on a fresh database: the compounds
// created by the first attempt count as created, not existing (before,
// a resumed job reported 12,149 of 20,051 new compounds as created).
func TestImportJobResumedAfterKill(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		const chunk = 20
		newSvc := func() (*store.Store, *activelearning.Service, *jobs.Recorder, *store.User, *clock) {
			st := open(t)
			clk := &clock{t: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)}
			svc := activelearning.New(st, nil, activelearning.Config{InlineImportLimit: 50, ImportChunk: chunk, Now: clk.Now}, nil)
			rec := &jobs.Recorder{}
			svc.SetJobs(rec)
			return st, svc, rec, storetest.User(t.Context(), t, st, &store.User{Role: store.RoleScientist}), clk
		}
		ctx := t.Context()

		// The reference: the same import, never interrupted.
		_, refSvc, refRec, refSci, _ := newSvc()
		refRep, err := refSvc.ImportCompounds(ctx, refSci, resumeInput(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := refRec.Run(ctx, refSvc); err != nil {
			t.Fatal(err)
		}
		ref, err := refSvc.ImportJob(ctx, refSci, refRep.JobID)
		if err != nil || ref.Report == nil || ref.Report.Created == 0 || ref.Report.Existing == 0 || len(ref.Report.Errors) != 2 {
			t.Fatalf("reference import: %+v, %+v, %v", ref, ref.Report, err)
		}

		st, svc, rec, sci, clk := newSvc()
		rep, err := svc.ImportCompounds(ctx, sci, resumeInput(t))
		if err != nil || rep.JobID == 0 || rep.ImportID == store.NilID {
			t.Fatalf("import: %+v, %v; want a job", rep, err)
		}
		job := rec.Pending()[0]
		// First attempt: killed after its third transaction committed.
		killed, kill := context.WithCancel(ctx)
		commits := 0
		_, err = svc.RunImport(killed, job.Payload, func(string, float64, string) {
			if commits++; commits == 3 {
				kill()
			}
		})
		if err == nil || killed.Err() == nil {
			t.Fatalf("killed attempt returned %v", err)
		}
		imp, err := svc.Import(ctx, sci, rep.ImportID)
		if err != nil {
			t.Fatal(err)
		}
		compounds, measurements, members := counts(t, st, rep.SetID)
		if imp.State != store.ImportRunning || imp.RowsDone != 3*chunk || imp.LastRow != 3*chunk || imp.Attempts != 1 ||
			imp.Created != compounds || imp.Measurements != measurements || members != imp.Created ||
			imp.Rejected != 1 || imp.RowsTotal == nil || *imp.RowsTotal != 160 {
			t.Fatalf("after the kill: record %+v; database: %d compounds, %d measurements, %d set members", imp, compounds, measurements, members)
		}
		if got := svc.ImportRunState(imp); got != activelearning.ImportStateRunning {
			t.Errorf("state right after the kill = %s, want RUNNING (its heartbeat is fresh)", got)
		}
		clk.Advance(2 * time.Minute)
		if got := svc.ImportRunState(imp); got != activelearning.ImportStateInterrupted {
			t.Errorf("state 2 minutes after the kill = %s, want INTERRUPTED", got)
		}
		j, err := svc.ImportJob(ctx, sci, rep.JobID)
		if err != nil || j.Import == nil || j.Import.RowsDone != 3*chunk || j.Import.Created != compounds {
			t.Fatalf("importJob after the kill: %+v, %v", j, err)
		}

		// River retries the job: it resumes and completes.
		if err := rec.Run(ctx, svc); err != nil {
			t.Fatal(err)
		}
		j, err = svc.ImportJob(ctx, sci, rep.JobID)
		if err != nil || j.State != jobs.StateComplete || j.Report == nil || j.Import == nil {
			t.Fatalf("after the retry: %+v, %v", j, err)
		}
		got, want := j.Report, ref.Report
		if got.Rows != want.Rows || got.Created != want.Created || got.Existing != want.Existing ||
			got.Measurements != want.Measurements || len(got.Errors) != len(want.Errors) ||
			got.Errors[0].Row != 41 || got.Errors[1].Row != 71 || got.LastRow != 160 {
			t.Errorf("resumed report %+v\nwant as uninterrupted %+v", got, want)
		}
		if j.Import.State != store.ImportComplete || j.Import.Attempts != 2 || svc.ImportRunState(j.Import) != activelearning.ImportStateComplete {
			t.Errorf("record after the retry: %+v", j.Import)
		}
		compounds, measurements, _ = counts(t, st, rep.SetID)
		if compounds != got.Created || measurements != got.Measurements {
			t.Errorf("database: %d compounds, %d measurements; report %d, %d", compounds, measurements, got.Created, got.Measurements)
		}
	})
}
