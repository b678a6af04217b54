// Package scalar holds the GraphQL scalar marshalers gqlgen binds to
// (see gqlgen.yml): database ids are int64 in Go and ID (a string) in
// GraphQL.
package scalar

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// InputError is a scalar value that cannot be read; its extensions.code is
// BAD_USER_INPUT.
type InputError struct{ Msg string }

// Error implements error.
func (e *InputError) Error() string { return e.Msg }

// ErrorCode returns "BAD_USER_INPUT".
func (e *InputError) ErrorCode() string { return "BAD_USER_INPUT" }

// MarshalInt64ID writes an int64 id as a GraphQL ID (a JSON string).
func MarshalInt64ID(id int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(strconv.FormatInt(id, 10)))
	})
}

// UnmarshalInt64ID reads a GraphQL ID ("42" or 42) into an int64; anything
// else is an *InputError.
func UnmarshalInt64ID(v any) (int64, error) {
	switch v := v.(type) {
	case string:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return 0, &InputError{Msg: fmt.Sprintf("ID %q is not a valid id (want a positive integer)", v)}
		}
		return id, nil
	case json.Number:
		return UnmarshalInt64ID(string(v))
	case int:
		return UnmarshalInt64ID(strconv.Itoa(v))
	case int64:
		return UnmarshalInt64ID(strconv.FormatInt(v, 10))
	default:
		return 0, &InputError{Msg: fmt.Sprintf("ID %v (%T) is not a valid id", v, v)}
	}
}
