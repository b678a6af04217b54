package tracing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// QueryHook returns the bun query hook that makes one span per query run
// inside a traced operation, or nil when off. system is the database
// (db.system.name: "sqlite" or "postgresql").
func (p *Provider) QueryHook(system string) bun.QueryHook {
	if !p.Enabled() {
		return nil
	}
	return queryTracer{tracer: p.tracer, system: semconv.DBSystemNameKey.String(system)}
}

type queryTracer struct {
	tracer trace.Tracer
	system attribute.KeyValue
}

// querySpanKey is the key of the query's span in its event's Stash. The
// span rides on the event, not in the context BeforeQuery returns: bun
// keeps BEGIN's context as the transaction's, and the transaction's
// queries would otherwise be children of the (long ended) BEGIN span
// rather than of the operation that runs them.
type querySpanKey struct{}

// tableNamer is the bun queries that know their table.
type tableNamer interface{ GetTableName() string }

// BeforeQuery starts the query's span when ctx is in a sampled trace: a
// query outside any (a background loop's) makes none, nor does one in a
// trace that is not recorded (the parent-based samplers would drop it).
func (q queryTracer) BeforeQuery(ctx context.Context, ev *bun.QueryEvent) context.Context {
	if !trace.SpanContextFromContext(ctx).IsSampled() {
		return ctx
	}
	op := ev.Operation()
	name, table := op, ""
	if tn, ok := ev.IQuery.(tableNamer); ok {
		table = tn.GetTableName()
	}
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, q.system, semconv.DBOperationName(op))
	if table != "" {
		name += " " + table
		attrs = append(attrs, semconv.DBCollectionName(table))
	}
	_, span := q.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(ev.StartTime), trace.WithAttributes(attrs...))
	if ev.Stash == nil {
		ev.Stash = make(map[any]any, 1)
	}
	ev.Stash[querySpanKey{}] = span
	return ctx
}

// AfterQuery ends the span BeforeQuery started, recording a failure (a
// query that found no row is not one).
func (queryTracer) AfterQuery(_ context.Context, ev *bun.QueryEvent) {
	span, ok := ev.Stash[querySpanKey{}].(trace.Span)
	if !ok {
		return
	}
	if ev.Err != nil && !errors.Is(ev.Err, sql.ErrNoRows) {
		span.SetStatus(codes.Error, "query failed")
		span.SetAttributes(semconv.ErrorTypeKey.String(errorType(ev.Err)))
	}
	span.End()
}

// errorType names err for error.type without its message (which may
// quote values): "context" when cancelled or timed out, else the type of
// the innermost error (the driver's, e.g. *pgconn.PgError).
func errorType(err error) string {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "context"
	}
	for {
		inner := errors.Unwrap(err)
		if inner == nil {
			return fmt.Sprintf("%T", err)
		}
		err = inner
	}
}
