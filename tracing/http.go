package tracing

import (
	"net/http"
	"slices"
	"strings"

	"activelab/httpstatus"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// HTTP returns next with one server span per request, except for the
// paths in untraced (probes and scrapes: /healthz, /metrics); when off,
// next itself. next should be the http.ServeMux (or a handler that passes
// the request it gets to the mux unchanged): the span's route is the
// pattern the mux matched, which it writes into that request.
//
// An incoming traceparent is continued (its sampling decision kept by the
// default parent-based sampler); the response's traceparent header names
// the request's span.
func (p *Provider) HTTP(next http.Handler, untraced ...string) http.Handler {
	if !p.Enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(untraced, r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := p.propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := p.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(
				semconv.HTTPRequestMethodKey.String(r.Method),
				semconv.URLPath(r.URL.Path),
			))
		defer span.End()
		p.propagator.Inject(ctx, propagation.HeaderCarrier(w.Header()))
		rec := httpstatus.NewRecorder(w)
		r = r.WithContext(ctx)
		next.ServeHTTP(rec, r)

		status := rec.Status()
		if route := routeOf(r.Pattern); route != "" {
			span.SetName(r.Method + " " + route)
			span.SetAttributes(semconv.HTTPRoute(route))
		}
		span.SetAttributes(semconv.HTTPResponseStatusCode(status))
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
	})
}

// routeOf is the path part of a ServeMux pattern ("GET /healthz" is
// "/healthz"; a host prefix is dropped too).
func routeOf(pattern string) string {
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = strings.TrimLeft(pattern[i+1:], " \t")
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:]
	}
	return pattern
}
