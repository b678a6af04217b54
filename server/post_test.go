package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponse: postJSON writes json.Marshal's bytes for a response
// (gqlresponse has the cases), and an internal error for data that is not
// JSON instead of panicking as gqlgen's transport does.
func TestWriteResponse(t *testing.T) {
	for _, tc := range []struct {
		resp *graphql.Response
		want string
	}{
		{&graphql.Response{Data: json.RawMessage(`{"a":[1,"x"]}`)}, `{"data":{"a":[1,"x"]}}`},
		{&graphql.Response{Errors: gqlerror.List{{Message: "bad", Extensions: map[string]any{"code": "NOT_FOUND"}}}}, `{"errors":[{"message":"bad","extensions":{"code":"NOT_FOUND"}}],"data":null}`},
		{&graphql.Response{Data: json.RawMessage(`{`), Extensions: map[string]any{"x": 1}}, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}],"data":null}`},
	} {
		var b bytes.Buffer
		writeResponse(&b, tc.resp)
		if b.String() != tc.want {
			t.Errorf("writeResponse = %s, want %s", b.String(), tc.want)
		}
	}
}
