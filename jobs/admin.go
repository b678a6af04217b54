package jobs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"activelab/auth"
	"activelab/store"
)

// Job is a background job as an admin sees it (the jobs query): River's
// row, its arguments decoded, and whether an admin asked to cancel it.
type Job struct {
	*rivertype.JobRow
	// Args are the job's decoded arguments: TrainModelArgs,
	// RetrainModelArgs, SelectSamplesArgs, ScoreShardArgs or
	// ImportCompoundsArgs (its payload left out); nil for a kind ActiveLab
	// does not know.
	Args river.JobArgs
	// CancelRequested is set once CancelJob asked a running job to stop:
	// River cancels its context and marks it cancelled when it returns.
	CancelRequested bool
}

// JobFilter selects and pages the jobs ListJobs returns, newest first.
type JobFilter struct {
	// Kind is one of Kinds(), or "" for all.
	Kind string
	// State is one of River's states (rivertype.JobStates()), or "" for all.
	State rivertype.JobState
	// First is the page size, 1 to MaxJobPage.
	First int
	// After is the cursor (JobCursor) of the previous page's last job, or "".
	After string
}

// MaxJobPage is the largest page ListJobs returns.
const MaxJobPage = 100

// JobPage is one page of jobs, newest first.
type JobPage struct {
	Jobs []*Job
	// HasNextPage reports that jobs older than the page's last match too.
	HasNextPage bool
}

// JobCursor is the opaque cursor of job id in a ListJobs page.
func JobCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("job:" + strconv.FormatInt(id, 10)))
}

// parseJobCursor reads a JobCursor.
func parseJobCursor(s string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, err
	}
	id, ok := strings.CutPrefix(string(raw), "job:")
	if !ok {
		return 0, errors.New("not a job cursor")
	}
	return strconv.ParseInt(id, 10, 64)
}

// InputError is an argument of ListJobs that cannot be used; it wraps
// store.ErrInvalid, and Field names the argument.
type InputError struct {
	Field string
	Msg   string
}

func (e *InputError) Error() string      { return e.Field + ": " + e.Msg }
func (e *InputError) Unwrap() error      { return store.ErrInvalid }
func (e *InputError) InputField() string { return e.Field }

// ErrJobFinished is CancelJob's error for a job that has already finished
// (completed, cancelled or discarded): there is nothing to cancel. It
// wraps store.ErrConflict.
var ErrJobFinished = fmt.Errorf("the job has already finished: %w", store.ErrConflict)

// ListJobs returns a page of River's jobs, newest first (by id), filtered
// by kind and state, with River's JobList (which both drivers implement).
// Jobs River has deleted (completed and cancelled ones after a day,
// discarded ones after a week) are not listed. Only admins list jobs
// (actor below admin: *auth.ForbiddenError).
func (c *Client) ListJobs(ctx context.Context, actor *store.User, f JobFilter) (*JobPage, error) {
	if err := auth.RequireRole(actor, "jobs", store.RoleAdmin); err != nil {
		return nil, err
	}
	if f.First < 1 || f.First > MaxJobPage {
		return nil, &InputError{Field: "first", Msg: fmt.Sprintf("%d: want 1 to %d", f.First, MaxJobPage)}
	}
	// One more than the page tells whether there is a next one.
	p := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(f.First + 1)
	if f.Kind != "" {
		if !slices.Contains(Kinds(), f.Kind) {
			return nil, &InputError{Field: "kind", Msg: fmt.Sprintf("%q is not a job kind (kinds: %s)", f.Kind, strings.Join(Kinds(), ", "))}
		}
		p = p.Kinds(f.Kind)
	}
	if f.State != "" {
		if !slices.Contains(rivertype.JobStates(), f.State) {
			return nil, &InputError{Field: "state", Msg: fmt.Sprintf("%q is not a job state", f.State)}
		}
		p = p.States(f.State)
	}
	if f.After != "" {
		id, err := parseJobCursor(f.After)
		if err != nil {
			return nil, &InputError{Field: "after", Msg: "not a cursor of the jobs list"}
		}
		p = p.Where("id < @after_id", river.NamedArgs{"after_id": id})
	}
	res, err := c.river.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	rows := res.Jobs
	out := &JobPage{HasNextPage: len(rows) > f.First}
	if out.HasNextPage {
		rows = rows[:f.First]
	}
	out.Jobs = make([]*Job, len(rows))
	for i, row := range rows {
		out.Jobs[i] = newJob(row)
	}
	return out, nil
}

