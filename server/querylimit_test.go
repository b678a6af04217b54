package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"activelab/store"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestScanDocument(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		query string
		want  documentCounts
	}{
		{"flat", `{ me { id email name } }`, documentCounts{tokens: 8, fields: 4}},
		{"aliases", `{ a: me { id } b: me { x: id } }`, documentCounts{tokens: 16, fields: 4, aliases: 3}},
		{"arguments not counted", `{ compounds(search: "x", first: 2) { totalCount } }`, documentCounts{tokens: 14, fields: 2}},
		{"directive not counted", `query($v: Boolean!) { me { id @include(if: $v) } }`, documentCounts{tokens: 22, fields: 2}},
		{"type condition not counted", `{ me { ... on User { id } ...F } } fragment F on User { email }`, documentCounts{tokens: 20, fields: 4}},
		{"fragment definition header not counted", `fragment F on User { a b c }`, documentCounts{tokens: 9, fields: 3}},
		{"comments not counted", "{ me # a comment\n { id } }", documentCounts{tokens: 6, fields: 2}},
		{"lexing error stops the count", `{ me { id } } "unterminated`, documentCounts{tokens: 6, fields: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, over := scanDocument(tc.query, 1000, 1000, 1000)
			if got != tc.want || over != "" {
				t.Errorf("scanDocument(%q) = %+v, %q; want %+v", tc.query, got, over, tc.want)
			}
		})
	}
	if _, over := scanDocument(`{ a b c }`, 4, 2, 10); over != "fields" {
		t.Errorf("3 fields, limit 2: over %q, want fields", over)
	}
	if _, over := scanDocument(`{ a b c }`, 3, 10, 10); over != "tokens" {
		t.Errorf("5 tokens, limit 3: over %q, want tokens", over)
	}
	if _, over := scanDocument(`{ x: a y: b }`, 100, 10, 1); over != "aliases" {
		t.Errorf("2 aliases, limit 1: over %q, want aliases", over)
	}
}

// repeatedMe is `{ me { email email ... } }` with n fields: validation of
// it grew with n² (20,000 took 28 s before the guard).
func repeatedMe(n int) string {
	return "{ me { " + strings.Repeat("email ", n) + "} }"
}

// TestQueryGuard: documents over the limits are refused before parsing
// and validation, with QUERY_TOO_LARGE for authenticated callers and
// UNAUTHENTICATED for anonymous ones, whose operations other than login
// are refused before validation.
func TestQueryGuard(t *testing.T) {
	e := setup(t, openSQLite, func(c *Config, _ *Options) { c.MaxFields = 50; c.MaxAliases = 3 })
	tok := e.token(e.user(store.RoleViewer))

	before := e.srv.guard.refused.Load()
	r := e.post(repeatedMe(20000), nil, nil)
	wantError(t, r, CodeUnauthenticated, "Bearer", "more than 50 fields")
	if got := e.srv.guard.refused.Load() - before; got != 1 {
		t.Errorf("guard refused %d documents, want 1 (the 20,000-field query must stop at the guard)", got)
	}

	// Anonymous and small but not login: refused by the guard, before
	// validation (an unknown field would otherwise be a validation error).
	before = e.srv.guard.refused.Load()
	wantError(t, e.post(`{ me { nope } }`, nil, nil), CodeUnauthenticated)
	wantError(t, e.post(`{ __schema { types { name } } }`, nil, nil), CodeUnauthenticated)
	wantError(t, e.post(`mutation { login(input: {email: "a@b.c", password: "x"}) { expiresAt } createApiToken(input: {name: "x"}) { secret } }`, nil, nil), CodeUnauthenticated)
	if got := e.srv.guard.refused.Load() - before; got != 3 {
		t.Errorf("guard refused %d anonymous documents, want 3", got)
	}
	// Login itself passes the guard (and fails on the password).
	wantError(t, e.post(`mutation { login(input: {email: "nobody@example.test", password: "wrong password"}) { expiresAt } }`, nil, nil), CodeUnauthenticated, "invalid email or password")

	// Authenticated: the configured limits.
	for _, tc := range []struct {
		name, query, limit string
	}{
		{"fields", repeatedMe(51), "fields"},
		{"aliases", `{ a: me { id } b: me { id } c: me { id } d: me { id } }`, "aliases"},
		{"tokens", "query($a: [Int] = [" + strings.Repeat("1 ", 10000) + "]) { me { id } }", "tokens"},
	} {
		r := e.post(tc.query, nil, bearer(tok))
		wantError(t, r, QueryTooLarge)
		if r.Errors[0].Extensions["limit"] != tc.limit {
			t.Errorf("%s: extensions %v, want limit %q", tc.name, r.Errors[0].Extensions, tc.limit)
		}
	}
	wantData(t, e.post(repeatedMe(49), nil, bearer(tok)), nil) // me + 49
	wantError(t, e.post(repeatedMe(20000), nil, bearer(tok)), QueryTooLarge)

	// The refusals are exported.
	_, _, metrics := fetch(t, e, "/metrics")
	want := `activelab_edge_refused_total{reason="before_validation"} ` + itoa(e.srv.guard.refused.Load())
	if e.srv.guard.refused.Load() != 8 || !strings.Contains(metrics, want) {
		t.Errorf("guard refused %d (want 8); /metrics lacks %q", e.srv.guard.refused.Load(), want)
	}
	if !strings.Contains(metrics, "activelab_password_hashes_peak 1") {
		t.Errorf("/metrics lacks activelab_password_hashes_peak 1 (one login, one check)")
	}
}

