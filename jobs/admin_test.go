package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"activelab/auth"
	"activelab/ident"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// cancelGate is a gate that also records what CancelJob asked it to settle.
type cancelGate struct {
	*gate
	mu      sync.Mutex
	settled []string // "kind: reason"
}

func (g *cancelGate) JobCancelled(_ context.Context, args any, reason string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	kind := "?"
	if a, ok := args.(interface{ Kind() string }); ok {
		kind = a.Kind()
	}
	g.settled = append(g.settled, kind+": "+reason)
	return nil
}

func (g *cancelGate) settledList() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.settled...)
}

// TestCancelRunningJob: cancelling a running retrain asks its worker to
// stop (RUNNING with CancelRequested at once), the Canceller settles its
// cycle with a reason naming who cancelled, the worker's context ends and
// the job ends cancelled, counted as such; cancelling it again, or any
// finished job, is ErrJobFinished (a conflict); an unknown job is not found.
func TestCancelRunningJob(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			st := open(t)
			ada := storetest.User(ctx, t, st, &store.User{Name: "Ada", Role: store.RoleAdmin})
			g := &cancelGate{gate: newGate()}
			var logs syncBuffer
			c, err := jobs.NewClient(st, g, jobs.Config{PollInterval: 20 * time.Millisecond, Log: discard(&logs)})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = c.Stop(context.Background()) })
			cycle7 := ident.New()
			id := enqueueRetrain(ctx, t, st, c, cycle7)
			waitStarted(ctx, t, g.gate)

			j, err := c.CancelJob(ctx, ada, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State != rivertype.JobStateRunning || !j.CancelRequested || j.Args != (jobs.RetrainModelArgs{CycleID: cycle7}) {
				t.Errorf("cancel of a running job = %s, requested %v, args %#v; want running, requested, retrain of cycle 7", j.State, j.CancelRequested, j.Args)
			}
			if got := g.settledList(); len(got) != 1 || got[0] != "retrain_model: retrain_model job "+itoa(id)+" cancelled by admin Ada" {
				t.Errorf("settled = %q", got)
			}
			err = c.WaitJob(ctx, id)
			if err == nil || !strings.Contains(err.Error(), "cancelled") {
				t.Fatalf("the cancelled job ended with %v; want cancelled", err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for counter(t, c.Metrics(), "activelab_job_attempts_total", "retrain_model", jobs.OutcomeCancelled) != 1 {
				if time.Now().After(deadline) {
					t.Fatal("the cancelled attempt was not counted as cancelled")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if _, err := c.CancelJob(ctx, ada, id); !errors.Is(err, jobs.ErrJobFinished) || !errors.Is(err, store.ErrConflict) {
				t.Errorf("second cancel: %v; want ErrJobFinished (a conflict)", err)
			}
			if _, err := c.CancelJob(ctx, ada, id+1000); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("cancel of an unknown job: %v; want not found", err)
			}
			if n := len(g.settledList()); n != 1 {
				t.Errorf("refused cancels settled %d more jobs", n-1)
			}
		})
	}
}

