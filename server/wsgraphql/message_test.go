package wsgraphql

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"activelab/gqlresponse"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proto   protocol
		in      string
		want    message
		wantErr string
	}{
		{"init", transportWS, `{"type":"connection_init","payload":{"token":"x"}}`, message{kind: kindInit, payload: json.RawMessage(`{"token":"x"}`)}, ""},
		{"init null payload", transportWS, `{"type":"connection_init","payload":null}`, message{kind: kindInit}, ""},
		{"subscribe", transportWS, `{"id":"1","type":"subscribe","payload":{"query":"{ a }"}}`, message{kind: kindSubscribe, id: "1", payload: json.RawMessage(`{"query":"{ a }"}`)}, ""},
		{"complete", transportWS, `{"id":"1","type":"complete"}`, message{kind: kindComplete, id: "1"}, ""},
		{"ping", transportWS, `{"type":"ping"}`, message{kind: kindPing}, ""},
		{"pong", transportWS, `{"type":"pong","payload":{}}`, message{kind: kindPong, payload: json.RawMessage(`{}`)}, ""},
		{"legacy start", legacyWS, `{"id":"a","type":"start","payload":{}}`, message{kind: kindSubscribe, id: "a", payload: json.RawMessage(`{}`)}, ""},
		{"legacy stop", legacyWS, `{"id":"a","type":"stop"}`, message{kind: kindComplete, id: "a"}, ""},
		{"legacy terminate", legacyWS, `{"type":"connection_terminate"}`, message{kind: kindTerminate}, ""},
		{"legacy has no ping", legacyWS, `{"type":"ping"}`, message{}, `unknown message type "ping"`},
		{"no legacy types in the new protocol", transportWS, `{"type":"start","id":"1"}`, message{}, `unknown message type "start"`},
		{"not an object", transportWS, `[1]`, message{}, "not a JSON object"},
		{"truncated", transportWS, `{"type":"ping"`, message{}, "not a JSON object"},
		{"empty", transportWS, ``, message{}, "not a JSON object"},
		{"no type", transportWS, `{}`, message{}, "no type"},
		{"type not a string", transportWS, `{"type":1}`, message{}, "type must be a string"},
		{"id not a string", transportWS, `{"type":"complete","id":1}`, message{}, "id must be a string"},
		{"no id", transportWS, `{"type":"subscribe","payload":{}}`, message{}, "an id is required"},
		{"empty id", legacyWS, `{"type":"stop","id":""}`, message{}, "an id is required"},
		{"payload not an object", transportWS, `{"type":"subscribe","id":"1","payload":"{}"}`, message{}, "payload must be an object"},
		{"long type cut", transportWS, `{"type":"` + string(make([]byte, 0)) + "x12345678901234567890123456789012345678901234567890123456789012345678901234567890" + `"}`, message{},
			`unknown message type "x123456789012345678901234567890123456789012345678901234567890123"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(tc.proto, []byte(tc.in))
			if tc.wantErr != "" {
				var me *MessageError
				if !errors.As(err, &me) || me.Reason != tc.wantErr {
					t.Fatalf("error %v, want MessageError %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.kind != tc.want.kind || got.id != tc.want.id || string(got.payload) != string(tc.want.payload) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestAppendMessage(t *testing.T) {
	for _, tc := range []struct {
		typ, id string
		payload []byte
		want    string
	}{
		{"connection_ack", "", nil, `{"type":"connection_ack"}`},
		{"next", "1", []byte(`{"data":null}`), `{"type":"next","id":"1","payload":{"data":null}}`},
		{"complete", "a\"\n<", nil, `{"type":"complete","id":"a\"\n\u003c"}`},
	} {
		if got := string(appendMessage(nil, tc.typ, tc.id, tc.payload)); got != tc.want {
			t.Errorf("appendMessage(%q, %q, %s) = %s, want %s", tc.typ, tc.id, tc.payload, got, tc.want)
		}
	}
}

// TestAppendResponse: a result message is what appendMessage writes with
// gqlresponse's payload, for plain results (framed in one go) and
// others, and for ids with and without characters JSON escapes.
func TestAppendResponse(t *testing.T) {
	yes := true
	for _, resp := range []*graphql.Response{
		{Data: json.RawMessage(`{"queueEvents":{"seq":1,"type":"item_labeled"}}`)},
		{},
		{Data: json.RawMessage(`null`), Errors: gqlerror.List{{Message: "boom", Path: ast.Path{ast.PathName("a")}}}},
		{Data: json.RawMessage(`{}`), HasNext: &yes, Label: "l", Extensions: map[string]any{"x": 1}},
	} {
		for _, id := range []string{"1", "0193a0f4-0000-7000-8000-000000000001", "a\"\n<&>\\é\u2028", "~ !#"} {
			payload, err := gqlresponse.Append(nil, resp)
			if err != nil {
				t.Fatal(err)
			}
			want := appendMessage(nil, "next", id, payload)
			got, err := appendResponse(nil, "next", id, resp)
			if err == nil {
				want, _ := json.Marshal(resp)
				if !bytes.Contains(got, want) {
					t.Errorf("appendResponse(%q) = %s, without json.Marshal's %s", id, got, want)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) || !json.Valid(got) {
				t.Errorf("appendResponse(%q) = %s, want %s", id, got, want)
			}
			q, _ := json.Marshal(id)
			if got := appendJSONString(nil, id); string(got) != string(q) {
				t.Errorf("appendJSONString(%q) = %s, want %s", id, got, q)
			}
		}
	}
}

// typeNames are the client type names of each protocol by kind, for
// re-encoding a decoded message.
var typeNames = func() [2]map[kind]string {
	var names [2]map[kind]string
	for p, types := range clientTypes {
		names[p] = map[kind]string{}
		for name, k := range types {
			names[p][k] = name
		}
	}
	return names
}()

// FuzzDecode: decode never panics, fails only with a *MessageError, and
// what it accepts re-encodes to a message that decodes the same.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"connection_init","payload":{"Authorization":"Bearer al_x"}}`,
		`{"id":"1","type":"subscribe","payload":{"query":"subscription { queueEvents(modelId: \"m\") { seq } }","variables":{"m":1.5e3}}}`,
		`{"id":"1","type":"complete"}`, `{"type":"ping","payload":{"a":[1,2]}}`, `{"type":"pong"}`,
		`{"id":"7","type":"start","payload":{}}`, `{"id":"7","type":"stop"}`, `{"type":"connection_terminate"}`,
		`{"type":"ping","id":null,"payload":null}`, `{"type":"\u0070ing"}`, `{"type":"ping","type":"pong"}`,
		`{"id":"\ud800","type":"complete"}`, `  {"type" : "ping" } `, `null`, `{"type":null}`, `"x"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for p := range clientTypes {
			m, err := decode(protocol(p), []byte(in))
			if err != nil {
				var me *MessageError
				if !errors.As(err, &me) || me.Reason == "" {
					t.Fatalf("decode(%q): %v, want a *MessageError", in, err)
				}
				continue
			}
			name, ok := typeNames[p][m.kind]
			if !ok {
				t.Fatalf("decode(%q): kind %d not in the protocol", in, m.kind)
			}
			if (m.kind == kindSubscribe || m.kind == kindComplete) && m.id == "" {
				t.Fatalf("decode(%q): %s without an id", in, name)
			}
			out := appendMessage(nil, name, m.id, m.payload)
			if !json.Valid(out) {
				t.Fatalf("re-encoded %q is not JSON: %s", in, out)
			}
			again, err := decode(protocol(p), out)
			if err != nil || again.kind != m.kind || again.id != m.id || string(again.payload) != string(m.payload) {
				t.Fatalf("decode(%q) = %+v; re-encoded %s decodes to %+v, %v", in, m, out, again, err)
			}
		}
	})
}
