package server

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestAppendResponse: postJSON writes every response as the bytes gqlgen's
// transport (json.Marshal of the graphql.Response) writes, but for the
// HTML escapes json.Marshal adds to strings: the same values.
func TestAppendResponse(t *testing.T) {
	yes := true
	cases := map[string]*graphql.Response{
		"data":           {Data: json.RawMessage(`{"labelQueue":{"edges":[{"node":{"id":"01","name":"caf\u00e9 \"x\""}}]}}`)},
		"null data":      {Data: json.RawMessage(`null`)},
		"no data":        {},
		"errors":         {Errors: gqlerror.List{{Message: "nope", Extensions: map[string]any{"code": "NOT_FOUND"}}}, Data: json.RawMessage(`{"a":null}`)},
		"errors no data": {Errors: gqlerror.List{{Message: "bad"}}},
		"extensions":     {Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{"cost": 3}},
		"deferred":       {Data: json.RawMessage(`{"a":1}`), Label: "l", Path: ast.Path{ast.PathName("a")}, HasNext: &yes},
		"nil":            nil,
	}
	for name, resp := range cases {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendResponse(nil, resp); string(got) != string(want) {
				t.Errorf("appendResponse = %s\nwant (json.Marshal) %s", got, want)
			}
		})
	}
	html := &graphql.Response{Data: json.RawMessage(`{"name":"a<b & c>d"}`)}
	var got, want any
	if err := json.Unmarshal(appendResponse(nil, html), &got); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(html)
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with <, & and >: %v, json.Marshal's %v", got, want)
	}
}
