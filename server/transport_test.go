package server

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"activelab/store"
)

// uploadMutation imports a CSV file into the compound set "uploads".
const uploadMutation = `mutation($in: ImportCompoundsInput!) { importCompounds(input: $in) { rows created errors { row reason } set { name size } } }`

// uploadData is the data of uploadMutation.
type uploadData struct {
	ImportCompounds struct {
		Rows, Created int
		Errors        []struct {
			Row    int
			Reason string
		}
		Set struct {
			Name string
			Size int
		}
	}
}

// upload sends uploadMutation with the file as a GraphQL multipart request.
func (e *env) upload(tok, name, content string) gqlResponse {
	e.t.Helper()
	return e.multipart(tok, uploadMutation, map[string]any{"in": map[string]any{"file": nil, "setName": "uploads"}}, name, content)
}

// multipart sends a GraphQL multipart request (the multipart request
// spec) with one file bound to the variable path "variables.in.file".
func (e *env) multipart(tok, query string, vars map[string]any, filename, content string) gqlResponse {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0": ["variables.in.file"]}`)
	fw, _ := mw.CreateFormFile("0", filename)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	return e.do(req)
}

func (e *env) get(query, tok string) gqlResponse {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/graphql?query="+url.QueryEscape(query), nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return e.do(req)
}

func TestTransports(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setupRuntime(t, open).env
		tok := e.token(e.user(store.RoleScientist))

		t.Run("GET query", func(t *testing.T) {
			wantData(t, e.get(meQuery, tok), nil)
		})
		t.Run("GET mutation refused", func(t *testing.T) {
			r := e.get(`mutation { logout }`, tok)
			// GraphQL over HTTP: 405 Method Not Allowed, Allow: POST.
			if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" || len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "GET runs queries only") {
				t.Fatalf("status %d errors %+v, want a 405 refusal", r.status, r.Errors)
			}
		})
		t.Run("form-encoded JSON body (curl -d)", func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/graphql", strings.NewReader(`{"query":"{ me { email role } }"}`))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+tok)
			wantData(t, e.do(req), nil)
		})
		t.Run("multipart upload", func(t *testing.T) {
			// The file arrives whole: each of its rows is a stored compound.
			var d uploadData
			wantData(t, e.upload(tok, "a.csv", "smiles,name\nCCO,ethanol\nc1ccccc1,benzene\nCC(=O)O,acetic acid\n"), &d)
			if got := d.ImportCompounds; got.Rows != 3 || got.Created != 3 || len(got.Errors) != 0 || got.Set.Name != "uploads" || got.Set.Size != 3 {
				t.Errorf("importCompounds = %+v, want 3 rows created in set uploads", got)
			}
			set, err := e.st.CompoundSetByName(t.Context(), "uploads")
			if err != nil {
				t.Fatal(err)
			}
			ids, err := e.st.CompoundSetMemberIDs(t.Context(), set.ID)
			if err != nil {
				t.Fatal(err)
			}
			cs, err := e.st.CompoundsByIDs(t.Context(), ids)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]string{}
			for _, c := range cs {
				names[c.Name] = c.CanonicalSMILES
			}
			if len(names) != 3 || names["ethanol"] != "CCO" || names["benzene"] != "c1ccccc1" || names["acetic acid"] != "CC(=O)O" {
				t.Errorf("stored compounds %v, want the file's three", names)
			}
		})
		t.Run("request id", func(t *testing.T) {
			r := e.post(meQuery, nil, map[string]string{"Authorization": "Bearer " + tok, RequestIDHeader: "abc-123"})
			if got := r.header.Get(RequestIDHeader); got != "abc-123" {
				t.Errorf("X-Request-Id = %q, want the client's", got)
			}
			r = e.post(meQuery, nil, map[string]string{"Authorization": "Bearer " + tok, RequestIDHeader: "bad id!"})
			if got := r.header.Get(RequestIDHeader); len(got) != 24 {
				t.Errorf("X-Request-Id = %q, want a generated one", got)
			}
			if !strings.Contains(e.log.String(), `"request_id":"abc-123"`) {
				t.Errorf("logs lack the request id:\n%s", e.log.String())
			}
		})
	})
}

func TestBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open, func(c *Config, _ *Options) {
			c.MaxBodyBytes = 4096
			c.MaxUploadBytes = 8192
			c.ComplexityLimit = 20
			c.DepthLimit = 3
		})
		tok := e.token(e.user(store.RoleAdmin))
		h := bearer(tok)

		cases := []struct {
			name, query string
			vars        map[string]any
			status      int
			code        string
			fragments   []string
		}{
			{"malformed", `{ me { email `, nil, 200, "GRAPHQL_PARSE_FAILED", []string{"Expected Name"}},
			{"unknown field", `{ me { shoeSize } }`, nil, 200, "GRAPHQL_VALIDATION_FAILED", []string{`Cannot query field "shoeSize" on type "User"`}},
			{"wrong argument type", `mutation { revokeApiToken(id: {a: 1}) { id } }`, nil, 200, "GRAPHQL_VALIDATION_FAILED", []string{"ID"}},
			{"wrong variable type", `mutation($n: String!) { createApiToken(input: {name: $n}) { secret } }`, map[string]any{"n": map[string]any{"a": 1}}, 200, "GRAPHQL_VALIDATION_FAILED", []string{"cannot use"}},
			{"missing variable", `mutation($n: String!) { createApiToken(input: {name: $n}) { secret } }`, nil, 200, "GRAPHQL_VALIDATION_FAILED", []string{"must be defined"}},
			{"bad input value", `mutation { createUser(input: {email: "x@example.test", name: "  ", role: VIEWER, password: "correct horse"}) { user { id } } }`, nil, 200, CodeBadUserInput, []string{"name: is empty"}},
			{"shallow passes", `{ me { id } a: users { id } b: apiTokens { id } }`, nil, 200, "", nil},
			{"too complex", `{ a: users { id email name role createdAt } b: users { id email name role createdAt } c: users { id email name role createdAt } d: users { id email name role createdAt } }`, nil, 200, "COMPLEXITY_LIMIT_EXCEEDED", []string{"exceeds the limit of 20"}},
			{"introspection passes the depth limit", `{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }`, nil, 200, "", nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := e.post(tc.query, tc.vars, h)
				if r.status != tc.status {
					t.Errorf("status %d, want %d (errors %+v)", r.status, tc.status, r.Errors)
				}
				if tc.code == "" {
					wantData(t, r, nil)
					return
				}
				wantError(t, r, tc.code, tc.fragments...)
			})
		}

		t.Run("too deep", func(t *testing.T) {
			// The schema is shallow today; a fragment cycle-free nesting
			// through a fragment still counts: me(1) > fields(2)... build
			// one past 3 with the introspection-free path of LoginPayload.
			r := e.post(`mutation { login(input: {email: "a@b.c", password: "x"}) { user { id } } }`, nil, nil)
			wantError(t, r, CodeUnauthenticated) // depth 3 is allowed
			e2 := setup(t, open, func(c *Config, _ *Options) { c.DepthLimit = 2 })
			r = e2.post(`mutation { login(input: {email: "a@b.c", password: "x"}) { user { id } } }`, nil, nil)
			if r.status != 200 {
				t.Errorf("status %d, want 200 (application/json)", r.status)
			}
			wantError(t, r, DepthLimitExceeded, "nested 3 levels deep", "limit of 2")
		})

		t.Run("oversized body", func(t *testing.T) {
			big := `{ me { id } }` + strings.Repeat(" ", 5000)
			r := e.post(big, nil, h)
			if r.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413", r.status)
			}
			wantError(t, r, CodeBadUserInput, "request body too large", "4 KiB", "--max-body-bytes")
			// Chunked (no Content-Length) too.
			req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/graphql", struct{ *strings.Reader }{strings.NewReader(`{"query":"` + big + `"}`)})
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			if r := e.do(req); r.status != http.StatusRequestEntityTooLarge {
				t.Errorf("chunked: status %d, want 413", r.status)
			}
			if r := e.upload(tok, "big.bin", strings.Repeat("x", 9000)); r.status != http.StatusRequestEntityTooLarge {
				t.Errorf("upload: status %d, want 413", r.status)
			}
		})

		t.Run("not JSON", func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/graphql", strings.NewReader(`{"query": `))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			r := e.do(req)
			if r.status != http.StatusBadRequest || len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "json") {
				t.Errorf("status %d errors %+v, want 400 naming JSON", r.status, r.Errors)
			}
		})
	})
}
