package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"testing"
	"time"
)

// TestServeDemo is `make run` on an empty database as a new user meets it:
// `activelab serve` (demo on by default) answers at once, seeds ESOL, the
// admin and a trained model in the background, and the admin then signs in
// and finds the first cycle of 25 items waiting. Then it stops gracefully
// (HTTP, River workers, broker).
func TestServeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the demo model (32 members on ESOL): skipped with -short")
	}
	addr := freeAddr(t)
	t.Setenv("ACTIVELAB_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "activelab.db"))
	t.Setenv("ACTIVELAB_LOG_LEVEL", "warn")
	t.Setenv("ACTIVELAB_ADMIN_EMAIL", "admin@localhost")
	t.Setenv("ACTIVELAB_ADMIN_PASSWORD", "demo password 1")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, []string{"--addr", addr, "--shutdown-timeout", "5s"}) }()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	post := func(query string) (map[string]any, []any) {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return nil, []any{err.Error()}
		}
		defer res.Body.Close()
		var out struct {
			Data   map[string]any
			Errors []any
		}
		_ = json.NewDecoder(res.Body).Decode(&out)
		return out.Data, out.Errors
	}
	deadline := time.Now().Add(3 * time.Minute)
	var selected float64
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		if _, errs := post(`mutation { login(input: {email: "admin@localhost", password: "demo password 1"}) { user { role } } }`); len(errs) > 0 {
			continue // not seeded yet
		}
		data, errs := post(`{ models { name cycles { status itemsSelected } } }`)
		if len(errs) > 0 {
			t.Fatalf("models: %v", errs)
		}
		models, _ := data["models"].([]any)
		if len(models) == 1 {
			if cycles, _ := models[0].(map[string]any)["cycles"].([]any); len(cycles) == 1 {
				selected, _ = cycles[0].(map[string]any)["itemsSelected"].(float64)
				break
			}
		}
	}
	if selected != 25 {
		t.Fatalf("demo cycle has %v items, want 25 (or the demo never finished)", selected)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after cancel, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}
