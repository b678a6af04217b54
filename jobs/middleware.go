package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Outcomes of one attempt of a job, as logged and counted.
const (
	OutcomeCompleted   = "completed"   // the job is done
	OutcomeFailed      = "failed"      // the attempt failed; River retries or discards it
	OutcomeCancelled   = "cancelled"   // the job asked to be cancelled, or was cancelled remotely
	OutcomeInterrupted = "interrupted" // shutdown cut it short: back in the queue, the attempt not counted
	OutcomeSnoozed     = "snoozed"     // the job asked to run again later
)

// Metrics are the job collectors a process exports: attempts by kind and
// outcome, their durations, and the jobs running now. Register them with
// Collectors.
type Metrics struct {
	attempts *prometheus.CounterVec
	duration *prometheus.HistogramVec
	running  *prometheus.GaugeVec
}

// NewMetrics makes the job collectors, with every kind and outcome present
// at zero so that a dashboard sees the series before the first job.
func NewMetrics() *Metrics {
	m := &Metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "activelab_job_attempts_total",
			Help: "Job attempts worked by this process, by kind and outcome (completed, failed, cancelled, interrupted, snoozed).",
		}, []string{"kind", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "activelab_job_duration_seconds",
			Help:    "Duration of job attempts by kind and outcome.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
		}, []string{"kind", "outcome"}),
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "activelab_jobs_running",
			Help: "Jobs this process is working now, by kind.",
		}, []string{"kind"}),
	}
	for _, k := range Kinds() {
		m.running.WithLabelValues(k)
		for _, o := range []string{OutcomeCompleted, OutcomeFailed, OutcomeCancelled, OutcomeInterrupted, OutcomeSnoozed} {
			m.attempts.WithLabelValues(k, o)
		}
	}
	return m
}

// Collectors returns the collectors to register.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.attempts, m.duration, m.running}
}

// lifecycle is the worker middleware around every job: it logs start and
// finish at INFO with the job's id and kind, counts the attempt, and turns
// an attempt cut short by this process's shutdown into a snooze, so the job
// is available again at once and the attempt is not spent.
type lifecycle struct {
	river.MiddlewareDefaults
	log      *slog.Logger
	metrics  *Metrics
	stopping *atomic.Bool
}

func (l *lifecycle) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	attrs := []any{"job_id", job.ID, "kind", job.Kind, "queue", job.Queue, "attempt", job.Attempt}
	l.log.Info("job started", attrs...)
	l.metrics.running.WithLabelValues(job.Kind).Inc()
	start := time.Now()
	err := doInner(ctx)
	elapsed := time.Since(start)
	l.metrics.running.WithLabelValues(job.Kind).Dec()

	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	outcome := OutcomeCompleted
	switch {
	case err == nil:
	case errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely):
		// An admin cancelled it (CancelJob): River ends the work context
		// with this cause, and the worker returns the context's error.
		outcome = OutcomeCancelled
	case ctx.Err() != nil && l.stopping.Load():
		// River's work context, not the attempt's timeout, ended: the
		// process is stopping and its grace period is over.
		outcome = OutcomeInterrupted
		err = river.JobSnooze(0)
	case errors.As(err, &snooze):
		outcome = OutcomeSnoozed
	case errors.As(err, &cancel), errors.Is(err, river.ErrJobCancelledRemotely):
		outcome = OutcomeCancelled
	default:
		outcome = OutcomeFailed
	}
	l.metrics.attempts.WithLabelValues(job.Kind, outcome).Inc()
	l.metrics.duration.WithLabelValues(job.Kind, outcome).Observe(elapsed.Seconds())
	attrs = append(attrs, "outcome", outcome, "duration", elapsed.Round(time.Millisecond).String())
	switch outcome {
	case OutcomeFailed:
		l.log.Warn("job finished", append(attrs, "max_attempts", job.MaxAttempts, "error", err.Error())...)
	case OutcomeInterrupted:
		l.log.Info("job finished", append(attrs, "note", "stopped by shutdown; queued again without spending the attempt")...)
	default:
		l.log.Info("job finished", attrs...)
	}
	return err
}
