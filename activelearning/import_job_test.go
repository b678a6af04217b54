package activelearning_test

import (
	"errors"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// TestImportJob: an import over the inline limit runs as a job; its
// submitter (and an admin, not another scientist) follows it from queued
// to complete, and the report names the rejected row; a job that is not an
// import is not found.
func TestImportJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		rec := &jobs.Recorder{}
		svc := activelearning.New(e.st, nil, activelearning.Config{InlineImportLimit: 5}, nil)
		svc.SetJobs(rec)
		in := activelearning.ImportInput{SetName: "big", Endpoint: "logS"}
		data := readESOL(t)
		for i, r := range data[150:160] {
			v := r.Value
			in.Rows = append(in.Rows, ingest.Row{Line: i + 2, SMILES: r.SMILES, Name: r.Name, Value: &v})
		}
		in.Rows = append(in.Rows, ingest.Row{Line: 12, SMILES: "C1CC(", Name: "broken"})
		rep, err := svc.ImportCompounds(e.ctx, e.sci, in)
		if err != nil || rep.JobID == 0 || rep.Rows != 11 {
			t.Fatalf("import: %+v, %v; want a job for 11 rows", rep, err)
		}
		j, err := svc.ImportJob(e.ctx, e.sci, rep.JobID)
		if err != nil || j.State != jobs.StateQueued || j.Report != nil {
			t.Fatalf("before the job runs: %+v, %v", j, err)
		}
		if _, err := svc.ImportJob(e.ctx, e.sci2, rep.JobID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another scientist: %v, want not found", err)
		}
		if err := rec.Run(e.ctx, svc); err != nil {
			t.Fatal(err)
		}
		for _, who := range []*store.User{e.sci, e.admin} {
			j, err = svc.ImportJob(e.ctx, who, rep.JobID)
			if err != nil || j.State != jobs.StateComplete || j.Fraction != 1 || j.Report == nil {
				t.Fatalf("after the job, as %s: %+v, %v", who.Role, j, err)
			}
		}
		r := j.Report
		if r.Rows != 11 || r.Created+r.Existing != 10 || r.Measurements == 0 || r.SetID == store.NilID || r.JobID != rep.JobID ||
			len(r.Errors) != 1 || r.Errors[0].Row != 12 || r.Errors[0].Column != "smiles" {
			t.Errorf("report %+v", r)
		}
		// A job that is not an import: a model training.
		m, err := svc.CreateModel(e.ctx, e.admin, activelearning.CreateModelInput{Name: "m", Endpoint: "logS", Task: store.TaskRegression,
			Members: 4, TrainingSetID: e.trainSet, Split: activelearning.SplitInput{Kind: "random", Fraction: 0.2}})
		if err != nil {
			t.Fatal(err)
		}
		pending := rec.Pending()
		if len(pending) != 1 || pending[0].Arg != m.ID {
			t.Fatalf("pending %+v", pending)
		}
		if _, err := svc.ImportJob(e.ctx, e.admin, pending[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a train job as an import: %v, want not found", err)
		}
		if _, err := svc.ImportJob(e.ctx, e.admin, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown job: %v, want not found", err)
		}
	})
}
