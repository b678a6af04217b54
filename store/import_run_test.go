package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestImportRecord checks the import record (issue 11, part 6): steps
// commit with the transaction that wrote their rows (a rolled-back step
// leaves no trace), a step from a stale position is refused, resume and
// finish are guarded, and the record reads back by id, job, set and
// digest with its rejected rows in order.
func TestImportRecord(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		set := &store.CompoundSet{Name: fmt.Sprintf("imports-%d", time.Now().UnixNano()), Kind: store.SetPool}
		if err := st.CreateCompoundSet(ctx, set); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
		imp := &store.Import{SetID: &set.ID, UserID: &u.ID, Via: store.ImportViaCLI, File: "a.csv", Digest: "d1", Attempts: 1, StartedAt: t0}
		if err := st.CreateImport(ctx, imp); err != nil {
			t.Fatal(err)
		}
		if imp.State != store.ImportRunning || imp.Attempts != 1 || !imp.HeartbeatAt.Equal(t0) {
			t.Fatalf("created import = %+v", imp)
		}
		if err := st.CreateImport(ctx, &store.Import{Via: "carrier pigeon"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateImport(unknown via) = %v, want ErrInvalid", err)
		}
		off := 3
		step1 := store.ImportStep{Rows: 500, LastRow: 500, Created: 480, Existing: 18, Measurements: 470, Rejected: 2,
			Rejects: []*store.ImportReject{{Row: 7, Column: "smiles", Reason: "bad", Offset: &off}, {Row: 9, Column: "value", Reason: "huge"}},
			At:      t0.Add(time.Second)}
		var c *store.Compound
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			c = &store.Compound{CanonicalSMILES: "CCOCCOCCO", InputSMILES: "CCOCCOCCO"}
			if err := tx.CreateCompound(ctx, c); err != nil {
				return err
			}
			return tx.AdvanceImport(ctx, imp.ID, 0, step1)
		}); err != nil {
			t.Fatal(err)
		}
		// A step whose transaction rolls back: neither its rows nor its counts.
		boom := errors.New("killed")
		err := st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCompound(ctx, &store.Compound{CanonicalSMILES: "CCOCCOCCOCCO", InputSMILES: "CCOCCOCCOCCO"}); err != nil {
				return err
			}
			if err := tx.AdvanceImport(ctx, imp.ID, 500, store.ImportStep{Rows: 500, LastRow: 1000, Created: 500, At: t0}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rolled-back step: %v", err)
		}
		if _, err := st.CompoundBySMILES(ctx, "CCOCCOCCOCCO"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("compound of the rolled-back step: %v, want ErrNotFound", err)
		}
		got, err := st.ImportByID(ctx, imp.ID)
		if err != nil || got.RowsDone != 500 || got.LastRow != 500 || got.Created != 480 || got.Existing != 18 ||
			got.Measurements != 470 || got.Rejected != 2 || !got.HeartbeatAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("after one step and a rolled-back one: %+v, %v", got, err)
		}
		// A second process that read the record before the step is refused.
		if err := st.AdvanceImport(ctx, imp.ID, 0, store.ImportStep{Rows: 1, LastRow: 1, At: t0}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("AdvanceImport from a stale position = %v, want ErrConflict", err)
		}
		if err := st.TouchImport(ctx, imp.ID, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if un, err := st.UnfinishedImport(ctx, "d1"); err != nil || un.ID != imp.ID || !un.HeartbeatAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("UnfinishedImport(d1) = %+v, %v", un, err)
		}
		if _, err := st.UnfinishedImport(ctx, "other"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UnfinishedImport(other) = %v, want ErrNotFound", err)
		}
		// Resume: once per attempt count.
		if err := st.ResumeImport(ctx, imp.ID, 1, t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := st.ResumeImport(ctx, imp.ID, 1, t0.Add(2*time.Minute)); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second ResumeImport at attempt 1 = %v, want ErrConflict", err)
		}
		if err := st.AdvanceImport(ctx, imp.ID, 500, store.ImportStep{Rows: 3, LastRow: 503, Created: 3, At: t0}); err != nil {
			t.Fatal(err)
		}
		total := 503
		if err := st.FinishImport(ctx, imp.ID, store.ImportComplete, "", &total, t0.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := st.FinishImport(ctx, imp.ID, store.ImportFailed, "late", nil, t0); !errors.Is(err, store.ErrConflict) {
			t.Errorf("FinishImport of a complete import = %v, want ErrConflict", err)
		}
		if err := st.AdvanceImport(ctx, imp.ID, 503, store.ImportStep{Rows: 1, At: t0}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("AdvanceImport of a complete import = %v, want ErrConflict", err)
		}
		if _, err := st.UnfinishedImport(ctx, "d1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UnfinishedImport after completion = %v, want ErrNotFound", err)
		}
		got, _ = st.ImportByID(ctx, imp.ID)
		if got.State != store.ImportComplete || got.Attempts != 2 || got.RowsDone != 503 || got.Created != 483 ||
			got.RowsTotal == nil || *got.RowsTotal != 503 || got.FinishedAt == nil || !got.FinishedAt.Equal(t0.Add(3*time.Minute)) {
			t.Errorf("finished import = %+v", got)
		}
		rej, err := st.ImportRejects(ctx, imp.ID, 10)
		if err != nil || len(rej) != 2 || rej[0].Row != 7 || rej[0].Offset == nil || *rej[0].Offset != 3 || rej[1].Row != 9 || rej[1].Offset != nil {
			t.Errorf("rejects = %+v, %v", rej, err)
		}
		// Job and set lookups.
		job := &store.Import{Via: store.ImportViaJob, SetID: &set.ID}
		if err := st.CreateImport(ctx, job); err != nil {
			t.Fatal(err)
		}
		if err := st.SetImportJob(ctx, job.ID, 4242); err != nil {
			t.Fatal(err)
		}
		if j, err := st.ImportByJobID(ctx, 4242); err != nil || j.ID != job.ID {
			t.Errorf("ImportByJobID = %+v, %v", j, err)
		}
		if err := st.FinishImport(ctx, job.ID, store.ImportFailed, "disk full", nil, t0); err != nil {
			t.Fatal(err)
		}
		list, err := st.ImportsBySet(ctx, set.ID, 10)
		if err != nil || len(list) != 2 || list[0].ID != job.ID || list[1].ID != imp.ID || list[0].Error != "disk full" {
			t.Errorf("ImportsBySet = %+v, %v; want the job's first", list, err)
		}
		if _, err := st.ImportByID(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ImportByID(unknown) = %v, want ErrNotFound", err)
		}
	})
}
