package tracing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"activelab/store"
)

// QueryHook returns the store hook (store.Store.AddQueryHook) that makes
// one span per query run inside a sampled trace, or nil when off. system
// is the database (db.system.name: "sqlite" or "postgresql").
//
// The span is a child of the operation or job whose context runs the
// query (the store passes it the query's context, and keeps the span off
// the context it returns, so a transaction's queries are siblings of its
// BEGIN, not its children).
func (p *Provider) QueryHook(system string) store.QueryHook {
	if !p.Enabled() {
		return nil
	}
	return queryTracer{tracer: p.tracer, system: semconv.DBSystemNameKey.String(system)}.before
}

type queryTracer struct {
	tracer trace.Tracer
	system attribute.KeyValue
}

// before starts the query's span when ctx is in a sampled trace: a query
// outside any (a background loop's) makes none, nor does one in a trace
// that is not recorded (the parent-based samplers would drop it).
func (q queryTracer) before(ctx context.Context, qi store.QueryInfo) func(error) {
	if !trace.SpanContextFromContext(ctx).IsSampled() {
		return nil
	}
	op, table := qi.Operation(), qi.Table()
	name := op
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, q.system, semconv.DBOperationName(op))
	if table != "" {
		name += " " + table
		attrs = append(attrs, semconv.DBCollectionName(table))
	}
	_, span := q.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(qi.Start()), trace.WithAttributes(attrs...))
	return func(err error) {
		// A query that found no row is not a failure.
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			span.SetStatus(codes.Error, "query failed")
			span.SetAttributes(semconv.ErrorTypeKey.String(errorType(err)))
		}
		span.End()
	}
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
