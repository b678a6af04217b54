package tracing

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// GraphQL returns the gqlgen extension that makes one span per operation,
// or nil when off (install it only when non-nil).
func (p *Provider) GraphQL() graphql.HandlerExtension {
	if !p.Enabled() {
		return nil
	}
	return graphqlTracer{tracer: p.tracer}
}

type graphqlTracer struct{ tracer trace.Tracer }

var _ graphql.OperationInterceptor = graphqlTracer{}

func (graphqlTracer) ExtensionName() string                   { return "ActiveLabTracing" }
func (graphqlTracer) Validate(graphql.ExecutableSchema) error { return nil }

// errorCount is the attribute that counts a response's GraphQL errors.
const errorCount = attribute.Key("graphql.error_count")

// InterceptOperation starts the operation's span. gqlgen runs a query or
// mutation when the returned handler is called, so its span ends after
// that call; a subscription's resolver runs inside next, so its span ends
// when next returns (the stream's events are not part of it).
func (t graphqlTracer) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	name, typ := "", "unknown"
	if oc != nil && oc.Operation != nil {
		name, typ = oc.Operation.Name, string(oc.Operation.Operation)
	}
	spanName := typ
	if name != "" {
		spanName += " " + name
	}
	attrs := make([]attribute.KeyValue, 0, 2)
	attrs = append(attrs, semconv.GraphQLOperationTypeKey.String(typ))
	if name != "" {
		attrs = append(attrs, semconv.GraphQLOperationName(name))
	}
	ctx, span := t.tracer.Start(ctx, spanName, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	h := next(ctx)
	if oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		span.End()
		return h
	}
	done := false
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if !done {
			done = true
			endOperation(span, resp)
		}
		return resp
	}
}

// endOperation records resp's errors on span and ends it: the count, and an
// error status when one is INTERNAL (the others are the client's).
func endOperation(span trace.Span, resp *graphql.Response) {
	if resp != nil && len(resp.Errors) > 0 {
		span.SetAttributes(errorCount.Int(len(resp.Errors)))
		for _, e := range resp.Errors {
			if code, _ := e.Extensions["code"].(string); code == "INTERNAL" || code == "" {
				span.SetStatus(codes.Error, "internal error")
				break
			}
		}
	}
	span.End()
}
