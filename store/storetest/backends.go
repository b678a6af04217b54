package storetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"activelab/store"
)

// Opener returns a fresh, migrated store for one test; it is closed (and its
// database dropped) when the test ends.
type Opener = func(t testing.TB) *store.Store

// requirePostgres reports whether an unavailable PostgreSQL is a failure.
func requirePostgres() bool { return os.Getenv("ACTIVELAB_REQUIRE_POSTGRES") == "1" }

// Backends returns one opener per database: "sqlite" always and "postgres"
// (which skips, or fails under ACTIVELAB_REQUIRE_POSTGRES=1, when PostgreSQL
// is not available). See the package documentation.
func Backends(t testing.TB) map[string]func(t testing.TB) *store.Store {
	t.Helper()
	adminURL, pgErr := postgresAdminURL()
	if pgErr != nil {
		t.Logf("storetest: PostgreSQL not available: %v", pgErr)
	}
	return map[string]func(t testing.TB) *store.Store{
		"sqlite": OpenSQLite,
		"postgres": func(t testing.TB) *store.Store {
			t.Helper()
			if pgErr != nil {
				if requirePostgres() {
					t.Fatalf("PostgreSQL not available (ACTIVELAB_REQUIRE_POSTGRES=1): %v", pgErr)
				}
				t.Skipf("PostgreSQL not available: %v", pgErr)
			}
			return openPostgres(t, adminURL, true)
		},
	}
}

// OpenSQLite returns a migrated store on a fresh SQLite file in t.TempDir().
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	st := OpenSQLiteUnmigrated(t)
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return st
}

// OpenSQLiteUnmigrated returns a store on a fresh, empty SQLite file.
func OpenSQLiteUnmigrated(t testing.TB) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "activelab.db")
	st, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// BackendsUnmigrated is Backends with empty databases: for migration tests.
func BackendsUnmigrated(t testing.TB) map[string]func(t testing.TB) *store.Store {
	t.Helper()
	adminURL, pgErr := postgresAdminURL()
	if pgErr != nil {
		t.Logf("storetest: PostgreSQL not available: %v", pgErr)
	}
	return map[string]func(t testing.TB) *store.Store{
		"sqlite": OpenSQLiteUnmigrated,
		"postgres": func(t testing.TB) *store.Store {
			t.Helper()
			if pgErr != nil {
				if requirePostgres() {
					t.Fatalf("PostgreSQL not available (ACTIVELAB_REQUIRE_POSTGRES=1): %v", pgErr)
				}
				t.Skipf("PostgreSQL not available: %v", pgErr)
			}
			return openPostgres(t, adminURL, false)
		},
	}
}

// DatabaseURL returns a database URL for a fresh, empty database of the named
// backend ("sqlite" or "postgres"), dropped at cleanup; for tests of code
// that opens the database itself (commands, servers). It skips or fails
// like Backends when PostgreSQL is unavailable.
func DatabaseURL(t testing.TB, backend string) string {
	t.Helper()
	switch backend {
	case "sqlite":
		return "sqlite:" + filepath.Join(t.TempDir(), "activelab.db")
	case "postgres":
		adminURL, err := postgresAdminURL()
		if err != nil {
			if requirePostgres() {
				t.Fatalf("PostgreSQL not available (ACTIVELAB_REQUIRE_POSTGRES=1): %v", err)
			}
			t.Skipf("PostgreSQL not available: %v", err)
		}
		return createDatabase(t, adminURL)
	default:
		t.Fatalf("storetest.DatabaseURL: unknown backend %q", backend)
		return ""
	}
}

// Main runs the tests and then stops the PostgreSQL cluster the harness
// started, if any. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := dropTemplate(); err != nil {
		fmt.Fprintf(os.Stderr, "storetest: drop template database: %v\n", err)
	}
	if err := stopCluster(); err != nil {
		fmt.Fprintf(os.Stderr, "storetest: stop PostgreSQL: %v\n", err)
	}
	os.Exit(code)
}
