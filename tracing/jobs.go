package tracing

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// metadataKey is the key of a job's metadata that carries the enqueuing
// operation's W3C traceparent.
const metadataKey = "traceparent"

// Job span attributes beyond the messaging conventions.
const (
	jobKind    = attribute.Key("river.job.kind")
	jobQueue   = attribute.Key("river.job.queue")
	jobAttempt = attribute.Key("river.job.attempt")
	jobOutcome = attribute.Key("river.job.outcome")
)

// JobMiddleware returns the River middleware that carries the trace
// context from enqueue to work and makes one span per job attempt, or nil
// when off. Install it first (outermost), in the inserting and in the
// working client alike.
func (p *Provider) JobMiddleware() rivertype.Middleware {
	if !p.Enabled() {
		return nil
	}
	return &jobTracer{tracer: p.tracer, propagator: p.propagator}
}

type jobTracer struct {
	river.MiddlewareDefaults
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
}

var (
	_ rivertype.JobInsertMiddleware = (*jobTracer)(nil)
	_ rivertype.WorkerMiddleware    = (*jobTracer)(nil)
)

// InsertMany writes ctx's traceparent into each job's metadata when ctx is
// in a sampled trace (a few dozen bytes per job; nothing otherwise).
func (j *jobTracer) InsertMany(ctx context.Context, many []*rivertype.JobInsertParams, doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() && sc.IsSampled() {
		carrier := propagation.MapCarrier{}
		j.propagator.Inject(ctx, carrier)
		if tp := carrier[metadataKey]; tp != "" {
			for _, params := range many {
				params.Metadata = withMetadata(params.Metadata, metadataKey, tp)
			}
		}
	}
	return doInner(ctx)
}

// withMetadata returns the JSON object meta with key set to value;
// metadata that is not an object is left as it is.
func withMetadata(meta []byte, key, value string) []byte {
	m := map[string]json.RawMessage{}
	if len(meta) > 0 {
		if err := json.Unmarshal(meta, &m); err != nil || m == nil {
			return meta
		}
	}
	v, _ := json.Marshal(value) // a string always marshals
	m[key] = v
	out, err := json.Marshal(m)
	if err != nil {
		return meta
	}
	return out
}

// Work runs the job inside a consumer span, the child of the span whose
// traceparent the job's metadata carries, else the root of a new trace.
func (j *jobTracer) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	var meta struct {
		Traceparent string `json:"traceparent"`
	}
	if len(job.Metadata) > 0 {
		_ = json.Unmarshal(job.Metadata, &meta) // metadata without it: a new trace
	}
	if meta.Traceparent != "" {
		ctx = j.propagator.Extract(ctx, propagation.MapCarrier{metadataKey: meta.Traceparent})
	}
	ctx, span := j.tracer.Start(ctx, "job "+job.Kind, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			semconv.MessagingSystemKey.String("river"),
			semconv.MessagingOperationName("work"),
			semconv.MessagingMessageID(strconv.FormatInt(job.ID, 10)),
			jobKind.String(job.Kind),
			jobQueue.String(job.Queue),
			jobAttempt.Int(job.Attempt),
		))
	defer span.End()
	err := doInner(ctx)
	var snooze *rivertype.JobSnoozeError
	switch {
	case err == nil:
	case errors.As(err, &snooze):
		// Not a failure: the job runs again later (or, stopped by a
		// shutdown, at once elsewhere).
		span.SetAttributes(jobOutcome.String("snoozed"))
	case errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely), errors.Is(err, river.ErrJobCancelledRemotely):
		// Not a failure either: an admin cancelled it (cancelJob), and
		// River ended its context.
		span.SetAttributes(jobOutcome.String("cancelled"))
	default:
		span.SetStatus(codes.Error, "job attempt failed")
		span.SetAttributes(semconv.ErrorTypeKey.String(errorType(err)))
	}
	return err
}