// TestListAndCancelQueuedJobs: ListJobs pages newest first with cursors
// that continue where the last page ended, filters by kind and state, and
// refuses bad arguments by name; a queued job is cancelled at once and its
// work settled.
func TestListAndCancelQueuedJobs(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			st := open(t)
			ada := storetest.User(ctx, t, st, &store.User{Name: "Ada", Role: store.RoleAdmin})
			g := &cancelGate{gate: newGate()}
			c, err := jobs.NewClient(st, g, jobs.Config{InsertOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64                // oldest first
			targets := make([]store.ID, 5) // each job's cycle or model
			for i := range targets {
				targets[i] = ident.New()
			}
			for i := range 5 {
				err := st.InTx(ctx, func(tx *store.Tx) error {
					var id int64
					var err error
					if i%2 == 0 {
						id, err = c.EnqueueRetrainModel(ctx, tx, targets[i])
					} else {
						id, err = c.EnqueueTrainModel(ctx, tx, targets[i])
					}
					ids = append(ids, id)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			var seen []int64
			after := ""
			for page := 0; ; page++ {
				p, err := c.ListJobs(ctx, ada, jobs.JobFilter{First: 2, After: after})
				if err != nil {
					t.Fatal(err)
				}
				for _, j := range p.Jobs {
					seen = append(seen, j.ID)
				}
				if wantMore := page < 2; p.HasNextPage != wantMore || len(p.Jobs) == 0 {
					t.Fatalf("page %d: %d jobs, next %v", page, len(p.Jobs), p.HasNextPage)
				}
				if !p.HasNextPage {
					break
				}
				after = jobs.JobCursor(p.Jobs[len(p.Jobs)-1].ID)
			}
			want := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
			if len(seen) != 5 || seen[0] != want[0] || seen[4] != want[4] || seen[2] != want[2] {
				t.Errorf("pages = %v; want %v", seen, want)
			}

			trains, err := c.ListJobs(ctx, ada, jobs.JobFilter{Kind: "train_model", First: 10})
			if err != nil || len(trains.Jobs) != 2 || trains.Jobs[0].Args != (jobs.TrainModelArgs{ModelID: targets[3]}) || trains.HasNextPage {
				t.Fatalf("train_model jobs = %+v, %v", trains, err)
			}
			j, err := c.CancelJob(ctx, ada, ids[0])
			if err != nil || j.State != rivertype.JobStateCancelled || j.FinalizedAt == nil {
				t.Fatalf("cancel of a queued job = %+v, %v; want cancelled at once", j, err)
			}
			if got := g.settledList(); len(got) != 1 || !strings.HasPrefix(got[0], "retrain_model: ") {
				t.Errorf("settled = %q", got)
			}
			cancelled, err := c.ListJobs(ctx, ada, jobs.JobFilter{State: rivertype.JobStateCancelled, First: 10})
			if err != nil || len(cancelled.Jobs) != 1 || cancelled.Jobs[0].ID != ids[0] {
				t.Errorf("cancelled jobs = %+v, %v", cancelled, err)
			}
			available, err := c.ListJobs(ctx, ada, jobs.JobFilter{State: rivertype.JobStateAvailable, Kind: "retrain_model", First: 10})
			if err != nil || len(available.Jobs) != 2 {
				t.Errorf("available retrains = %+v, %v; want 2", available, err)
			}

			for _, bad := range []struct {
				f     jobs.JobFilter
				field string
			}{
				{jobs.JobFilter{First: 0}, "first"},
				{jobs.JobFilter{First: jobs.MaxJobPage + 1}, "first"},
				{jobs.JobFilter{First: 5, Kind: "retrain"}, "kind"},
				{jobs.JobFilter{First: 5, State: "stuck"}, "state"},
				{jobs.JobFilter{First: 5, After: "bm90IGEgY3Vyc29y"}, "after"},
				{jobs.JobFilter{First: 5, After: "%%%"}, "after"},
			} {
				var ie *jobs.InputError
				_, err := c.ListJobs(ctx, ada, bad.f)
				if !errors.As(err, &ie) || ie.Field != bad.field || !errors.Is(err, store.ErrInvalid) {
					t.Errorf("ListJobs(%+v) = %v; want an InputError on %s", bad.f, err, bad.field)
				}
			}
		})
	}
}

// discard logs River and the jobs to logs at INFO.
func discard(logs *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// TestJobAdminNeedsAdmin: listing and cancelling jobs are admin
// operations, checked by the client itself (auth.RequireRole): a viewer or
// a scientist gets *auth.ForbiddenError naming the operation, and the job
// they tried to cancel is untouched.
func TestJobAdminNeedsAdmin(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			st := open(t)
			c, err := jobs.NewClient(st, &cancelGate{gate: newGate()}, jobs.Config{InsertOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				id, err = c.EnqueueRetrainModel(ctx, tx, ident.New())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			for _, role := range []store.Role{store.RoleViewer, store.RoleScientist} {
				u := storetest.User(ctx, t, st, &store.User{Role: role})
				for _, op := range []struct {
					name string
					call func() error
				}{
					{"jobs", func() error { _, err := c.ListJobs(ctx, u, jobs.JobFilter{First: 10}); return err }},
					{"cancelJob", func() error { _, err := c.CancelJob(ctx, u, id); return err }},
				} {
					var fe *auth.ForbiddenError
					if err := op.call(); !errors.As(err, &fe) || fe.Operation != op.name || fe.Need != store.RoleAdmin || fe.Have != role {
						t.Errorf("%s as %s: error %v, want *auth.ForbiddenError{%s, admin, %s}", op.name, role, err, op.name, role)
					}
				}
			}
			j, err := c.Job(ctx, id)
			if err != nil || j.State != rivertype.JobStateAvailable || j.CancelRequested {
				t.Errorf("job after refused cancels: %+v, %v; want it available", j, err)
			}
		})
	}
}
