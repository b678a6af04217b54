package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"activelab/store"
)

func TestOpenBadURL(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "not-a-db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("this is not a database\n", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url string
		want      []string // substrings of the error
		notWant   string
	}{
		{"empty", "", []string{"empty database URL"}, ""},
		{"blank", "   ", []string{"empty database URL"}, ""},
		{"no scheme", "activelab.db", []string{"no scheme"}, ""},
		{"unknown scheme", "mysql://root@localhost/db", []string{`unknown scheme "mysql"`, "sqlite:PATH", "postgres://"}, ""},
		{"sqlite without path", "sqlite:", []string{"missing SQLite file path"}, ""},
		{"sqlite with parameters", "sqlite:./x.db?mode=ro", []string{"take no parameters"}, ""},
		{"sqlite directory", "sqlite:" + dir, []string{"is a directory"}, ""},
		{"sqlite not a database", "sqlite:" + notDB, []string{"not a database"}, ""},
		{"sqlite parent is a file", "sqlite:" + filepath.Join(blocker, "x.db"), []string{"create directory"}, ""},
		{"postgres without host", "postgres:///activelab", []string{"without a host"}, ""},
		{"postgres bad port", "postgres://u:hunter2@localhost:notaport/db", []string{"invalid port"}, "hunter2"},
		{"postgres unreachable", "postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", []string{"database unreachable"}, "hunter2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, err := store.Open(t.Context(), tc.url)
			if err == nil {
				st.Close()
				t.Fatalf("Open(%q) succeeded; want an error", tc.url)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open(%q) error = %q; want it to mention %q", tc.url, err, w)
				}
			}
			if tc.notWant != "" && strings.Contains(err.Error(), tc.notWant) {
				t.Errorf("Open(%q) error %q reveals the password", tc.url, err)
			}
		})
	}
}

func TestOpenSQLite(t *testing.T) {
	dir := t.TempDir()
	for _, form := range []string{"sqlite:", "sqlite://", "file:"} {
		t.Run(form, func(t *testing.T) {
			path := filepath.Join(dir, strings.Trim(form, ":/"), "nested", "activelab.db")
			st, err := store.Open(t.Context(), form+path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer st.Close()
			if st.Dialect() != store.DialectSQLite || st.Pool() != nil {
				t.Errorf("Dialect = %q, Pool = %v", st.Dialect(), st.Pool())
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("database file not created: %v", err)
			}
			if err := st.Ping(t.Context()); err != nil {
				t.Errorf("Ping: %v", err)
			}
			var mode string
			var fk, busy int
			db := st.DB()
			if err := db.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal_mode = %q, %v; want wal", mode, err)
			}
			if err := db.QueryRowContext(t.Context(), "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
				t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
			}
			if err := db.QueryRowContext(t.Context(), "PRAGMA busy_timeout").Scan(&busy); err != nil || busy != 5000 {
				t.Errorf("busy_timeout = %d, %v; want 5000", busy, err)
			}
			var cache int
			if err := db.QueryRowContext(t.Context(), "PRAGMA cache_size").Scan(&cache); err != nil || cache != -65536 {
				t.Errorf("cache_size = %d, %v; want -65536 (64 MiB)", cache, err)
			}
			if got := st.DBStats().MaxOpenConnections; got != 1 {
				t.Errorf("MaxOpenConnections = %d, want 1", got)
			}
		})
	}
}

// TestIsBusy: SQLite's "database is locked" (another connection holds the
// write lock and this one does not wait) is busy, also wrapped; other
// errors and nil are not.
func TestIsBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	if _, err := a.Exec("CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO t VALUES (1)"); err != nil { // holds the write lock
		t.Fatal(err)
	}
	_, err = b.Exec("INSERT INTO t VALUES (2)")
	if err == nil {
		t.Fatal("a second writer got the lock")
	}
	if !store.IsBusy(err) || !store.IsBusy(fmt.Errorf("open: %w", err)) {
		t.Errorf("IsBusy(%v) = false", err)
	}
	for _, other := range []error{nil, store.ErrConflict, errors.New("database is locked")} {
		if store.IsBusy(other) {
			t.Errorf("IsBusy(%v) = true", other)
		}
	}
}
