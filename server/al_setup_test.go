package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/activelearning/altest"
	"activelab/activelearning/ingest"
	"activelab/events"
	"activelab/ident"
	"activelab/jobs"
	"activelab/store"

	"github.com/gorilla/websocket"
)

// Test data: the first alTrainRows rows of altest.ESOL160 (ESOL,
// Delaney 2004) carry values, the next alPoolRows form the pool.
const (
	alTrainRows = 40
	alPoolRows  = 80
	alMembers   = 8
)

// alEnv is a test server with the active-learning runtime, three users
// and, after trainModel, a trained regression model on ESOL.
type alEnv struct {
	*env
	rt                *Runtime
	queries           *queryCounter
	admin, sci, view  *store.User
	adminT, sciT, vwT string
	poolSet           store.ID
	modelID           store.ID
}

// setupRuntime starts a test server with the runtime and no users; mods
// adjust the runtime's configuration.
func setupRuntime(t *testing.T, open func(testing.TB) *store.Store, mods ...func(*RuntimeConfig)) *alEnv {
	t.Helper()
	return setupRuntimeServer(t, open, nil, mods...)
}

// setupRuntimeServer is setupRuntime with the server's configuration and
// options adjusted by smods as well.
func setupRuntimeServer(t *testing.T, open func(testing.TB) *store.Store, smods []func(*Config, *Options), mods ...func(*RuntimeConfig)) *alEnv {
	t.Helper()
	var rt *Runtime
	qc := &queryCounter{}
	e := setup(t, open, append([]func(*Config, *Options){func(_ *Config, o *Options) {
		o.Store.OnQuery(qc.observe)
		rt = newTestRuntime(t, o.Store, mods...)
		o.Service, o.Broker, o.Metrics, o.Jobs = rt.Service, rt.Broker, rt.Collectors(), rt.Jobs
	}}, smods...)...)
	return &alEnv{env: e, rt: rt, queries: qc}
}

// newTestRuntime builds and starts the runtime on st (stopped when the
// test ends); mods adjust its configuration.
func newTestRuntime(t *testing.T, st *store.Store, mods ...func(*RuntimeConfig)) *Runtime {
	t.Helper()
	rc := RuntimeConfig{Jobs: jobs.Config{PollInterval: 50 * time.Millisecond},
		Broker: events.BrokerConfig{PollInterval: 200 * time.Millisecond, Log: discardLogger()}}
	for _, m := range mods {
		m(&rc)
	}
	rt, err := NewRuntime(st, rc, discardLogger())
	if err != nil {
		t.Fatalf("runtime: %v", err)
	}
	if err := rt.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rt.Stop(ctx)
	})
	return rt
}

func setupAL(t *testing.T, open func(testing.TB) *store.Store) *alEnv {
	t.Helper()
	a := setupRuntime(t, open)
	e := a.env
	a.admin, a.sci, a.view = e.user(store.RoleAdmin), e.user(store.RoleScientist), e.user(store.RoleViewer)
	a.adminT, a.sciT, a.vwT = e.token(a.admin), e.token(a.sci), e.token(a.view)
	return a
}

// readESOL returns the shared 160 ESOL rows (altest.ESOL160).
func readESOL(testing.TB) []altest.Row { return altest.ESOL160() }

// importESOL imports the training rows (with values) and the pool (without)
// through the service.
// do sends req with token as its bearer credential (none when empty) and
// returns the response with its whole body.
func (a *alEnv) do(t *testing.T, req *http.Request, token string) (*http.Response, string) {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL.Path, err)
	}
	return res, string(body)
}

// get is a GET of path on the test server (do).
func (a *alEnv) get(t *testing.T, path, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a.do(t, req, token)
}

func (a *alEnv) importESOL(t *testing.T) {
	t.Helper()
	data := readESOL(t)
	imp := func(set string, from, to int, values bool) *activelearning.ImportReport {
		in := activelearning.ImportInput{SetName: set, Endpoint: "logS"}
		for i := from; i < to; i++ {
			r := ingest.Row{Line: i + 1, SMILES: data[i].SMILES, Name: data[i].Name}
			if values {
				v := data[i].Value
				r.Value = &v
			}
			in.Rows = append(in.Rows, r)
		}
		rep, err := a.rt.Service.ImportCompounds(context.Background(), a.sci, in)
		if err != nil {
			t.Fatalf("import %s: %v", set, err)
		}
		return rep
	}
	imp("esol-train", 0, alTrainRows, true)
	a.poolSet = imp("esol-pool", alTrainRows, alTrainRows+alPoolRows, false).SetID
}

// trainModel creates the model over GraphQL as admin and waits until its
// version 1 is active. Its promotion tolerance lets every retrain activate
// its version, as before gated promotion (25 labels on 40 compounds can
// move the validation RMSE either way); promote_api_test.go tests the gate.
func (a *alEnv) trainModel(t *testing.T) { a.trainModelWith(t, nil) }

