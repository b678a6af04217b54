package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

// migrationIDs lists the application's migration IDs (file names without
// .up.sql), oldest first, so the test follows new migrations.
func migrationIDs(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(store.MigrationsFS(store.DialectSQLite), "*.up.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("list migrations: %v (%d found)", err, len(names))
	}
	sort.Strings(names)
	for i, n := range names {
		names[i] = strings.TrimSuffix(n, ".up.sql")
	}
	return names
}

// migrateRun runs `activelab migrate args...` with env as the environment.
func migrateRun(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runMigrate(t.Context(), args, &out, &errOut, func(k string) string { return env[k] })
	return out.String(), err
}

func TestMigrateCommand(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			dbURL := storetest.DatabaseURL(t, backend)
			env := map[string]string{"ACTIVELAB_DATABASE_URL": dbURL}
			ids := migrationIDs(t)
			first, last := ids[0], ids[len(ids)-1]
			steps := []struct {
				args []string
				want []string
			}{
				{[]string{"status"}, []string{"pending   " + first, "river:    applied none; pending 1-", "application and"}},
				{[]string{"up"}, []string{"applied     " + first, "applied     " + last, "river:      0 →", "status:     up to date"}},
				{[]string{"up"}, []string{"nothing to do", "up to date"}},
				{[]string{"status"}, []string{"applied   " + first + "  (group 1,", "river:    applied 1-", "status:   up to date"}},
				{[]string{"down"}, []string{"rolled back " + last, "rolled back " + first, fmt.Sprintf("%d application and 0 River migrations pending", len(ids))}},
				{[]string{"down", "--all"}, []string{"river:      ", "→ 0 versions applied"}},
				{[]string{"up"}, []string{"applied     " + first, "up to date"}},
			}
			for _, s := range steps {
				out, err := migrateRun(t, env, s.args...)
				if err != nil {
					t.Fatalf("migrate %v: %v\n%s", s.args, err, out)
				}
				for _, w := range s.want {
					if !strings.Contains(out, w) {
						t.Errorf("migrate %v output lacks %q:\n%s", s.args, w, out)
					}
				}
			}
			// --database-url overrides the environment, before or after the subcommand.
			bad := map[string]string{"ACTIVELAB_DATABASE_URL": "mysql://nowhere"}
			for _, args := range [][]string{{"--database-url", dbURL, "status"}, {"status", "--database-url", dbURL}} {
				if out, err := migrateRun(t, bad, args...); err != nil || !strings.Contains(out, "up to date") {
					t.Errorf("migrate %v = %v\n%s", args, err, out)
				}
			}
		})
	}
}

func TestMigrateCommandErrors(t *testing.T) {
	t.Parallel()
	dbURL := "sqlite:" + t.TempDir() + "/x.db"
	env := map[string]string{"ACTIVELAB_DATABASE_URL": dbURL}
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		usage bool   // errUsage expected
		want  string // substring of the error
	}{
		{"no subcommand", env, nil, true, "missing subcommand"},
		{"unknown subcommand", env, []string{"sideways"}, true, `unknown migrate subcommand "sideways"`},
		{"extra argument", env, []string{"up", "now"}, true, `unexpected argument "now"`},
		{"unknown flag", env, []string{"up", "--force"}, true, "flag provided but not defined"},
		{"all without down", env, []string{"up", "--all"}, true, "--all only applies to down"},
		{"bad URL from env", map[string]string{"ACTIVELAB_DATABASE_URL": "mysql://x"}, []string{"status"}, false, `unknown scheme "mysql"`},
		{"bad URL flag", env, []string{"status", "--database-url", "sqlite:"}, false, "missing SQLite file path"},
		{"unreachable postgres", env, []string{"status", "--database-url", "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=2"}, false, "database unreachable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := migrateRun(t, tc.env, tc.args...)
			if err == nil {
				t.Fatalf("migrate %v succeeded; want an error", tc.args)
			}
			if errors.Is(err, errUsage) != tc.usage {
				t.Errorf("migrate %v: errors.Is(err, errUsage) = %v, want %v (%v)", tc.args, !tc.usage, tc.usage, err)
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("migrate %v error = %q; want it to mention %q and hide passwords", tc.args, err, tc.want)
			}
		})
	}
	if _, err := migrateRun(t, env, "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("migrate -h = %v, want flag.ErrHelp", err)
	}
}
