package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"activelab/auth"
	"activelab/graph/scalar"
	"activelab/store"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The extensions.code values the API returns besides gqlgen's own
// (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
// COMPLEXITY_LIMIT_EXCEEDED) and DEPTH_LIMIT_EXCEEDED.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeInternal        = "INTERNAL"
	// CodeTooManyRequests refuses a throttled login (extensions.retryAfter
	// seconds; HTTP 429 with Retry-After on plain requests).
	CodeTooManyRequests = "TOO_MANY_REQUESTS"
	// CodeTimeout: the request ran longer than Config.RequestTimeout and
	// was cancelled (logged as a warning, not an error).
	CodeTimeout = "TIMEOUT"
	// CodeClientClosed: the client left before the answer was ready;
	// nobody reads it, and it is not counted as INTERNAL.
	CodeClientClosed = "CLIENT_CLOSED_REQUEST"
)

// maxLoggedError caps the error text in a log line (a statement's
// arguments can be long).
const maxLoggedError = 2000

// retryer is implemented by errors that say when to try again
// (auth.ThrottledError).
type retryer interface{ RetryAfterSeconds() int }

// coded is implemented by errors that know their extensions.code (for
// example auth.InputError: BAD_USER_INPUT). Any package can use it without
// importing this one.
type coded interface{ ErrorCode() string }

// extended is implemented by errors that carry more than a code and a
// field (activelearning.ImplausibleError: the reason and the range).
type extended interface{ ErrorExtensions() map[string]any }

// fielded is implemented by errors about one argument (activelearning's
// and auth's InputError): extensions.field names it.
type fielded interface{ InputField() string }

// classify returns the extensions.code for err and whether its message may
// be shown to the client.
func classify(err error) (code string, show bool) {
	var c coded
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		return CodeUnauthenticated, true
	case errors.Is(err, auth.ErrForbidden):
		return CodeForbidden, true
	case errors.Is(err, store.ErrNotFound):
		return CodeNotFound, true
	case errors.Is(err, store.ErrConflict):
		return CodeConflict, true
	case errors.Is(err, store.ErrInvalid):
		return CodeBadUserInput, true
	case errors.As(err, &c):
		return c.ErrorCode(), true
	}
	return CodeInternal, false
}

// errorPresenter maps errors to extensions.code. Errors that already carry a
// code (gqlgen's parse and validation errors, limits, the authentication
// gate) keep it. Anything unrecognised becomes INTERNAL with the message
// "internal error" and is logged once, with the request id (which the
// client also gets in extensions.requestId).
func errorPresenter(fallback *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		if _, ok := gerr.Extensions["code"]; ok {
			return gerr
		}
		cause := gerr.Err
		if cause == nil {
			// A gqlerror gqlgen made itself without a cause: input coercion
			// and similar request problems, worded for the client; a null
			// in a non-null field is ours.
			gerr.Extensions["code"] = CodeBadUserInput
			if gerr.Message == "must not be null" {
				gerr.Extensions["code"] = CodeInternal
			}
			return gerr
		}
		code, show := classify(cause)
		if code == CodeInternal && ctx.Err() != nil {
			// The request's context ended: our deadline, or the client left.
			code, show = CodeClientClosed, true
			gerr.Message = "the request was cancelled: the client left"
			level := slog.LevelInfo
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				code, level = CodeTimeout, slog.LevelWarn
				gerr.Message = "the request took too long and was cancelled (--request-timeout)"
			}
			Logger(ctx, fallback).LogAttrs(ctx, level, "graphql request ended early",
				slog.String("code", code), slog.String("error", truncate(cause.Error())), slog.String("path", gerr.Path.String()))
		}
		gerr.Extensions["code"] = code
		var in fielded
		var bad *scalar.InputError
		switch {
		case errors.As(cause, &in) && in.InputField() != "":
			gerr.Extensions["field"] = in.InputField()
		case errors.As(cause, &bad):
			// A scalar (an ID, a JobID) that does not parse: gqlgen reports
			// it on the path of the argument or input field that held it.
			if name := lastName(gerr.Path); name != "" {
				gerr.Extensions["field"] = name
			}
		}
		var ext extended
		if show && errors.As(cause, &ext) {
			for k, v := range ext.ErrorExtensions() {
				if _, taken := gerr.Extensions[k]; !taken {
					gerr.Extensions[k] = v
				}
			}
		}
		var rt retryer
		if errors.As(cause, &rt) {
			gerr.Extensions["retryAfter"] = rt.RetryAfterSeconds()
			if code == CodeTooManyRequests {
				setStatus(ctx, http.StatusTooManyRequests, rt.RetryAfterSeconds())
			}
		}
		if !show {
			id := RequestID(ctx)
			var p errPanic
			if !errors.As(cause, &p) { // recoverFunc logged it with its stack
				Logger(ctx, fallback).LogAttrs(ctx, slog.LevelError, "graphql internal error",
					slog.String("error", truncate(cause.Error())), slog.String("path", gerr.Path.String()))
			}
			gerr.Message = "internal error"
			if id != "" {
				gerr.Extensions["requestId"] = id
			}
		}
		return gerr
	}
}

// errPanic marks a recovered panic; it is presented as INTERNAL.
type errPanic struct{ v any }

func (e errPanic) Error() string { return fmt.Sprintf("panic: %v", e.v) }

// recoverFunc logs a resolver panic with its stack and turns it into an
// error the presenter reports as INTERNAL.
func recoverFunc(fallback *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		Logger(ctx, fallback).LogAttrs(ctx, slog.LevelError, "graphql resolver panic",
			slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
		return errPanic{v}
	}
}

// truncate shortens s for a log line.
func truncate(s string) string {
	if len(s) <= maxLoggedError {
		return s
	}
	return s[:maxLoggedError] + "… (" + itoa(int64(len(s))) + " bytes)"
}

// lastName is the last named element of a path (an argument or input
// field for a value gqlgen could not read), "" when there is none.
func lastName(p ast.Path) string {
	for i := len(p) - 1; i >= 0; i-- {
		if n, ok := p[i].(ast.PathName); ok {
			return string(n)
		}
	}
	return ""
}
