// Package storetest runs store tests against every available database.
//
// Backends returns one opener per backend: "sqlite" always (a fresh file in
// t.TempDir()) and "postgres" when PostgreSQL is available:
//
//   - TEST_DATABASE_URL set (postgres://USER@HOST:PORT/DB, a user allowed to
//     CREATE DATABASE): each opener creates a fresh database
//     activelab_test_<random> on that server and drops it at cleanup;
//   - else, when PostgreSQL's binaries are installed (/usr/lib/postgresql/*/bin),
//     a throwaway cluster is started once per test binary in a temporary
//     directory (as the postgres user when running as root: initdb refuses
//     root), on a free port with fsync off, and stopped by Main;
//   - else the postgres subtests are skipped with "PostgreSQL not available:
//     ..." — or fail, when ACTIVELAB_REQUIRE_POSTGRES=1 (CI sets it).
//
// Every opener returns a migrated *store.Store that is closed at cleanup.
//
// Use:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
//	func TestThing(t *testing.T) {
//		for name, open := range storetest.Backends(t) {
//			t.Run(name, func(t *testing.T) {
//				st := open(t)
//				u := storetest.User(t.Context(), t, st, nil)
//				...
//			})
//		}
//	}
package storetest
