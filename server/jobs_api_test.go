package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"activelab/jobs"
	"activelab/store"
)

const jobsQuery = `query Jobs($kind: String, $state: BackgroundJobState, $first: Int, $after: String) {
  jobs(kind: $kind, state: $state, first: $first, after: $after) {
    edges { cursor node { id kind queue state attempt maxAttempts errors { at attempt error } createdAt scheduledAt attemptedAt finalizedAt cancelRequested cycle { id status } model { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`

const cancelJobMutation = `mutation Cancel($id: JobID!) { cancelJob(input: {id: $id}) { job { id kind state cancelRequested finalizedAt cycle { id status error } } } }`

type jobNode struct {
	ID, Kind, Queue, State   string
	Attempt, MaxAttempts     int
	Errors                   []struct{ Error string }
	AttemptedAt, FinalizedAt *string
	CancelRequested          bool
	Cycle                    *struct{ ID, Status, Error string }
	Model                    *struct{ ID string }
}

type jobsPage struct {
	Jobs struct {
		Edges []struct {
			Cursor string
			Node   jobNode
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

// TestJobsAPI drives the admins' jobs query and cancelJob over HTTP on a
// server whose runtime works only the default queue, so that a retrain
// stays queued: the list shows the completed training and the queued
// retrain with their model and cycle, filters by kind and state and pages;
// cancelling the queued retrain cancels it and fails its cycle, which can
// then be retrained; a finished job is CONFLICT, an unknown one NOT_FOUND,
// a bad kind BAD_USER_INPUT; scientists and viewers are FORBIDDEN.
func TestJobsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupRuntime(t, open, func(rc *RuntimeConfig) { rc.Jobs.Queues = map[string]int{jobs.QueueDefault: 1} })
		a.admin, a.sci, a.view = a.user(store.RoleAdmin), a.user(store.RoleScientist), a.user(store.RoleViewer)
		a.adminT, a.sciT, a.vwT = a.token(a.admin), a.token(a.sci), a.token(a.view)
		a.importESOL(t)
		// A second client works the training queue while the model trains.
		trainer, err := jobs.NewClient(a.st, a.rt.Service, jobs.Config{Queues: map[string]int{jobs.QueueTraining: 1},
			PollInterval: 50 * time.Millisecond, Log: discardLogger()})
		if err != nil {
			t.Fatal(err)
		}
		if err := trainer.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		a.trainModel(t)
		if err := trainer.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		cycleID := a.selectBatch(t, 3)
		wantData(t, a.label(t, a.sciT, a.claim(t, a.sciT), -2.5), nil)
		retrain := `mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 1}) { cycle { status } } }`
		wantData(t, a.post(retrain, map[string]any{"c": cycleID}, bearer(a.adminT)), nil)

		for _, tok := range []string{a.sciT, a.vwT} {
			wantError(t, a.post(jobsQuery, nil, bearer(tok)), CodeForbidden, "requires role ADMIN")
			wantError(t, a.post(cancelJobMutation, map[string]any{"id": "1"}, bearer(tok)), CodeForbidden, "requires role ADMIN")
		}

		var all jobsPage
		wantData(t, a.post(jobsQuery, map[string]any{"first": 10}, bearer(a.adminT)), &all)
		byKind := map[string]jobNode{}
		for _, e := range all.Jobs.Edges {
			if _, seen := byKind[e.Node.Kind]; !seen {
				byKind[e.Node.Kind] = e.Node
			}
		}
		if len(all.Jobs.Edges) != 2 || all.Jobs.Edges[0].Node.Kind != "retrain_model" || all.Jobs.PageInfo.HasNextPage {
			t.Fatalf("jobs = %+v; want the retrain, then the training", all.Jobs)
		}
		var models struct{ Models []struct{ ID, Name string } }
		wantData(t, a.post(`{ models { id name } }`, nil, bearer(a.adminT)), &models)
		if len(models.Models) != 1 {
			t.Fatalf("models = %+v", models.Models)
		}
		modelID := models.Models[0].ID
		tr := byKind["train_model"]
		if tr.State != "COMPLETED" || tr.Queue != "training" || tr.Attempt != 1 || tr.FinalizedAt == nil || tr.AttemptedAt == nil ||
			len(tr.Errors) != 0 || tr.Cycle != nil || tr.Model == nil || tr.Model.ID != modelID {
			t.Errorf("train_model job = %+v; want completed on attempt 1, model %s, no cycle", tr, modelID)
		}
		re := byKind["retrain_model"]
		if re.State != "AVAILABLE" || re.Attempt != 0 || re.FinalizedAt != nil || re.CancelRequested ||
			re.Cycle == nil || re.Cycle.ID != cycleID || re.Cycle.Status != "TRAINING" || re.Model == nil || re.Model.ID != modelID {
			t.Errorf("retrain_model job = %+v; want available, cycle %s training, model %s", re, cycleID, modelID)
		}

		var page jobsPage
		wantData(t, a.post(jobsQuery, map[string]any{"first": 1}, bearer(a.adminT)), &page)
		if len(page.Jobs.Edges) != 1 || !page.Jobs.PageInfo.HasNextPage || page.Jobs.Edges[0].Node.ID != re.ID {
			t.Fatalf("first page = %+v", page.Jobs)
		}
		wantData(t, a.post(jobsQuery, map[string]any{"first": 1, "after": *page.Jobs.PageInfo.EndCursor}, bearer(a.adminT)), &page)
		if len(page.Jobs.Edges) != 1 || page.Jobs.PageInfo.HasNextPage || page.Jobs.Edges[0].Node.ID != tr.ID {
			t.Fatalf("second page = %+v", page.Jobs)
		}
		var filtered jobsPage
		wantData(t, a.post(jobsQuery, map[string]any{"kind": "train_model", "state": "AVAILABLE"}, bearer(a.adminT)), &filtered)
		if len(filtered.Jobs.Edges) != 0 {
			t.Errorf("available trainings = %+v; want none", filtered.Jobs.Edges)
		}
		wantError(t, a.post(jobsQuery, map[string]any{"kind": "retrain"}, bearer(a.adminT)), CodeBadUserInput, "not a job kind")
		wantError(t, a.post(jobsQuery, map[string]any{"first": 101}, bearer(a.adminT)), CodeBadUserInput)

		var cancelled struct {
			CancelJob struct{ Job jobNode }
		}
		wantData(t, a.post(cancelJobMutation, map[string]any{"id": re.ID}, bearer(a.adminT)), &cancelled)
		j := cancelled.CancelJob.Job
		if j.State != "CANCELLED" || j.FinalizedAt == nil || j.Cycle == nil || j.Cycle.Status != "FAILED" ||
			!strings.Contains(j.Cycle.Error, "cancelled by admin Test admin") {
			t.Errorf("cancelled retrain = %+v; want cancelled, its cycle failed with who cancelled it", j)
		}
		// The failed cycle can be retrained: nothing waits for the
		// cancelled job.
		var again struct {
			TriggerRetrain struct{ Cycle struct{ Status string } }
		}
		wantData(t, a.post(retrain, map[string]any{"c": cycleID}, bearer(a.adminT)), &again)
		if again.TriggerRetrain.Cycle.Status != "TRAINING" {
			t.Errorf("retrain after the cancel: %s", again.TriggerRetrain.Cycle.Status)
		}
		wantError(t, a.post(cancelJobMutation, map[string]any{"id": tr.ID}, bearer(a.adminT)), CodeConflict, "already finished")
		wantError(t, a.post(cancelJobMutation, map[string]any{"id": re.ID}, bearer(a.adminT)), CodeConflict, "already finished")
		wantError(t, a.post(cancelJobMutation, map[string]any{"id": "987654321"}, bearer(a.adminT)), CodeNotFound)
	})
}