// trainModelWith is trainModel with more CreateModelInput fields.
func (a *alEnv) trainModelWith(t *testing.T, extra map[string]any) {
	t.Helper()
	var d struct {
		CreateModel struct{ Model struct{ ID string } }
	}
	in := map[string]any{"name": "ESOL test", "endpoint": "logS", "task": "REGRESSION", "members": alMembers,
		"split": map[string]any{"kind": "random", "fraction": 0.2, "seed": 7}, "seed": 7, "promotionTolerance": 1e9}
	for k, v := range extra {
		in[k] = v
	}
	wantData(t, a.post(`mutation($in: CreateModelInput!) { createModel(input: $in) { model { id status } } }`,
		map[string]any{"in": in}, bearer(a.adminT)), &d)
	a.modelID, _ = ident.Parse(d.CreateModel.Model.ID)
	a.waitFor(t, "model active", func() bool {
		m, err := a.rt.Service.Model(context.Background(), a.modelID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status == store.ModelFailed {
			t.Fatalf("training failed: %s", m.Error)
		}
		return m.Status == store.ModelActive
	})
}

// waitFor polls cond (jobs run in River) for up to a minute.
func (a *alEnv) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// selectBatch starts a cycle of n items and returns its id.
func (a *alEnv) selectBatch(t *testing.T, n int) string {
	t.Helper()
	var d struct {
		SelectSamples struct{ Cycle struct{ ID, Status string } }
	}
	wantData(t, a.post(`mutation($in: SelectSamplesInput!) { selectSamples(input: $in) { cycle { id status } } }`,
		map[string]any{"in": map[string]any{"selection": map[string]any{"modelId": a.modelID, "strategy": "uncertainty", "batchSize": n, "seed": 1}}},
		bearer(a.sciT)), &d)
	return d.SelectSamples.Cycle.ID
}

// claim claims the next item as tok's user; "" when none.
func (a *alEnv) claim(t *testing.T, tok string) string {
	t.Helper()
	var d struct {
		ClaimNextItem struct{ Item *struct{ ID string } }
	}
	wantData(t, a.post(`mutation($m: ID!) { claimNextItem(input: {modelId: $m}) { item { id } } }`,
		map[string]any{"m": a.modelID}, bearer(tok)), &d)
	if d.ClaimNextItem.Item == nil {
		return ""
	}
	return d.ClaimNextItem.Item.ID
}

func (a *alEnv) label(t *testing.T, tok, item string, v float64) gqlResponse {
	t.Helper()
	return a.post(`mutation($i: ID!, $v: Float!) { submitLabel(input: {itemId: $i, value: $v, source: LITERATURE, confidence: MEDIUM}) { item { id status label } } }`,
		map[string]any{"i": item, "v": v}, bearer(tok))
}

// upload sends a multipart GraphQL request with one file bound to variable
// path "variables.in.file".
func (a *alEnv) upload(t *testing.T, tok, query string, vars map[string]any, filename, content string) gqlResponse {
	t.Helper()
	return a.multipart(tok, query, vars, filename, content)
}

// wsSub is a graphql-transport-ws subscription.
type wsSub struct {
	c *websocket.Conn
}

func (a *alEnv) subscribe(t *testing.T, tok, query string, vars map[string]any) *wsSub {
	t.Helper()
	c, _, err := a.dial(t, "graphql-transport-ws", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	send(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"token": tok}})
	if m := next(t, c); m.Type != "connection_ack" {
		t.Fatalf("got %+v, want connection_ack", m)
	}
	send(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
	return &wsSub{c: c}
}

// next returns the next payload's data, failing on errors.
func (s *wsSub) next(t *testing.T, v any) {
	t.Helper()
	m := next(t, s.c)
	if m.Type != "next" {
		t.Fatalf("subscription message %s %s, want next", m.Type, m.Payload)
	}
	var p struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
		t.Fatalf("subscription payload %s: %v", m.Payload, err)
	}
	if err := json.Unmarshal(p.Data, v); err != nil {
		t.Fatalf("decode %s: %v", p.Data, err)
	}
}

// queryCounter counts queries whose SQL mentions a table. It is
// installed once, before the runtime's goroutines query (bun's
// AddQueryHook must not race with queries); count switches it on.
type queryCounter struct {
	on     atomic.Bool
	tables atomic.Pointer[[]string]
	n      atomic.Int64
}

// count runs fn and returns how many queries on tables it made (queries
// of the runtime's background goroutines on them count too).
func (q *queryCounter) count(tables []string, fn func()) int64 {
	q.tables.Store(&tables)
	q.n.Store(0)
	q.on.Store(true)
	fn()
	q.on.Store(false)
	return q.n.Load()
}

func (q *queryCounter) observe(query string) {
	if !q.on.Load() {
		return
	}
	for _, tb := range *q.tables.Load() {
		if strings.Contains(query, fmt.Sprintf("\"%s\"", tb)) {
			q.n.Add(1)
			return
		}
	}
}

// namedUser creates a user with the role whose email carries suffix.
func (a *alEnv) namedUser(role store.Role, suffix string) *store.User {
	a.t.Helper()
	u, err := a.srv.Auth().CreateUserAsOperator(context.Background(), newUser(fmt.Sprintf("%s-%s-%d@example.test", role, suffix, time.Now().UnixNano()), role))
	if err != nil {
		a.t.Fatalf("create user: %v", err)
	}
	return u
}

// quietResponse is a response read without failing the test (for goroutines).
type quietResponse struct {
	gqlResponse
	err error
}

func (a *alEnv) postQuiet(query string, vars map[string]any, tok string) quietResponse {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := a.ts.Client().Do(req)
	if err != nil {
		return quietResponse{err: err}
	}
	defer res.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return quietResponse{err: err}
	}
	return quietResponse{gqlResponse: out}
}

func decodeData(r quietResponse, v any) error {
	if len(r.Errors) > 0 {
		return fmt.Errorf("errors %+v", r.Errors)
	}
	return json.Unmarshal(r.Data, v)
}

func newJar(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// postWithClient posts with c (a cookie jar), as the web app does.
func (a *alEnv) postWithClient(c *http.Client, query string, vars map[string]any) gqlResponse {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", a.ts.URL)
	res, err := c.Do(req)
	if err != nil {
		a.t.Fatalf("post: %v", err)
	}
	defer res.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		a.t.Fatalf("decode: %v", err)
	}
	out.status = res.StatusCode
	return out
}