// BenchmarkRepeatedFieldsAuthenticated measures the worst document an
// authenticated caller may send under the default --max-fields: `{ me {
// email × 499 } }` parsed, validated and run (the query cache is defeated
// by a changing operation name).
func BenchmarkRepeatedFieldsAuthenticated(b *testing.B) {
	st := openSQLite(b)
	srv, err := New(Defaults(), Options{Store: st, Logger: discardLogger(), Frontend: testFrontend})
	if err != nil {
		b.Fatal(err)
	}
	u, err := srv.Auth().CreateUserAsOperator(context.Background(), newUser("bench@example.test", store.RoleViewer))
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := srv.Auth().CreateAPIToken(context.Background(), u, "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	fields := strings.Repeat("email ", 499)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := `{"query":"query Q` + itoa(int64(i)) + ` { me { ` + fields + `} }"}`
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "errors") {
			b.Fatalf("status %d: %.300s", w.Code, w.Body.String())
		}
	}
}

// BenchmarkAnonymousRepeatedFields measures the server time of the
// anonymous `{ me { email × n } }` documents of issue 12 (20,000 fields
// took 27.7 s): the whole HTTP handler, in process.
func BenchmarkAnonymousRepeatedFields(b *testing.B) {
	for _, n := range []int{8000, 20000} {
		b.Run("fields="+itoa(int64(n)), func(b *testing.B) { benchmarkAnonymousRepeatedFields(b, n) })
	}
}

func benchmarkAnonymousRepeatedFields(b *testing.B, n int) {
	st := openSQLite(b)
	srv, err := New(Defaults(), Options{Store: st, Logger: discardLogger(), Frontend: testFrontend})
	if err != nil {
		b.Fatal(err)
	}
	body := `{"query":"` + repeatedMe(n) + `"}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		if !strings.Contains(w.Body.String(), CodeUnauthenticated) {
			b.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
	}
}

// FuzzScanDocument: scanDocument never under-counts what the parser
// finds (fields, and aliases that differ from their field's name), so a
// document within its limits is within them for gqlparser too.
func FuzzScanDocument(f *testing.F) {
	for _, seed := range []string{
		`{ me { id email name } }`,
		`{ a: me { id } b: me { x: id } }`,
		`query($v: Boolean! = true, $o: In = {a: {b: 1}}) { me { id @include(if: $v) } }`,
		`{ me { ... on User { id } ...F } } fragment F on User { email on }`,
		`subscription S { queueEvents(modelId: "1", afterSeq: 2) { seq type } }`,
		`mutation { login(input: {email: "a@b.c", password: """block "string" """}) { expiresAt } }`,
		"{ me # comment { fake }\n { id } }",
		repeatedMe(30),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		c, over := scanDocument(query, 1<<30, 1<<30, 1<<30)
		if over != "" {
			t.Fatalf("over %q with no limits", over)
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			return
		}
		fields, aliases := 0, 0
		var walk func(ast.SelectionSet)
		walk = func(set ast.SelectionSet) {
			for _, sel := range set {
				switch s := sel.(type) {
				case *ast.Field:
					fields++
					if s.Alias != s.Name {
						aliases++
					}
					walk(s.SelectionSet)
				case *ast.InlineFragment:
					walk(s.SelectionSet)
				}
			}
		}
		for _, op := range doc.Operations {
			walk(op.SelectionSet)
		}
		for _, fr := range doc.Fragments {
			walk(fr.SelectionSet)
		}
		if c.fields < fields || c.aliases < aliases {
			t.Fatalf("scanDocument(%q) = %+v; the parser finds %d fields, %d aliases", query, c, fields, aliases)
		}
	})
}
