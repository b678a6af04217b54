package activelearning

import (
	"context"
	"errors"
	"time"

	"activelab/store"
)

// Observer hears what the service did in this process, for metrics: the
// server's Prometheus collectors implement it (server.DomainMetrics). Its
// methods are called after the work they describe, must be cheap, and must
// not block. The service works without one.
type Observer interface {
	// LabelSubmitted is called once per label stored by SubmitLabel (not
	// for an identical resubmission), with the model's name and the label's
	// source.
	LabelSubmitted(model string, source store.Source)
	// LabelLatency is called with LabelSubmitted when the labeler held
	// the item (claimed or assigned): d is the time since it was assigned
	// to them.
	LabelLatency(model string, d time.Duration)
	// RetrainApplied is called once per retrain applied (its cycle
	// complete): activated when its version passed the promotion gate,
	// else it was kept as a candidate.
	RetrainApplied(model string, activated bool)
	// TrainingDone is called after a version was trained: kind is
	// TrainingInitial (TrainModel) or TrainingRetrain (Retrain), outcome
	// OutcomeOK, OutcomeFailed or OutcomeInterrupted (the job's context
	// ended; River retries it), d the time spent fitting and evaluating.
	TrainingDone(kind, outcome string, d time.Duration)
	// SelectionDone is called after a selection's pool was scored and
	// ranked: mode is SelectionInline (in the request), SelectionJob (a
	// select_samples job), SelectionShard (one score_shard job) or
	// SelectionPreview (previewSelection), outcome as for TrainingDone.
	SelectionDone(mode, outcome string, d time.Duration)
}

// The kinds, modes and outcomes an Observer hears.
const (
	TrainingInitial = "train"
	TrainingRetrain = "retrain"

	SelectionInline  = "inline"
	SelectionJob     = "job"
	SelectionShard   = "shard"
	SelectionPreview = "preview"

	RetrainActivated = "activated"
	RetrainCandidate = "candidate"

	OutcomeOK          = "ok"
	OutcomeFailed      = "failed"
	OutcomeInterrupted = "interrupted"
)

// SetObserver sets the observer of the service's work (nil: none). Call it
// before the service is used.
func (s *Service) SetObserver(o Observer) { s.obs = o }

// outcome names how work that returned err ended.
func outcome(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return OutcomeInterrupted
	default:
		return OutcomeFailed
	}
}

// observeTraining reports a training that started at start.
func (s *Service) observeTraining(ctx context.Context, kind string, start time.Time, err error) {
	if s.obs != nil {
		s.obs.TrainingDone(kind, outcome(ctx, err), time.Since(start))
	}
}

// observeSelection reports a ranking that started at start.
func (s *Service) observeSelection(ctx context.Context, mode string, start time.Time, err error) {
	if s.obs != nil {
		s.obs.SelectionDone(mode, outcome(ctx, err), time.Since(start))
	}
}
