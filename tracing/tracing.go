package tracing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// DefaultServiceName is service.name when OTEL_SERVICE_NAME does not set it.
const DefaultServiceName = "activelab"

// instrumentation is the name of the tracer every span comes from.
const instrumentation = "activelab/tracing"

// Config chooses whether and where spans are exported.
type Config struct {
	// Endpoint is the OTLP/HTTP base URL (http://collector:4318), the
	// --otlp-endpoint flag: spans go to its path + /v1/traces. It beats
	// the OTEL_EXPORTER_OTLP_*ENDPOINT variables. Empty: those variables
	// decide, and without them tracing is off.
	Endpoint string
	// Version is service.version (default: the binary's module version
	// or VCS revision, "devel" when it has neither).
	Version string
	// Getenv reads the environment (os.Getenv when nil). The SDK reads
	// the OTEL_* variables it knows from the process environment itself.
	Getenv func(string) string
	// Exporter, when set, receives every span as it ends instead of the
	// OTLP exporter, and tracing is on whatever the endpoint (for tests:
	// tracetest.NewInMemoryExporter).
	Exporter sdktrace.SpanExporter
	// Log receives export errors (slog.Default() when nil).
	Log *slog.Logger
}

// ConfigError is an invalid tracing setting (a malformed endpoint).
type ConfigError struct {
	Setting, Value, Msg string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("tracing: %s %q: %s", e.Setting, e.Value, e.Msg)
}

// Provider is the process's tracing: a tracer and, when on, the SDK
// provider that batches and exports its spans. The nil *Provider is
// tracing off; every method is safe on it.
type Provider struct {
	sdk        *sdktrace.TracerProvider
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	endpoint   string // where spans go, for the startup log
}

// Setup returns the Provider cfg and the environment ask for: nil (off,
// nothing built) unless an endpoint is configured or cfg.Exporter is set.
// When on, it also installs the provider and the W3C trace-context
// propagator as OpenTelemetry's globals, for libraries that use them.
func Setup(ctx context.Context, cfg Config) (*Provider, error) {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	if cfg.Exporter == nil && !Wanted(cfg.Endpoint, getenv) {
		return nil, nil
	}
	exp := cfg.Exporter
	endpoint := "in-process exporter"
	if exp == nil {
		var opts []otlptracehttp.Option
		endpoint = firstNonEmpty(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
		if cfg.Endpoint != "" {
			u, err := TracesURL(cfg.Endpoint)
			if err != nil {
				return nil, err
			}
			endpoint = u
			opts = append(opts, otlptracehttp.WithEndpointURL(u))
		}
		// New only builds the client: nothing is sent until spans end.
		var err error
		exp, err = otlptracehttp.New(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
		}
	}
	version := cfg.Version
	if version == "" {
		version = buildVersion()
	}
	// Later detectors win: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
	// override the defaults.
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		resource.WithAttributes(semconv.ServiceName(DefaultServiceName), semconv.ServiceVersion(version)),
		resource.WithFromEnv(),
	)
	if err != nil && res == nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	tpOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if cfg.Exporter != nil {
		tpOpts = append(tpOpts, sdktrace.WithSyncer(exp))
	} else {
		tpOpts = append(tpOpts, sdktrace.WithBatcher(exp))
	}
	// The sampler is the SDK's default: OTEL_TRACES_SAMPLER and _ARG, else
	// parentbased_always_on.
	sdk := sdktrace.NewTracerProvider(tpOpts...)
	p := &Provider{sdk: sdk, tracer: sdk.Tracer(instrumentation), propagator: propagation.TraceContext{}, endpoint: endpoint}
	if cfg.Exporter == nil {
		otel.SetTracerProvider(sdk)
		otel.SetTextMapPropagator(p.propagator)
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
			log.Warn("tracing", "error", err.Error())
		}))
	}
	return p, nil
}

// Wanted reports whether tracing is asked for: an endpoint flag, or one
// of the OTLP endpoint variables, and neither OTEL_SDK_DISABLED=true nor
// OTEL_TRACES_EXPORTER=none.
func Wanted(endpoint string, getenv func(string) string) bool {
	if off, err := strconv.ParseBool(strings.TrimSpace(getenv("OTEL_SDK_DISABLED"))); err == nil && off {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")), "none") {
		return false
	}
	return endpoint != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != ""
}

// TracesURL turns an OTLP/HTTP base URL (http://collector:4318, or one
// with a path prefix) into its traces URL (.../v1/traces), as the
// specification does for OTEL_EXPORTER_OTLP_ENDPOINT. It refuses anything
// but an absolute http or https URL with a host (*ConfigError).
func TracesURL(base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	switch {
	case err != nil:
		return "", &ConfigError{Setting: "--otlp-endpoint", Value: base, Msg: "not a URL"}
	case u.Scheme != "http" && u.Scheme != "https":
		return "", &ConfigError{Setting: "--otlp-endpoint", Value: base, Msg: "want an http:// or https:// URL (OTLP over HTTP, e.g. http://localhost:4318)"}
	case u.Host == "":
		return "", &ConfigError{Setting: "--otlp-endpoint", Value: base, Msg: "no host"}
	case u.RawQuery != "" || u.Fragment != "":
		return "", &ConfigError{Setting: "--otlp-endpoint", Value: base, Msg: "a base URL has no query or fragment"}
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	u.RawPath = ""
	return u.String(), nil
}

// Enabled reports whether spans are recorded and exported.
func (p *Provider) Enabled() bool { return p != nil && p.sdk != nil }

// Endpoint names where spans go (for the startup log), "" when off.
func (p *Provider) Endpoint() string {
	if !p.Enabled() {
		return ""
	}
	return p.endpoint
}

// TracerProvider returns the SDK provider, or a no-op one when off.
func (p *Provider) TracerProvider() trace.TracerProvider {
	if !p.Enabled() {
		return noop.NewTracerProvider()
	}
	return p.sdk
}

// Shutdown exports the spans not yet exported and stops the exporter,
// giving up when ctx ends. Spans ended afterwards are dropped. A no-op
// when off.
func (p *Provider) Shutdown(ctx context.Context) error {
	if !p.Enabled() {
		return nil
	}
	if err := p.sdk.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("tracing: shutdown: %w", err)
	}
	return nil
}

// buildVersion is the binary's module version, else its VCS revision,
// else "devel".
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			return s.Value
		}
	}
	return "devel"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
