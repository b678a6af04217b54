// Package scalar holds the GraphQL scalar marshalers gqlgen binds to (see
// gqlgen.yml): entity ids are ident.ID (UUIDs) in Go and ID (the UUID's
// canonical text) in GraphQL; background jobs' ids are River's int64 and
// JobID (the integer as a string) in GraphQL.
package scalar

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"activelab/ident"
)

// InputError is a scalar value that cannot be read; its extensions.code is
// BAD_USER_INPUT.
type InputError struct{ Msg string }

// Error implements error.
func (e *InputError) Error() string { return e.Msg }

// ErrorCode returns "BAD_USER_INPUT".
func (e *InputError) ErrorCode() string { return "BAD_USER_INPUT" }

// MarshalUUID writes an entity id as a GraphQL ID: its canonical text, a
// JSON string.
func MarshalUUID(id ident.ID) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, `"`+id.String()+`"`)
	})
}

// UnmarshalUUID reads a GraphQL ID as an entity id: a UUID in canonical
// text (lower case, hyphenated). Anything else, including the nil UUID, is
// an InputError naming the value.
func UnmarshalUUID(v any) (ident.ID, error) {
	s, ok := v.(string)
	if !ok {
		return ident.Nil, &InputError{Msg: fmt.Sprintf("ID %v (%T) is not a valid id: want a UUID string", v, v)}
	}
	id, err := ident.Parse(s)
	if err != nil || id.IsNil() {
		return ident.Nil, &InputError{Msg: fmt.Sprintf("ID %q is not a valid id: want a UUID like 0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c", clip(s))}
	}
	return id, nil
}

// MarshalJobID writes a background job's id as a JobID (a JSON string).
func MarshalJobID(id int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(strconv.FormatInt(id, 10)))
	})
}

// UnmarshalJobID reads a JobID: a positive integer, as a string (or a JSON
// number).
func UnmarshalJobID(v any) (int64, error) {
	switch v := v.(type) {
	case string:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return 0, &InputError{Msg: fmt.Sprintf("JobID %q is not a valid job id (want a positive integer)", clip(v))}
		}
		return id, nil
	case json.Number:
		return UnmarshalJobID(string(v))
	case int:
		return UnmarshalJobID(strconv.Itoa(v))
	case int64:
		return UnmarshalJobID(strconv.FormatInt(v, 10))
	default:
		return 0, &InputError{Msg: fmt.Sprintf("JobID %v (%T) is not a valid job id", v, v)}
	}
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
