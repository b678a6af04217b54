package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"activelab/auth"
	"activelab/store"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// forEachBackend runs fn once per database (SQLite always, PostgreSQL when
// available: see storetest.Backends).
func forEachBackend(t *testing.T, fn func(t *testing.T, open func(testing.TB) *store.Store)) {
	t.Helper()
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) { fn(t, open) })
	}
}

// env is a running test server on a real socket.
type env struct {
	t   *testing.T
	st  *store.Store
	srv *Server
	ts  *httptest.Server
	log *syncBuffer
}

// testFrontend stands in for the built app.
var testFrontend = fstest.MapFS{
	"index.html":         {Data: []byte("<!doctype html><title>app</title><div id=root></div>")},
	"assets/app-1a2b.js": {Data: []byte("console.log('app')")},
	"favicon.svg":        {Data: []byte("<svg/>")},
}

func setup(t *testing.T, open func(testing.TB) *store.Store, mods ...func(*Config, *Options)) *env {
	t.Helper()
	st := open(t)
	cfg := Defaults()
	cfg.AllowedOrigins = []string{"http://localhost:5173"}
	logs := &syncBuffer{}
	opts := Options{Store: st, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Frontend: testFrontend}
	for _, m := range mods {
		m(&cfg, &opts)
	}
	srv, err := New(cfg, opts)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, st: st, srv: srv, ts: ts, log: logs}
}

// user creates a user with the role and a real password ("correct horse").
func (e *env) user(role store.Role) *store.User {
	e.t.Helper()
	u, err := e.srv.Auth().CreateUserAsOperator(context.Background(), auth.NewUser{
		Email: string(role) + "-" + strings.ReplaceAll(e.t.Name(), "/", "-") + "@example.test",
		Name:  "Test " + string(role), Role: role, Password: "correct horse",
	})
	if err != nil {
		e.t.Fatalf("create user: %v", err)
	}
	return u
}

// token issues an API token for u.
func (e *env) token(u *store.User) string {
	e.t.Helper()
	_, secret, err := e.srv.Auth().CreateAPIToken(context.Background(), u, "test", nil)
	if err != nil {
		e.t.Fatalf("create token: %v", err)
	}
	return secret
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
	header http.Header
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// post sends a GraphQL request as JSON; hdr are extra headers.
func (e *env) post(query string, vars map[string]any, hdr map[string]string) gqlResponse {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return e.do(req)
}

func (e *env) do(req *http.Request) gqlResponse {
	e.t.Helper()
	res, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("%s %s: status %d, body is not JSON: %q", req.Method, req.URL, res.StatusCode, raw)
	}
	out.status = res.StatusCode
	out.header = res.Header
	return out
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// wantData fails unless r has no errors, and decodes its data into v.
func wantData(t *testing.T, r gqlResponse, v any) {
	t.Helper()
	if len(r.Errors) > 0 || r.status != http.StatusOK {
		t.Fatalf("status %d, errors %+v", r.status, r.Errors)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
}

// wantError fails unless r's first error has the code and its message
// contains every fragment.
func wantError(t *testing.T, r gqlResponse, code string, fragments ...string) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("status %d: no error, data %s; want %s", r.status, r.Data, code)
	}
	if got := r.code(); got != code {
		t.Fatalf("code %q (message %q), want %q", got, r.Errors[0].Message, code)
	}
	for _, f := range fragments {
		if !strings.Contains(r.Errors[0].Message, f) {
			t.Errorf("message %q does not contain %q", r.Errors[0].Message, f)
		}
	}
}

// syncBuffer is a log sink the server writes to and a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func openSQLite(t testing.TB) *store.Store { return storetest.OpenSQLite(t) }

func discardLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func newUser(email string, role store.Role) auth.NewUser {
	return auth.NewUser{Email: email, Name: "Test", Role: role, Password: "correct horse"}
}

// emptyFS is a frontend without a build.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