// TestCancelSelectionJobAPI: an admin cancels a large selection's queued
// select_samples job over GraphQL; the job is CANCELLED and so is its
// cycle (not left SELECTING), with who cancelled it as its error; the
// cancelled cycle cannot be retrained; the lineage's next selection runs
// and queues its batch once a worker works the queue.
func TestCancelSelectionJobAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupRuntime(t, open, func(rc *RuntimeConfig) {
			rc.Jobs.Queues = map[string]int{jobs.QueueTraining: 1} // selections wait
			rc.Service.InlinePoolLimit = 10                        // the 80-compound pool is scored by a job
		})
		a.admin, a.sci = a.user(store.RoleAdmin), a.user(store.RoleScientist)
		a.adminT, a.sciT = a.token(a.admin), a.token(a.sci)
		a.importESOL(t)
		a.trainModel(t)
		cycleID := a.selectBatch(t, 3)
		cycleQuery := `query($id: ID!) { cycle(id: $id) { status error completedAt itemsSelected } }`
		type cycleData struct {
			Cycle struct {
				Status, Error string
				CompletedAt   *string
				ItemsSelected int
			}
		}
		var c cycleData
		wantData(t, a.post(cycleQuery, map[string]any{"id": cycleID}, bearer(a.adminT)), &c)
		if c.Cycle.Status != "SELECTING" {
			t.Fatalf("cycle of a large pool = %+v; want SELECTING", c.Cycle)
		}
		var list jobsPage
		wantData(t, a.post(jobsQuery, map[string]any{"kind": "select_samples"}, bearer(a.adminT)), &list)
		if len(list.Jobs.Edges) != 1 || list.Jobs.Edges[0].Node.State != "AVAILABLE" || list.Jobs.Edges[0].Node.Cycle == nil ||
			list.Jobs.Edges[0].Node.Cycle.ID != cycleID {
			t.Fatalf("select_samples jobs = %+v; want one available, of cycle %s", list.Jobs.Edges, cycleID)
		}
		var cancelled struct {
			CancelJob struct{ Job jobNode }
		}
		wantData(t, a.post(cancelJobMutation, map[string]any{"id": list.Jobs.Edges[0].Node.ID}, bearer(a.adminT)), &cancelled)
		j := cancelled.CancelJob.Job
		if j.State != "CANCELLED" || j.Cycle == nil || j.Cycle.Status != "CANCELLED" ||
			!strings.Contains(j.Cycle.Error, "cancelled by admin Test admin") {
			t.Errorf("cancelled selection job = %+v; want cancelled, its cycle cancelled with who cancelled it", j)
		}
		wantData(t, a.post(cycleQuery, map[string]any{"id": cycleID}, bearer(a.adminT)), &c)
		if c.Cycle.Status != "CANCELLED" || c.Cycle.CompletedAt == nil || c.Cycle.ItemsSelected != 0 {
			t.Errorf("cycle after the cancel = %+v", c.Cycle)
		}
		retrain := `mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 0}) { cycle { status } } }`
		wantError(t, a.post(retrain, map[string]any{"c": cycleID}, bearer(a.adminT)), CodeConflict, "cancelled")

		// A worker for selections: the next selection of the lineage runs.
		worker, err := jobs.NewClient(a.st, a.rt.Service, jobs.Config{Queues: map[string]int{jobs.QueueDefault: 1},
			PollInterval: 50 * time.Millisecond, Log: discardLogger()})
		if err != nil {
			t.Fatal(err)
		}
		if err := worker.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = worker.Stop(context.Background()) })
		next := a.selectBatch(t, 3)
		var n cycleData
		a.waitFor(t, "the next selection", func() bool {
			wantData(t, a.post(cycleQuery, map[string]any{"id": next}, bearer(a.adminT)), &n)
			return n.Cycle.Status != "SELECTING"
		})
		if n.Cycle.Status != "LABELING" || n.Cycle.ItemsSelected != 3 {
			t.Errorf("next selection = %+v; want LABELING with 3 items", n.Cycle)
		}
		wantData(t, a.post(cycleQuery, map[string]any{"id": cycleID}, bearer(a.adminT)), &c)
		if c.Cycle.Status != "CANCELLED" {
			t.Errorf("the cancelled cycle is %s now", c.Cycle.Status)
		}
	})
}
