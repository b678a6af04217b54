package gqlresponse

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestAppend: every response is written as json.Marshal writes it (the
// bytes of gqlgen's own transports), plain ones without encoding again.
func TestAppend(t *testing.T) {
	yes := true
	cases := map[string]struct {
		resp  *graphql.Response
		plain bool
	}{
		"data":           {&graphql.Response{Data: json.RawMessage(`{"labelQueue":{"edges":[{"node":{"id":"01","name":"caf\u00e9 \"x\""}}]}}`)}, true},
		"null data":      {&graphql.Response{Data: json.RawMessage(`null`)}, true},
		"no data":        {&graphql.Response{}, true},
		"errors":         {&graphql.Response{Errors: gqlerror.List{{Message: "nope", Extensions: map[string]any{"code": "NOT_FOUND"}}}, Data: json.RawMessage(`{"a":null}`)}, false},
		"errors no data": {&graphql.Response{Errors: gqlerror.List{{Message: "bad", Path: ast.Path{ast.PathName("a")}}}}, false},
		"extensions":     {&graphql.Response{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{"cost": 3}}, false},
		"deferred":       {&graphql.Response{Data: json.RawMessage(`{"a":1}`), Label: "l", Path: ast.Path{ast.PathName("a")}, HasNext: &yes}, false},
		"nil":            {nil, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Plain(tc.resp); got != tc.plain {
				t.Errorf("Plain = %v, want %v", got, tc.plain)
			}
			want, err := json.Marshal(tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Append([]byte("x"), tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "x"+string(want) {
				t.Errorf("Append = %s\nwant x + json.Marshal's %s", got, want)
			}
			if tc.plain && Len(tc.resp) < len(want) {
				t.Errorf("Len = %d, shorter than %d", Len(tc.resp), len(want))
			}
		})
	}
	html := &graphql.Response{Data: json.RawMessage(`{"name":"a<b & c>d"}`)}
	b, _ := Append(nil, html)
	var got, want any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(html)
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with <, & and >: %v, json.Marshal's %v", got, want)
	}
	if _, err := Append(nil, &graphql.Response{Data: json.RawMessage(`{`), Errors: gqlerror.List{{Message: "x"}}}); err == nil {
		t.Error("data that is not JSON encoded without an error")
	}
}
