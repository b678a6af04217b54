package examples_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"activelab/activelearning/demo"
	"activelab/server"
	"activelab/store"
)

// adminPassword is the demo admin's password in these tests.
const adminPassword = "walk-through password"

// startServer serves the API on 127.0.0.1 over a fresh SQLite database
// seeded with the demo (8 ensemble members, to stay quick under -race) and
// returns its base URL. Everything stops when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	st, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "walk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return startServerOn(t, st)
}

// startServerOn is startServer on a migrated store of any database.
func startServerOn(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt, err := server.NewRuntime(st, server.RuntimeConfig{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, c := context.WithTimeout(context.Background(), 30*time.Second)
		defer c()
		_ = rt.Stop(sctx)
	})
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, rt.Service, st, demo.Config{AdminPassword: adminPassword, Log: quiet, Members: 8,
		Getenv: func(string) string { return "" }}); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Defaults(), server.Options{Store: st, Logger: quiet, Service: rt.Service, Broker: rt.Broker})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-served })
	return "http://" + ln.Addr().String()
}

// TestWalkthroughScript runs examples/walkthrough.sh (the commands of
// docs/walkthrough.md) against a real server on a fresh SQLite database
// seeded with the demo: sign in, preview, select 25, claim and label every
// queued item, retrain, and check the new version on the same validation set.
func TestWalkthroughScript(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end walk-through skipped in -short mode")
	}
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPED: the walk-through needs %s on PATH (%v)", tool, err)
		}
	}
	ctx := t.Context()
	url := startServer(t)
	cmd := exec.CommandContext(ctx, "bash", "walkthrough.sh")
	cmd.Env = append(os.Environ(), "ACTIVELAB_URL="+url, "ACTIVELAB_ADMIN_PASSWORD="+adminPassword,
		"ACTIVELAB_ADMIN_EMAIL="+demo.DefaultEmail)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("walkthrough.sh: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		`"cycleNumber":2,"status":"LABELING","itemsSelected":25`,
		"labeled 50 items", // the demo's cycle 1 and the new cycle 2
		`"activeVersion":{"version":2,`,
		`{"version":1,"status":"SUPERSEDED"`,
		`{"pending":0,"inProgress":0,"labeled":50,"skipped":0}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("walkthrough output lacks %s:\n%s", want, got)
		}
	}
	if !regexp.MustCompile(`\{"id":"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}","email":"admin@localhost","role":"ADMIN"\}`).MatchString(got) {
		t.Errorf("walkthrough output lacks the admin with a UUID id:\n%s", got)
	}
	// Both versions carry the same validation hash.
	hashes := regexp.MustCompile(`"validationHash":"([0-9a-f]+)"`).FindAllStringSubmatch(got, -1)
	if len(hashes) < 3 || hashes[len(hashes)-1][1] != hashes[len(hashes)-2][1] || hashes[0][1] != hashes[len(hashes)-1][1] {
		t.Errorf("validation hashes differ or are missing: %v", hashes)
	}
	if !strings.Contains(got, `"after": {`) || !strings.Contains(got, `"rmse"`) {
		t.Errorf("no metrics before/after:\n%s", got)
	}
}
