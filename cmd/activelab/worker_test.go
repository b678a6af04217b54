package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"activelab/store/storetest"
)

// waitReady polls http://addr/readyz until 200, failing if done reports first.
func waitReady(t *testing.T, addr string, done <-chan error) {
	t.Helper()
	for i := 0; i < 300; i++ {
		select {
		case err := <-done:
			t.Fatalf("stopped early: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			ok := res.StatusCode == http.StatusOK
			res.Body.Close()
			if ok {
				return
			}
		}
	}
	t.Fatal("never became ready")
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestWorkerCommand starts `activelab worker` on a fresh SQLite file: its
// own listener answers /healthz, /readyz (jobs working) and /metrics (job
// series present before any job), it has no GraphQL API, and it stops
// cleanly when its context ends.
func TestWorkerCommand(t *testing.T) {
	addr := freeAddr(t)
	t.Setenv("ACTIVELAB_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "activelab.db"))
	t.Setenv("ACTIVELAB_LOG_LEVEL", "warn")
	t.Setenv("ACTIVELAB_WORKERS", "training=2")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runWorker(ctx, []string{"--addr", addr, "--shutdown-timeout", "5s"}) }()
	waitReady(t, addr, done)

	if code, body := get(t, "http://"+addr+"/healthz"); code != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := get(t, "http://"+addr+"/readyz"); !strings.Contains(body, `"jobs":"working"`) {
		t.Errorf("/readyz: %d %s", code, body)
	}
	code, body := get(t, "http://"+addr+"/metrics")
	for _, want := range []string{`activelab_job_attempts_total{kind="retrain_model",outcome="completed"} 0`,
		`activelab_jobs_running{kind="train_model"} 0`, "go_goroutines", "activelab_db_open_connections"} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("/metrics (%d) lacks %q", code, want)
		}
	}
	if code, _ := get(t, "http://"+addr+"/graphql"); code != http.StatusNotFound {
		t.Errorf("a worker answers /graphql with %d, want 404", code)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("worker returned %v after cancel, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("worker did not stop")
	}
}

// TestServeAPIOnly starts `activelab serve --jobs=false` (an API replica):
// it serves and is ready without working jobs.
func TestServeAPIOnly(t *testing.T) {
	addr := freeAddr(t)
	t.Setenv("ACTIVELAB_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "activelab.db"))
	t.Setenv("ACTIVELAB_LOG_LEVEL", "warn")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, []string{"--addr", addr, "--jobs=false", "--shutdown-timeout", "5s"}) }()
	waitReady(t, addr, done)
	if code, body := get(t, "http://"+addr+"/graphql?query=%7B__typename%7D"); code != http.StatusOK || !strings.Contains(body, "Query") {
		t.Errorf("API-only /graphql: %d %s", code, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestJobFlags: bad job settings are usage errors naming the flag or variable.
func TestJobFlags(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		cmd  func(context.Context, []string) error
		args []string
		want string
	}{
		{runServe, []string{"--workers", "gpu=1"}, "--workers: unknown queue"},
		{runWorker, []string{"--workers", "default=0"}, "--workers: queue default"},
		{runWorker, []string{"--job-timeouts", "retrain=1m"}, `--job-timeouts: unknown job kind "retrain"`},
		{runWorker, []string{"--job-timeout", "2m", "--job-rescue-after", "1m"}, "--job-rescue-after at least as long"},
		{runWorker, []string{"--shutdown-timeout", "0s"}, "--shutdown-timeout: must be positive"},
	} {
		err := tc.cmd(ctx, tc.args)
		if err == nil || !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
}

// TestHelpPrintsUsageOnce: -h prints a command's usage once (it used to
// print it twice) and is flag.ErrHelp.
func TestHelpPrintsUsageOnce(t *testing.T) {
	var buf bytes.Buffer
	defer func(w io.Writer) { usageOut = w }(usageOut)
	usageOut = &buf
	for _, name := range []string{"serve", "worker", "import", "export", "train"} {
		buf.Reset()
		err := commands[name].Run(context.Background(), []string{"-h"})
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s -h: %v, want flag.ErrHelp", name, err)
		}
		if n := strings.Count(buf.String(), "Usage: activelab "+name); n != 1 {
			t.Errorf("%s -h printed its usage %d times:\n%s", name, n, buf.String())
		}
	}
}

// TestOpenStoreConcurrently: processes starting together on one empty
// database (replicas and a worker) all open it, whoever migrates it; on
// PostgreSQL the losers of the race to create the schema try again.
func TestOpenStoreConcurrently(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			url := storetest.DatabaseURL(t, backend)
			errs := make(chan error, 3)
			for range 3 {
				go func() {
					st, err := openStore(context.Background(), url)
					if err == nil {
						st.Close()
					}
					errs <- err
				}()
			}
			for range 3 {
				if err := <-errs; err != nil {
					t.Error(err)
				}
			}
		})
	}
}
