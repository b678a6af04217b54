package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer collects a child process's output for failure messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// gqlSession is a cookie-authenticated GraphQL client of a server at addr.
type gqlSession struct {
	addr   string
	client *http.Client
}

func newGQLSession(addr string) *gqlSession {
	jar, _ := cookiejar.New(nil)
	return &gqlSession{addr: addr, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// do posts a query; a transport error is returned as the only error.
func (g *gqlSession) do(query string) (map[string]any, []any) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, "http://"+g.addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := g.client.Do(req)
	if err != nil {
		return nil, []any{err.Error()}
	}
	defer res.Body.Close()
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, []any{err.Error()}
	}
	return out.Data, out.Errors
}

// dig follows keys (string for objects, int for arrays) into a decoded JSON value.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// TestRetrainSurvivesKill9 kills a real server process with SIGKILL right
// after a retrain was triggered, restarts it on the same database, and
// checks that the retrain then completes exactly once: one new active
// version on the same validation set, the old one superseded, the cycle
// complete with metrics before and after.
func TestRetrainSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two server processes and trains the demo model: skipped with -short")
	}
	addr := freeAddr(t)
	dbPath := filepath.Join(t.TempDir(), "activelab.db")
	db := "sqlite:" + dbPath
	// Short job timeout and rescue delay, so that the job the killed process
	// left "running" is retried seconds after the restart.
	args := "serve --addr " + addr + " --job-timeout 30s --job-rescue-after 31s --shutdown-timeout 5s"
	start := func(logs *lockedBuffer) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ACTIVELAB_TEST_EXEC="+args, "ACTIVELAB_DATABASE_URL="+db,
			"ACTIVELAB_ADMIN_EMAIL=admin@localhost", "ACTIVELAB_ADMIN_PASSWORD=crash test password",
			"ACTIVELAB_LOG_LEVEL=warn")
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	login := `mutation { login(input: {email: "admin@localhost", password: "crash test password"}) { user { role } } }`

	// 1. First server: wait for the demo (trained model, cycle 1 of 25 items).
	var logs1 lockedBuffer
	srv1 := start(&logs1)
	defer func() { _ = srv1.Process.Kill() }()
	g := newGQLSession(addr)
	deadline := time.Now().Add(4 * time.Minute)
	var modelID, cycleID string
	for ready := false; !ready; {
		if time.Now().After(deadline) {
			t.Fatalf("demo not ready in time; server output:\n%s", logs1.String())
		}
		time.Sleep(200 * time.Millisecond)
		if _, errs := g.do(login); len(errs) > 0 {
			continue
		}
		var selected float64
		modelID, cycleID, selected = demoCycle(g)
		ready = selected == 25
	}

	// 2. Label the whole cycle, then trigger the retrain.
	labeled := 0
	for {
		data, errs := g.do(fmt.Sprintf(`mutation { claimNextItem(input: {modelId: %q}) { item { id } } }`, modelID))
		if len(errs) > 0 {
			t.Fatalf("claim: %v", errs)
		}
		id, _ := dig(data, "claimNextItem", "item", "id").(string)
		if id == "" {
			break
		}
		q := fmt.Sprintf(`mutation { submitLabel(input: {itemId: %q, value: %g, source: EXPERIMENTAL, confidence: HIGH}) { item { status } } }`, id, -2.0-float64(labeled)/10)
		if _, errs := g.do(q); len(errs) > 0 {
			t.Fatalf("label item %s: %v", id, errs)
		}
		labeled++
	}
	if labeled != 25 {
		t.Fatalf("labeled %d items, want the demo cycle's 25", labeled)
	}
	if _, errs := g.do(fmt.Sprintf(`mutation { triggerRetrain(input: {cycleId: %q, minNewLabels: 25}) { cycle { status } } }`, cycleID)); len(errs) > 0 {
		t.Fatalf("triggerRetrain: %v", errs)
	}

	// 3. kill -9 while the job runs: watch River's job row in the database
	// (a second reader of the SQLite file) and kill as soon as it is running.
	ro, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	state := ""
	for watch := time.Now().Add(2 * time.Minute); state != "running" && state != "completed" && time.Now().Before(watch); {
		_ = ro.QueryRow(`SELECT state FROM river_job WHERE kind = 'retrain_model' ORDER BY id DESC LIMIT 1`).Scan(&state)
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("retrain job state when killed: %q", state)
	if err := srv1.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv1.Wait()

	// 4. Restart on the same database: the retrain finishes, once.
	var logs2 lockedBuffer
	srv2 := start(&logs2)
	defer func() {
		_ = srv2.Process.Signal(syscall.SIGTERM)
		_ = srv2.Wait()
	}()
	g = newGQLSession(addr)
	status := ""
	var data map[string]any
	// The query's root fields resolve concurrently: a poll may read the
	// versions just before the retrain commits and the cycle just after.
	// So once the cycle is complete, the state is read once more.
	read := func() map[string]any {
		data, errs := g.do(fmt.Sprintf(`{ cycle(id: %q) { status error itemsLabeled metricsBefore { name value } metricsAfter { name value } }
			model(id: %q) { versions { version status validationHash trainingSize } } }`, cycleID, modelID))
		if len(errs) > 0 {
			t.Fatalf("cycle: %v", errs)
		}
		return data
	}
	for deadline = time.Now().Add(3 * time.Minute); status != "COMPLETE"; {
		if time.Now().After(deadline) {
			t.Fatalf("retrain not complete after restart (status %q); server output:\n%s", status, logs2.String())
		}
		time.Sleep(300 * time.Millisecond)
		if _, errs := g.do(login); len(errs) > 0 {
			continue
		}
		data = read()
		status, _ = dig(data, "cycle", "status").(string)
		if status == "FAILED" {
			t.Fatalf("retrain failed after restart: %v", dig(data, "cycle", "error"))
		}
	}
	data = read()
	if n := dig(data, "cycle", "itemsLabeled"); n != float64(25) {
		t.Errorf("cycle itemsLabeled = %v, want 25", n)
	}
	for _, k := range []string{"metricsBefore", "metricsAfter"} {
		if m, _ := dig(data, "cycle", k).([]any); len(m) == 0 {
			t.Errorf("cycle %s is empty", k)
		}
	}
	versions, _ := dig(data, "model", "versions").([]any)
	if len(versions) != 2 {
		t.Fatalf("model has %d versions, want exactly 2: %v", len(versions), versions)
	}
	byVersion := map[float64]map[string]any{}
	for _, v := range versions {
		m := v.(map[string]any)
		byVersion[m["version"].(float64)] = m
	}
	v1, v2 := byVersion[1], byVersion[2]
	if v1["status"] != "SUPERSEDED" || v2["status"] != "ACTIVE" {
		t.Errorf("statuses v1 %v, v2 %v; want SUPERSEDED and ACTIVE", v1["status"], v2["status"])
	}
	if v1["validationHash"] != v2["validationHash"] {
		t.Errorf("validation sets differ: %v vs %v", v1["validationHash"], v2["validationHash"])
	}
	if v2["trainingSize"].(float64) != v1["trainingSize"].(float64)+25 {
		t.Errorf("training sizes v1 %v, v2 %v; want 25 more", v1["trainingSize"], v2["trainingSize"])
	}
}

// demoCycle returns the demo model's id and its first cycle's id and
// itemsSelected ("" and 0 until they exist): ids are UUIDs, so the tests
// look them up instead of assuming the first rows' numbers.
func demoCycle(g *gqlSession) (model, cycle string, selected float64) {
	data, _ := g.do(`{ models { id } }`)
	ms, _ := dig(data, "models").([]any)
	if len(ms) == 0 {
		return "", "", 0
	}
	model, _ = ms[0].(map[string]any)["id"].(string)
	data, _ = g.do(fmt.Sprintf(`{ cycles(modelId: %q) { id cycleNumber itemsSelected } }`, model))
	cs, _ := dig(data, "cycles").([]any)
	for _, c := range cs {
		c := c.(map[string]any)
		if c["cycleNumber"] == float64(1) {
			cycle, _ = c["id"].(string)
			selected, _ = c["itemsSelected"].(float64)
		}
	}
	return model, cycle, selected
}
