package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"activelab/store/storetest"
)

// TestWorkerKill9RetrainResumed is the scale-out crash on PostgreSQL with
// the default job settings: an API replica (serve --jobs=false) and worker
// A (which seeds the demo); a retrain is triggered and A is killed with
// SIGKILL as soon as it logs the job's start; worker B, started after the
// kill, finishes the retrain within two minutes of it (River's rescuer with
// the 70 s rescue delay and the 1 minute job timeout), once.
func TestWorkerKill9RetrainResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for River's rescuer (about 100 s): skipped with -short")
	}
	db := storetest.DatabaseURL(t, "postgres")
	apiAddr, addrA, addrB := freeAddr(t), freeAddr(t), freeAddr(t)
	start := func(logs *lockedBuffer, args, level string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ACTIVELAB_TEST_EXEC="+args, "ACTIVELAB_DATABASE_URL="+db,
			"ACTIVELAB_ADMIN_EMAIL=admin@localhost", "ACTIVELAB_ADMIN_PASSWORD=crash test password",
			"ACTIVELAB_LOG_LEVEL="+level)
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd
	}
	var logsA, logsB, logsAPI lockedBuffer
	// The API replica migrates the empty database; the worker starts once
	// it is ready (migrations run once, before the other processes).
	start(&logsAPI, "serve --jobs=false --demo=false --addr "+apiAddr, "warn")
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("API replica not ready:\n%s", logsAPI.String())
		}
		if res, err := http.Get("http://" + apiAddr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
	}
	workerA := start(&logsA, "worker --demo --addr "+addrA, "info")

	g := newGQLSession(apiAddr)
	login := `mutation { login(input: {email: "admin@localhost", password: "crash test password"}) { user { role } } }`
	var modelID, cycleID string
	for deadline := time.Now().Add(4 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("demo not ready in time; worker A:\n%s\nAPI:\n%s", logsA.String(), logsAPI.String())
		}
		if _, errs := g.do(login); len(errs) > 0 {
			continue
		}
		var selected float64
		if modelID, cycleID, selected = demoCycle(g); selected == 25 {
			break
		}
	}
	for i := 0; ; i++ {
		data, errs := g.do(fmt.Sprintf(`mutation { claimNextItem(input: {modelId: %q}) { item { id } } }`, modelID))
		if len(errs) > 0 {
			t.Fatalf("claim: %v", errs)
		}
		id, _ := dig(data, "claimNextItem", "item", "id").(string)
		if id == "" {
			break
		}
		if _, errs := g.do(fmt.Sprintf(`mutation { submitLabel(input: {itemId: %q, value: %g}) { item { status } } }`, id, -2.0-float64(i)/10)); len(errs) > 0 {
			t.Fatalf("label: %v", errs)
		}
	}
	if _, errs := g.do(fmt.Sprintf(`mutation { triggerRetrain(input: {cycleId: %q, minNewLabels: 25}) { cycle { status } } }`, cycleID)); len(errs) > 0 {
		t.Fatalf("triggerRetrain: %v", errs)
	}
	for deadline := time.Now().Add(time.Minute); !strings.Contains(logsA.String(), `"msg":"job started","job_id"`) ||
		!strings.Contains(logsA.String(), `"kind":"retrain_model"`); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("worker A never started the retrain:\n%s", logsA.String())
		}
	}
	if err := workerA.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	_ = workerA.Wait()
	if strings.Contains(logsA.String(), `"kind":"retrain_model","queue":"training","attempt":1,"outcome":"completed"`) {
		t.Skip("the retrain finished before the kill landed: nothing to resume")
	}

	start(&logsB, "worker --addr "+addrB, "info")
	var data map[string]any
	for status := ""; status != "COMPLETE"; time.Sleep(500 * time.Millisecond) {
		if time.Since(killed) > 2*time.Minute {
			t.Fatalf("retrain not complete 2 minutes after the kill (status %q); worker B:\n%s", status, logsB.String())
		}
		var errs []any
		data, errs = g.do(fmt.Sprintf(`{ cycle(id: %q) { status error } model(id: %q) { versions { version status } } }`, cycleID, modelID))
		if len(errs) > 0 {
			t.Fatalf("cycle: %v", errs)
		}
		status, _ = dig(data, "cycle", "status").(string)
		if status == "FAILED" {
			t.Fatalf("retrain failed: %v", dig(data, "cycle", "error"))
		}
	}
	t.Logf("retrain complete %.1f s after worker A was killed", time.Since(killed).Seconds())
	if vs, _ := dig(data, "model", "versions").([]any); len(vs) != 2 {
		t.Errorf("model has %d versions, want exactly 2", len(vs))
	}
}