// Job returns job id; an unknown id wraps store.ErrNotFound.
func (c *Client) Job(ctx context.Context, id int64) (*Job, error) {
	row, err := c.river.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return nil, fmt.Errorf("job %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("job %d: %w", id, err)
	}
	return newJob(row), nil
}

// CancelJob cancels job id with River's client: a queued job (available,
// scheduled, retryable, pending) is cancelled at once and never runs; a
// running one is asked to stop (River cancels its context, through NOTIFY
// on PostgreSQL or its poll every 2 s on SQLite) and is marked cancelled
// when its worker returns, without a retry. Then the client's Canceller
// (the service) settles the job's work with a reason naming actor ("admin
// Ada"). Only admins cancel jobs (actor below admin: *auth.ForbiddenError).
// A finished job answers ErrJobFinished, an unknown id store.ErrNotFound.
func (c *Client) CancelJob(ctx context.Context, actor *store.User, id int64) (*Job, error) {
	if err := auth.RequireRole(actor, "cancelJob", store.RoleAdmin); err != nil {
		return nil, err
	}
	by := "admin " + actor.Name
	cur, err := c.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	if finished(cur.State) {
		return nil, fmt.Errorf("cancel job %d (%s, %s): %w", id, cur.Kind, cur.State, ErrJobFinished)
	}
	row, err := c.river.JobCancel(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return nil, fmt.Errorf("cancel job %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("cancel job %d: %w", id, err)
	}
	if row.State != rivertype.JobStateCancelled && finished(row.State) {
		// It finished between the read and the cancel.
		return nil, fmt.Errorf("cancel job %d (%s, %s): %w", id, row.Kind, row.State, ErrJobFinished)
	}
	c.log.Info("job cancel requested", "job_id", row.ID, "kind", row.Kind, "state", string(row.State), "by", by)
	j := newJob(row)
	if c.canceller != nil && j.Args != nil {
		reason := fmt.Sprintf("%s job %d cancelled by %s", row.Kind, row.ID, by)
		if err := c.canceller.JobCancelled(ctx, j.Args, reason); err != nil {
			return nil, fmt.Errorf("cancel job %d: %w", id, err)
		}
	}
	return j, nil
}

func finished(s rivertype.JobState) bool {
	return s == rivertype.JobStateCompleted || s == rivertype.JobStateCancelled || s == rivertype.JobStateDiscarded
}

// newJob decodes row's arguments and cancellation request.
func newJob(row *rivertype.JobRow) *Job {
	j := &Job{JobRow: row}
	var meta struct {
		CancelAttemptedAt *string `json:"cancel_attempted_at"`
	}
	if json.Unmarshal(row.Metadata, &meta) == nil && meta.CancelAttemptedAt != nil {
		j.CancelRequested = true
	}
	decode := func(a river.JobArgs) river.JobArgs {
		if json.Unmarshal(row.EncodedArgs, a) != nil {
			return nil
		}
		return a
	}
	switch row.Kind {
	case TrainModelArgs{}.Kind():
		if a, ok := decode(&TrainModelArgs{}).(*TrainModelArgs); ok {
			j.Args = *a
		}
	case RetrainModelArgs{}.Kind():
		if a, ok := decode(&RetrainModelArgs{}).(*RetrainModelArgs); ok {
			j.Args = *a
		}
	case SelectSamplesArgs{}.Kind():
		if a, ok := decode(&SelectSamplesArgs{}).(*SelectSamplesArgs); ok {
			j.Args = *a
		}
	case ScoreShardArgs{}.Kind():
		if a, ok := decode(&ScoreShardArgs{}).(*ScoreShardArgs); ok {
			j.Args = *a
		}
	case ImportCompoundsArgs{}.Kind():
		j.Args = ImportCompoundsArgs{} // the payload (every row) is not for a listing
	}
	return j
}
