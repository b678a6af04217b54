package main

import (
	"activelab/settings"
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeCommand starts `activelab serve` on a fresh SQLite file (from
// the environment, as a user would), waits for /readyz, and stops it.
func TestServeCommand(t *testing.T) {
	addr := freeAddr(t)
	t.Setenv("ACTIVELAB_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "sub", "activelab.db"))
	t.Setenv("ACTIVELAB_DEMO", "false")
	t.Setenv("ACTIVELAB_LOG_LEVEL", "warn")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, []string{"--addr", addr, "--shutdown-timeout", "5s"}) }()

	ready := false
	for i := 0; i < 200 && !ready; i++ {
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			ready = res.StatusCode == http.StatusOK
			res.Body.Close()
		}
	}
	if !ready {
		t.Fatal("serve never became ready")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after cancel, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeBadSettings(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		usage bool
		want  string
	}{
		{"bad database URL", []string{"--database-url", "mysql://localhost/x"}, nil, false, `unknown scheme "mysql"`},
		{"empty sqlite path", []string{"--database-url", "sqlite:"}, nil, false, "missing SQLite file path"},
		{"bad env value", nil, map[string]string{"ACTIVELAB_MAX_BODY_BYTES": "lots"}, true, "ACTIVELAB_MAX_BODY_BYTES"},
		{"bad log level", []string{"--log-level", "loud"}, nil, true, "--log-level"},
		{"bad origin", []string{"--allowed-origins", "localhost:5173"}, nil, true, "want scheme://host[:port]"},
		{"negative limit", []string{"--depth-limit", "0"}, nil, true, "--depth-limit: must be positive"},
		{"stray argument", []string{"now"}, nil, true, `unexpected argument "now"`},
		{"OTLP endpoint without scheme", []string{"--otlp-endpoint", "localhost:4318"}, nil, true, "want an http:// or https:// URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			err := runServe(ctx, tc.args)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if errors.Is(err, errUsage) != tc.usage {
				t.Errorf("usage error = %v, want %v", errors.Is(err, errUsage), tc.usage)
			}
		})
	}
}

// TestEnvName: the settings table keeps the variable names users and docs
// rely on.
func TestEnvName(t *testing.T) {
	for flag, want := range map[string]string{
		"addr":             "ACTIVELAB_ADDR",
		"database-url":     "ACTIVELAB_DATABASE_URL",
		"ws-ping-interval": "ACTIVELAB_WS_PING_INTERVAL",
	} {
		st, ok := settings.For("serve").HasFlag(flag)
		if got := st.Env; !ok || got != want {
			t.Errorf("serve --%s: variable %q, want %q", flag, got, want)
		}
	}
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago, for a server the test starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
