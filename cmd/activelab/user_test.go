package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"activelab/server"
	"activelab/store/storetest"
)

// TestMain is the one TestMain of package main: it stops the PostgreSQL
// cluster storetest may start for the command tests.
// TestMain also lets crash tests run this test binary as the activelab
// command (ACTIVELAB_TEST_EXEC holds its arguments), so that they can kill a
// real server process with SIGKILL.
func TestMain(m *testing.M) {
	if args := os.Getenv("ACTIVELAB_TEST_EXEC"); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, strings.Fields(args))
		stop()
		os.Exit(code)
	}
	storetest.Main(m)
}

var tokenLine = regexp.MustCompile(`^al_[A-Za-z0-9_-]{43}\n$`)

// TestUserTokenCommandsEndToEnd creates a user and a token with the
// commands against the database a running server uses, then asks the
// server who the token belongs to.
func TestUserTokenCommandsEndToEnd(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			url := storetest.DatabaseURL(t, backend)
			st, err := openStore(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			srv, err := server.New(server.Defaults(), server.Options{Store: st, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			t.Cleanup(ts.Close)

			var out, errOut bytes.Buffer
			args := []string{"--database-url", url, "--email", "ada@example.org", "--name", "Ada Lovelace", "--role", "Scientist"}
			if err := runUserCreate(ctx, args, strings.NewReader("correct horse battery\nignored\n"), &out, &errOut); err != nil {
				t.Fatalf("user create: %v", err)
			}
			if !strings.Contains(out.String(), "ada@example.org") || !strings.Contains(out.String(), "scientist") {
				t.Errorf("user create printed %q", out.String())
			}
			err = runUserCreate(ctx, args, strings.NewReader("correct horse battery\n"), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "already exists") {
				t.Errorf("duplicate user: %v, want already exists", err)
			}

			out.Reset()
			if err := runTokenCreate(ctx, []string{"--database-url", url, "--email", "ADA@example.org", "--name", "notebook"}, &out); err != nil {
				t.Fatalf("token create: %v", err)
			}
			if !tokenLine.MatchString(out.String()) {
				t.Fatalf("token create printed %q, want only the token", out.String())
			}
			tok := strings.TrimSpace(out.String())

			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"{ me { email role } }"}`))
			req.Header.Set("Authorization", "Bearer "+tok) // and no Content-Type, as curl -d sends
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var body struct {
				Data struct{ Me struct{ Email, Role string } }
			}
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body.Data.Me.Email != "ada@example.org" || body.Data.Me.Role != "SCIENTIST" {
				t.Errorf("me = %+v", body.Data.Me)
			}

			err = runTokenCreate(ctx, []string{"--database-url", url, "--email", "nobody@example.org", "--name", "x"}, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "no user with email") {
				t.Errorf("token for unknown user: %v", err)
			}
		})
	}
}

func TestUserCreateBadInput(t *testing.T) {
	url := "sqlite:" + t.TempDir() + "/a.db"
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"no email", []string{"--name", "A"}, "password1\n", "--email and --name are required"},
		{"bad role", []string{"--email", "a@b.c", "--name", "A", "--role", "boss"}, "password1\n", `"boss" is not viewer, scientist or admin`},
		{"short password", []string{"--email", "a@b.c", "--name", "A"}, "short\n", "at least 8"},
		{"no password", []string{"--email", "a@b.c", "--name", "A"}, "", "no password on stdin"},
		{"bad email", []string{"--email", "not-an-email", "--name", "A"}, "password1\n", "not an email address"},
		{"unknown flag", []string{"--emial", "a@b.c"}, "", "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := runUserCreate(context.Background(), append([]string{"--database-url", url}, tc.args...), strings.NewReader(tc.stdin), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	err := runTokenCreate(context.Background(), []string{"--database-url", url, "--email", "a@b.c"}, io.Discard)
	if !errors.Is(err, errUsage) {
		t.Errorf("token create without --name: %v, want a usage error", err)
	}
}
