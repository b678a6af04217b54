// Package tracing is ActiveLab's optional OpenTelemetry tracing: spans
// exported over OTLP/HTTP (protobuf) to a collector, off by default.
//
// # Turning it on
//
// Setup builds a Provider. It is on when an endpoint is given: the
// --otlp-endpoint flag of `activelab serve` and `activelab worker`
// (Config.Endpoint, a base URL such as http://collector:4318, to which
// /v1/traces is appended), or the standard OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT variables. OTEL_SDK_DISABLED=true or
// OTEL_TRACES_EXPORTER=none turn it off whatever else is set. The SDK reads
// the other standard variables itself: OTEL_SERVICE_NAME (default
// "activelab"), OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and
// OTEL_TRACES_SAMPLER_ARG (default parentbased_always_on), the exporter's
// OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION and certificates, and
// the batch processor's OTEL_BSP_*. The resource carries service.name,
// service.version (the module version or VCS revision the binary was
// built from), the host name and the SDK's own attributes.
//
// # Off means absent
//
// A nil or disabled *Provider is valid: its methods return the handler
// unchanged (HTTP), nil (GraphQL, QueryHook, JobMiddleware) and a no-op
// TracerProvider, so the caller installs nothing. No exporter is built, no
// goroutine started, and the request path runs exactly the code it runs
// without this package.
//
// # Spans
//
//   - HTTP (Provider.HTTP): one server span per request (but on the
//     paths the caller leaves untraced: the server's probes and scrapes), named
//     "METHOD ROUTE" (the ServeMux pattern) with http.request.method,
//     http.route, url.path and http.response.status_code; an incoming W3C
//     traceparent (and tracestate) is continued, and the response carries
//     the request span's traceparent, so a client can find its trace.
//   - GraphQL (Provider.GraphQL, a gqlgen extension): one span per
//     operation, "query labelQueue", with graphql.operation.name and
//     graphql.operation.type, the number of errors and an error status when
//     one is INTERNAL. A query or mutation's span covers its execution; a
//     subscription's covers its start (the resolver that opens the stream),
//     not its lifetime. There are no spans per field: they would cost more
//     than the fields.
//   - Database (Provider.QueryHook, a store.QueryHook): one client span per
//     query run inside a traced operation, "SELECT label_queue", with
//     db.system.name, db.operation.name and db.collection.name, never the
//     statement's text or parameter values. Queries outside a sampled
//     trace (background loops, unsampled requests) make no spans and cost
//     one context lookup.
//   - Jobs (Provider.JobMiddleware, River middleware): enqueuing a job
//     inside a traced operation writes the operation's traceparent into the
//     job's metadata; working it makes a consumer span "job retrain_model"
//     with the job's kind, id, queue and attempt, a child of the enqueuing
//     request's span (one trace from the request to the job's end) or a
//     new trace when the job was enqueued outside one.
//
// Provider.Shutdown flushes the spans not yet exported and stops the
// exporter, within its context's deadline.
package tracing
