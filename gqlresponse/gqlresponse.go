// Package gqlresponse writes a gqlgen graphql.Response as JSON, the one
// encoding the HTTP and websocket transports and the subscription fan-out
// share, and carries a transport's Sink for an operation's results.
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
	"context"
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

// Sink takes an operation's results and writes them in the order it is
// given them, without blocking: a transport that has one puts it in the
// operation's context (WithSink), and a subscription's results may then
// be written by whichever goroutine has them ready (graph.Fanout writes
// an event's shared result to every subscriber that way), not only by
// the operation's own goroutine, which need not wake for each event.
type Sink interface {
	// Send writes resp as the operation's next result, or queues it
	// behind what is being written; it never blocks. It is false when
	// resp will not be written (the connection is closed or too far
	// behind and being closed).
	Send(resp *graphql.Response) bool
}

type sinkKey struct{}

// WithSink returns ctx carrying the operation's sink.
func WithSink(ctx context.Context, s Sink) context.Context {
	return context.WithValue(ctx, sinkKey{}, s)
}

// SinkFrom returns the sink in ctx, or nil.
func SinkFrom(ctx context.Context) Sink {
	s, _ := ctx.Value(sinkKey{}).(Sink)
	return s
}
