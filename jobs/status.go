package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"activelab/store"
)

// The states of a job as its submitter sees them.
const (
	StateQueued   = "queued"   // waiting for a worker (or for its next attempt)
	StateRunning  = "running"  // a worker has it
	StateComplete = "complete" // finished; Output holds its result
	StateFailed   = "failed"   // gave up (attempts exhausted or cancelled); Error says why
)

// Status is a job as its submitter sees it.
type Status struct {
	ID   int64
	Kind string
	// State is StateQueued, StateRunning, StateComplete or StateFailed.
	State string
	// Args are the job's arguments as JSON (an import's payload is in
	// ImportCompoundsArgs.Payload).
	Args json.RawMessage
	// Output is an Output envelope: progress while the job runs, the
	// result once it is complete (nil before the first progress).
	Output json.RawMessage
	// Error is the last failed attempt's error ("" when none failed).
	Error string
}

// Output is what a job records as it goes: Progress while it runs (stage,
// fraction done, message), then Result (the job's own JSON) when done.
type Output struct {
	Progress *ProgressOutput `json:"progress,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
}

// ProgressOutput is a job's last reported progress.
type ProgressOutput struct {
	Stage    string  `json:"stage"`
	Fraction float64 `json:"fraction"`
	Message  string  `json:"message"`
}

// JobStatus returns job id's status; an unknown id wraps store.ErrNotFound.
func (c *Client) JobStatus(ctx context.Context, id int64) (*Status, error) {
	j, err := c.river.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return nil, fmt.Errorf("job %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("job %d: %w", id, err)
	}
	st := &Status{ID: j.ID, Kind: j.Kind, Args: j.EncodedArgs, Output: j.Output()}
	switch j.State {
	case rivertype.JobStateRunning:
		st.State = StateRunning
	case rivertype.JobStateCompleted:
		st.State = StateComplete
	case rivertype.JobStateDiscarded, rivertype.JobStateCancelled:
		st.State = StateFailed
	default: // available, pending, scheduled, retryable
		st.State = StateQueued
	}
	if n := len(j.Errors); n > 0 {
		st.Error = j.Errors[n-1].Error
	}
	return st, nil
}
