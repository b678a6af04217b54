package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"activelab/store"
)

// hostile is one hostile request and the answer it must get: its HTTP
// status, extensions.code and, for bad arguments, extensions.field.
type hostile struct {
	name   string
	req    func(h *hostileEnv) *http.Request
	status int
	code   string
	field  string
	// noData: the body must have no "data" entry (graphql-response+json).
	noData bool
}

// hostileEnv is the server under attack, with the credentials the cases use.
type hostileEnv struct {
	*alEnv
}

// gql builds a JSON POST of query and variables with the credential who
// ("", "viewer", "scientist", "admin").
func gql(who, query string, vars map[string]any) func(h *hostileEnv) *http.Request {
	return func(h *hostileEnv) *http.Request {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tok := h.tokenOf(who); tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		return req
	}
}

// withHeader adds a header to what build makes.
func withHeader(build func(h *hostileEnv) *http.Request, k, v string) func(h *hostileEnv) *http.Request {
	return func(h *hostileEnv) *http.Request {
		req := build(h)
		req.Header.Set(k, v)
		return req
	}
}

func raw(method, contentType, body string) func(h *hostileEnv) *http.Request {
	return func(h *hostileEnv) *http.Request {
		req, _ := http.NewRequest(method, h.ts.URL+"/graphql", strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("Authorization", "Bearer "+h.adminT)
		return req
	}
}

func (h *hostileEnv) tokenOf(who string) string {
	switch who {
	case "viewer":
		return h.vwT
	case "scientist":
		return h.sciT
	case "admin":
		return h.adminT
	}
	return ""
}

// argCase is an argument hostile strings are sent in: the operation
// takes the value as $v (inline, the literal replaces $v).
type argCase struct {
	field, who, vtype, query string
	limit                    int
}

var hostileArgs = []argCase{
	{"email", "", "String!", `mutation($v: String!) { login(input: {email: $v, password: "wrong password"}) { expiresAt } }`, 254},
	{"password", "", "String!", `mutation($v: String!) { login(input: {email: "a@example.test", password: $v}) { expiresAt } }`, 1024},
	{"name", "admin", "String!", `mutation($v: String!) { createApiToken(input: {name: $v}) { secret } }`, 200},
	{"email", "admin", "String!", `mutation($v: String!) { createUser(input: {email: $v, name: "n", role: VIEWER, password: "correct horse"}) { user { id } } }`, 254},
	{"name", "admin", "String!", `mutation($v: String!) { createUser(input: {email: "n@example.test", name: $v, role: VIEWER, password: "correct horse"}) { user { id } } }`, 200},
	{"password", "admin", "String!", `mutation($v: String!) { createUser(input: {email: "n@example.test", name: "n", role: VIEWER, password: $v}) { user { id } } }`, 1024},
	{"name", "admin", "String", `mutation($v: String) { updateUser(input: {id: "01900000-0000-7000-8000-000000000999", name: $v}) { user { id } } }`, 200},
	{"password", "admin", "String", `mutation($v: String) { updateUser(input: {id: "01900000-0000-7000-8000-000000000999", password: $v}) { user { id } } }`, 1024},
	{"search", "viewer", "String", `query($v: String) { compounds(search: $v) { totalCount } }`, 500},
	{"substructure", "viewer", "String", `query($v: String) { compounds(substructure: $v) { totalCount } }`, 2000},
	{"after", "viewer", "String", `query($v: String) { compounds(after: $v) { totalCount } }`, 200},
	{"after", "viewer", "String", `query($v: String) { labelQueue(after: $v) { totalCount } }`, 200},
	{"endpoint", "viewer", "String", `query($v: String) { compound(id: "01900000-0000-7000-8000-000000000999") { measurements(endpoint: $v) { id } } }`, 200},
	{"name", "admin", "String!", `mutation($v: String!) { createModel(input: {name: $v, endpoint: "logS", task: REGRESSION}) { model { id } } }`, 200},
	{"endpoint", "admin", "String!", `mutation($v: String!) { createModel(input: {name: "m", endpoint: $v, task: REGRESSION}) { model { id } } }`, 200},
	{"learner", "admin", "String", `mutation($v: String) { createModel(input: {name: "m", endpoint: "logS", task: REGRESSION, learner: $v}) { model { id } } }`, 200},
	{"params", "admin", "String", `mutation($v: String) { createModel(input: {name: "m", endpoint: "logS", task: REGRESSION, params: $v}) { model { id } } }`, 4000},
	{"kind", "admin", "String", `mutation($v: String) { createModel(input: {name: "m", endpoint: "logS", task: REGRESSION, split: {kind: $v}}) { model { id } } }`, 200},
	{"strategy", "scientist", "String!", `mutation($v: String!) { selectSamples(input: {selection: {modelId: "01900000-0000-7000-8000-000000000999", strategy: $v, batchSize: 1}}) { cycle { id } } }`, 200},
	{"strategy", "scientist", "String!", `query($v: String!) { previewSelection(input: {modelId: "01900000-0000-7000-8000-000000000999", strategy: $v, batchSize: 1}) { rank } }`, 200},
	{"notes", "scientist", "String", `mutation($v: String) { submitLabel(input: {itemId: "01900000-0000-7000-8000-000000000999", value: 1, notes: $v}) { item { id } } }`, 4000},
	{"reason", "scientist", "String!", `mutation($v: String!) { skipItem(input: {itemId: "01900000-0000-7000-8000-000000000999", reason: $v}) { item { id } } }`, 1000},
	{"reason", "scientist", "String!", `mutation($v: String!) { skipItems(input: {itemIds: ["01900000-0000-7000-8000-000000000999"], reason: $v}) { items { id } } }`, 1000},
	{"id", "viewer", "ID!", `query($v: ID!) { model(id: $v) { id } }`, 40},
	{"id", "viewer", "ID!", `query($v: ID!) { queueItem(id: $v) { id } }`, 40},
	{"id", "admin", "ID!", `mutation($v: ID!) { revokeApiToken(id: $v) { id } }`, 40},
	{"itemIds", "scientist", "ID!", `mutation($v: ID!) { assignItems(input: {itemIds: ["01900000-0000-7000-8000-000000000999", $v], userId: "01900000-0000-7000-8000-000000000999"}) { items { id } } }`, 40},
	{"modelId", "viewer", "ID!", `query($v: ID!) { labelQueue(filter: {modelId: $v}) { totalCount } }`, 40},
}

// argumentCases sends each argument a value one character over its
// limit and one with a NUL byte, through a variable and inline.
func argumentCases() []hostile {
	var out []hostile
	for _, a := range hostileArgs {
		long := strings.Repeat("x", a.limit+1)
		for _, v := range []struct{ what, value string }{{"too long", long}, {"NUL", "a\x00b"}} {
			name := fmt.Sprintf("%s %s (%s)", a.field, v.what, strings.Fields(a.query)[1])
			out = append(out,
				hostile{name: name + " variable", req: gql(a.who, a.query, map[string]any{"v": v.value}),
					status: 200, code: CodeBadUserInput, field: a.field},
				hostile{name: name + " inline", req: gql(a.who, inline(a.query, a.vtype, v.value), nil),
					status: 200, code: CodeBadUserInput, field: a.field},
			)
		}
	}
	return out
}

// inline replaces the operation's $v by the literal value.
func inline(query, vtype, value string) string {
	lit, _ := json.Marshal(value) // JSON escapes are GraphQL escapes
	q := strings.Replace(query, "($v: "+vtype+")", "", 1)
	return strings.ReplaceAll(q, "$v", string(lit))
}

func anonymousCases() []hostile {
	anon := func(name, query string) hostile {
		return hostile{name: "anonymous " + name, req: gql("", query, nil), status: 200, code: CodeUnauthenticated}
	}
	return []hostile{
		anon("me", `{ me { id email } }`),
		anon("20,000 repeated fields", repeatedMe(20000)),
		anon("8,000 repeated fields", repeatedMe(8000)),
		anon("1,000 aliases", "{ "+func() string {
			var b strings.Builder
			for i := range 1000 {
				fmt.Fprintf(&b, "a%d: me { id } ", i)
			}
			return b.String()
		}()+"}"),
		anon("users", `{ users { email } }`),
		anon("models", `{ models { id } }`),
		anon("search", `{ compounds(search: "c") { totalCount } }`),
		anon("introspection", `{ __schema { types { name } } }`),
		anon("__type", `{ __type(name: "User") { fields { name } } }`),
		anon("unknown field", `{ nope }`),
		anon("createUser", `mutation { createUser(input: {email: "x@example.test", name: "x", role: ADMIN, password: "correct horse"}) { user { id } } }`),
		anon("createApiToken", `mutation { createApiToken(input: {name: "x"}) { secret } }`),
		anon("login beside createApiToken", `mutation { login(input: {email: "a@b.c", password: "x"}) { expiresAt } createApiToken(input: {name: "x"}) { secret } }`),
		anon("me in a fragment", `query { ...F } fragment F on Query { me { id } }`),
		anon("subscription over POST", `subscription { queueEvents(modelId: "01900000-0000-7000-8000-000000000999") { seq } }`),
		anon("deep login selection past the token cap", `mutation { login(input: {email: "a@b.c", password: "x"}) { `+strings.Repeat("user { email } ", 200)+`} }`),
		{name: "anonymous NUL in the login email", req: gql("", `mutation { login(input: {email: "a\u0000@b.c", password: "x"}) { expiresAt } }`, nil),
			status: 200, code: CodeBadUserInput, field: "email"},
		{name: "garbage bearer token", req: withHeader(gql("", `{ me { id } }`, nil), "Authorization", "Bearer al_garbage"), status: 200, code: CodeUnauthenticated},
		{name: "10 KB bearer token", req: withHeader(gql("", `{ me { id } }`, nil), "Authorization", "Bearer al_"+strings.Repeat("A", 10000)), status: 200, code: CodeUnauthenticated},
		{name: "Basic credentials", req: withHeader(gql("", `{ me { id } }`, nil), "Authorization", "Basic YWRtaW46YWRtaW4="), status: 200, code: CodeUnauthenticated},
		{name: "forged session cookie", req: withHeader(gql("", `{ me { id } }`, nil), "Cookie", "activelab_session=forged"), status: 200, code: CodeUnauthenticated},
		{name: "NUL in the session cookie", req: withHeader(gql("", `{ me { id } }`, nil), "Cookie", "activelab_session=a%00b"), status: 200, code: CodeUnauthenticated},
	}
}

func limitCases() []hostile {
	var aliases strings.Builder
	for i := range 101 {
		fmt.Fprintf(&aliases, "a%d: me { id } ", i)
	}
	deep := `{ compound(id: "01900000-0000-7000-8000-000000000999") { similar { compound { similar { compound { similar { compound { similar { compound { similar { compound { similar { compound { id } } } } } } } } } } } } } }`
	return []hostile{
		{name: "501 fields", req: gql("viewer", repeatedMe(500), nil), status: 200, code: QueryTooLarge},
		{name: "20,000 fields", req: gql("viewer", repeatedMe(20000), nil), status: 200, code: QueryTooLarge},
		{name: "101 aliases", req: gql("viewer", "{ "+aliases.String()+"}", nil), status: 200, code: QueryTooLarge},
		{name: "10,001 tokens", req: gql("viewer", "query($a: [Int] = ["+strings.Repeat("1 ", 10000)+"]) { me { id } }", nil), status: 200, code: QueryTooLarge},
		{name: "too deep", req: gql("viewer", deep, nil), status: 200, code: DepthLimitExceeded},
		{name: "fragment cycle", req: gql("viewer", `{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, nil), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unterminated document", req: gql("viewer", `{ me { id `, nil), status: 200, code: "GRAPHQL_PARSE_FAILED"},
		{name: "unterminated string", req: gql("viewer", `{ compounds(search: "abc) { totalCount } }`, nil), status: 200, code: "GRAPHQL_PARSE_FAILED"},
		{name: "variable of the wrong type", req: gql("viewer", `query($v: ID!) { model(id: $v) { id } }`, map[string]any{"v": map[string]any{"a": 1}}), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "missing variable", req: gql("viewer", `query($v: ID!) { model(id: $v) { id } }`, nil), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown operation name", req: func(h *hostileEnv) *http.Request {
			body := `{"query":"query A { me { id } }","operationName":"B"}`
			return raw(http.MethodPost, "application/json", body)(h)
		}, status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
	}
}

func timeCases() []hostile {
	var out []hostile
	for _, v := range []string{"yesterday", "2026-13-45T00:00:00Z", "2026-12-06T10:00:00", "12/06/2026", "2026-12-06T10:00:00Z\x00", strings.Repeat("9", 5000)} {
		q := `mutation($v: Time) { createApiToken(input: {name: "t", expiresAt: $v}) { secret } }`
		out = append(out,
			hostile{name: fmt.Sprintf("expiresAt %.20q variable", v), req: gql("admin", q, map[string]any{"v": v}), status: 200, code: CodeBadUserInput, field: "expiresAt"},
			hostile{name: fmt.Sprintf("expiresAt %.20q inline", v), req: gql("admin", inline(q, "Time", v), nil), status: 200, code: CodeBadUserInput, field: "expiresAt"})
	}
	out = append(out,
		hostile{name: "expiresAt a number", req: gql("admin", `mutation { createApiToken(input: {name: "t", expiresAt: 12345}) { secret } }`, nil), status: 200, code: CodeBadUserInput, field: "expiresAt"},
		hostile{name: "expiresAt a number variable", req: gql("admin", `mutation($v: Time) { createApiToken(input: {name: "t", expiresAt: $v}) { secret } }`, map[string]any{"v": 12345}), status: 200, code: CodeBadUserInput, field: "expiresAt"},
	)
	return out
}

func protocolCases() []hostile {
	gqlResponseJSON := func(build func(h *hostileEnv) *http.Request) func(h *hostileEnv) *http.Request {
		return withHeader(build, "Accept", "application/graphql-response+json")
	}
	return []hostile{
		{name: "body not JSON", req: raw(http.MethodPost, "application/json", `{"query": `), status: 400, code: CodeBadUserInput},
		{name: "body a JSON array", req: raw(http.MethodPost, "application/json", `[1,2,3]`), status: 400, code: CodeBadUserInput},
		{name: "query not a string", req: raw(http.MethodPost, "application/json", `{"query": 42}`), status: 400, code: CodeBadUserInput},
		{name: "no query", req: raw(http.MethodPost, "application/json", `{}`), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "body over 1 MiB", req: raw(http.MethodPost, "application/json", `{"query":"{ me { id } }`+strings.Repeat(" ", 1<<20)+`"}`), status: 413, code: CodeBadUserInput},
		{name: "mutation over GET", req: func(h *hostileEnv) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/graphql?query="+url.QueryEscape(`mutation { logout }`), nil)
			req.Header.Set("Authorization", "Bearer "+h.adminT)
			return req
		}, status: 405, code: CodeBadUserInput},
		{name: "subscription over GET", req: func(h *hostileEnv) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/graphql?query="+url.QueryEscape(`subscription { queueEvents(modelId: "01900000-0000-7000-8000-000000000999") { seq } }`), nil)
			req.Header.Set("Authorization", "Bearer "+h.adminT)
			return req
		}, status: 405, code: CodeBadUserInput},
		{name: "cross-origin anonymous POST", req: withHeader(gql("", `mutation { login(input: {email: "a@b.c", password: "x"}) { expiresAt } }`, nil), "Origin", "https://evil.example"), status: 403, code: CodeForbidden},
		{name: "parse error, graphql-response+json", req: gqlResponseJSON(gql("viewer", `{ me { id `, nil)), status: 400, code: "GRAPHQL_PARSE_FAILED", noData: true},
		{name: "validation error, graphql-response+json", req: gqlResponseJSON(gql("viewer", `{ me { shoeSize } }`, nil)), status: 400, code: "GRAPHQL_VALIDATION_FAILED", noData: true},
		{name: "variable coercion error, graphql-response+json", req: gqlResponseJSON(gql("viewer", `query($v: ID!) { model(id: $v) { id } }`, map[string]any{"v": []int{1}})), status: 400, code: "GRAPHQL_VALIDATION_FAILED", noData: true},
		{name: "too large, graphql-response+json", req: gqlResponseJSON(gql("viewer", repeatedMe(5000), nil)), status: 400, code: QueryTooLarge, noData: true},
		{name: "anonymous upload", req: func(h *hostileEnv) *http.Request {
			req := uploadRequest(h, strings.Repeat("x", 1<<20))
			req.Header.Del("Authorization")
			return req
		}, status: 401, code: CodeUnauthenticated},
		{name: "900 KB set name in an upload", req: func(h *hostileEnv) *http.Request {
			return uploadRequest(h, strings.Repeat("s", 900<<10))
		}, status: 200, code: CodeBadUserInput, field: "setName"},
	}
}

// issueCases are the other inputs issue 12 reproduced: long searches
// (100,000 characters ran 17 s on PostgreSQL, 900 KB over 60 s, and ended
// INTERNAL with a 900 KB log line on SQLite) and a token minting a token.
func issueCases() []hostile {
	search := `query($v: String) { compounds(search: $v) { totalCount } }`
	return []hostile{
		{name: "100,000-character search", req: gql("viewer", search, map[string]any{"v": strings.Repeat("c", 100000)}), status: 200, code: CodeBadUserInput, field: "search"},
		{name: "900 KB search", req: gql("viewer", search, map[string]any{"v": strings.Repeat("c", 900<<10)}), status: 200, code: CodeBadUserInput, field: "search"},
		{name: "900 KB substructure", req: gql("viewer", `query($v: String) { compounds(substructure: $v) { totalCount } }`, map[string]any{"v": strings.Repeat("C", 900<<10)}), status: 200, code: CodeBadUserInput, field: "substructure"},
		{name: "a token minting a token", req: gql("viewer", `mutation { createApiToken(input: {name: "child"}) { secret } }`, nil), status: 200, code: CodeForbidden},
	}
}

// floodCases come last: wrong logins from the test's address until it is
// throttled (TOO_MANY_REQUESTS, 429).
func floodCases() []hostile {
	var out []hostile
	login := `mutation($e: String!) { login(input: {email: $e, password: "wrong password"}) { expiresAt } }`
	for i := range 11 {
		out = append(out, hostile{name: fmt.Sprintf("wrong login %d", i+1),
			req: gql("", login, map[string]any{"e": fmt.Sprintf("flood%d@example.test", i)}), status: 200, code: CodeUnauthenticated})
	}
	return append(out, hostile{name: "wrong login throttled", req: gql("", login, map[string]any{"e": "flood@example.test"}),
		status: http.StatusTooManyRequests, code: CodeTooManyRequests})
}

func hostileCases() []hostile {
	var all []hostile
	all = append(all, issueCases()...)
	all = append(all, anonymousCases()...)
	all = append(all, limitCases()...)
	all = append(all, argumentCases()...)
	all = append(all, timeCases()...)
	all = append(all, protocolCases()...)
	all = append(all, floodCases()...) // last: it throttles the address
	return all
}

// minHostileCases is issue 12's floor for the suite.
const minHostileCases = 120

// TestHostileInputs sends every hostile request to a server with data, on
// each database: each gets its status and extensions.code (and
// extensions.field for arguments), the server stays healthy, the database
// is unchanged and nothing is logged at ERROR.
func TestHostileInputs(t *testing.T) {
	cases := hostileCases()
	if len(cases) < minHostileCases {
		t.Fatalf("%d hostile cases, want at least %d", len(cases), minHostileCases)
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		h := &hostileEnv{setupAL(t, open)}
		h.importESOL(t)
		before := tableCounts(t, h.st)

		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res, err := h.ts.Client().Do(tc.req(h))
				if err != nil {
					t.Fatalf("request: %v", err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				var out map[string]json.RawMessage
				if err := json.Unmarshal(body, &out); err != nil {
					t.Fatalf("status %d, body not JSON: %.300q", res.StatusCode, body)
				}
				var errs []gqlError
				_ = json.Unmarshal(out["errors"], &errs)
				if res.StatusCode != tc.status || len(errs) == 0 || errs[0].Extensions["code"] != tc.code {
					t.Fatalf("status %d, errors %.500v; want %d %s", res.StatusCode, errs, tc.status, tc.code)
				}
				if tc.field != "" && errs[0].Extensions["field"] != tc.field {
					t.Errorf("extensions %v, want field %q", errs[0].Extensions, tc.field)
				}
				if _, ok := out["data"]; ok && tc.noData {
					t.Errorf("body has a data entry: %.300s", body)
				}
			})
		}

		if code, _, body := fetch(t, h.env, "/healthz"); code != http.StatusOK {
			t.Errorf("/healthz after the attack: %d %s", code, body)
		}
		wantData(t, h.post(`{ compounds(search: "c") { totalCount } }`, nil, bearer(h.vwT)), nil)
		if after := tableCounts(t, h.st); !equalCounts(before, after) {
			t.Errorf("database changed:\nbefore %v\nafter  %v", before, after)
		}
		for _, line := range strings.Split(h.log.String(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				t.Errorf("logged at ERROR: %.500s", line)
			}
		}
	})
}

// tableCounts counts the rows of every table of the database.
func tableCounts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	ctx := context.Background()
	list := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if st.Dialect() == "postgres" {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	var tables []string
	if err := st.DB().NewRaw(list).Scan(ctx, &tables); err != nil {
		t.Fatalf("list tables: %v", err)
	}
	sort.Strings(tables)
	counts := map[string]int{}
	for _, tbl := range tables {
		var n int
		if err := st.DB().NewRaw(`SELECT count(*) FROM "`+tbl+`"`).Scan(ctx, &n); err != nil {
			t.Fatalf("count %s: %v", tbl, err)
		}
		counts[tbl] = n
	}
	if len(counts) < 10 {
		t.Fatalf("only %d tables: %v", len(counts), tables)
	}
	return counts
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// uploadRequest is a scientist's importCompounds upload of a small CSV
// into the set setName.
func uploadRequest(h *hostileEnv, setName string) *http.Request {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{
		"query":     `mutation($in: ImportCompoundsInput!) { importCompounds(input: $in) { rows } }`,
		"variables": map[string]any{"in": map[string]any{"file": nil, "setName": setName}},
	})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0": ["variables.in.file"]}`)
	fw, _ := w.CreateFormFile("0", "x.csv")
	_, _ = fw.Write([]byte("smiles\nCCO\n"))
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/graphql", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+h.sciT)
	return req
}
