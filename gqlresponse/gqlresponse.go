// Package gqlresponse writes a gqlgen graphql.Response as JSON, the one
// encoding the HTTP and websocket transports and the subscription fan-out
// share.
//
// A response with only data, which is nearly every response, is written
// around the bytes gqlgen's executor already encoded (compact JSON)
// instead of being encoded again; any other goes through json.Marshal.
// The two differ only where a string holds <, > or &, which json.Marshal
// escapes (\u003c) for JSON pasted into HTML: a response served as
// application/json with nosniff, or over a websocket, needs no such
// escape, and both decode to the same values.
package gqlresponse

import (
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
)

// Plain reports whether resp is data alone: no errors, extensions or
// incremental delivery fields. Its JSON is then {"data":<resp.Data>}.
func Plain(resp *graphql.Response) bool {
	return resp != nil && len(resp.Errors) == 0 && len(resp.Extensions) == 0 && resp.Label == "" &&
		resp.Path == nil && resp.HasNext == nil
}

// Append appends resp's JSON to b. It fails only for data that is not
// JSON, which gqlgen's executor never writes.
func Append(b []byte, resp *graphql.Response) ([]byte, error) {
	if !Plain(resp) {
		out, err := json.Marshal(resp)
		if err != nil {
			return b, err
		}
		return append(b, out...), nil
	}
	b = append(b, `{"data":`...)
	if len(resp.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, resp.Data...)
	}
	return append(b, '}'), nil
}

// Len is how many bytes Append writes for a plain resp (a hint for
// sizing a buffer; other responses are sized by json.Marshal).
func Len(resp *graphql.Response) int {
	if resp == nil {
		return len(`null`)
	}
	return len(`{"data":null}`) + len(resp.Data)
}
