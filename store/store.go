package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// connectTimeout bounds how long Open waits for PostgreSQL when the context
// has no deadline of its own.
const connectTimeout = 10 * time.Second

// Store is ActiveLab's database: a bun.DB over SQLite or PostgreSQL plus the
// dialect differences (see backend). It is safe for concurrent use.
type Store struct {
	conn
	bunDB *bun.DB
	sqldb *sql.DB
	// readDB is SQLite's read pool (nil on PostgreSQL and for :memory:),
	// which conn.rd runs the hot reads on.
	readDB *bun.DB
	pool   *pgxpool.Pool // nil on SQLite
	hooks  hooks
}

func newStore(db *bun.DB, sqldb *sql.DB, pool *pgxpool.Pool, be backend, dialect string) *Store {
	return &Store{conn: conn{db: db, be: be, dialect: dialect}, bunDB: db, sqldb: sqldb, pool: pool}
}

// sqliteReaders is the size of SQLite's read pool: enough for the API's
// concurrent reads on a few cores; each reader is a connection with its
// own page cache.
const sqliteReaders = 4

// sqliteReadDSN is the DSN of the read pool's connections: query_only (a
// write through one is an error, not a second writer), deferred
// transactions (a read takes no write lock), a smaller page cache each
// than the writer's.
func sqliteReadDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=query_only(1)&_pragma=cache_size(-16384)&_txlock=deferred"
}

// openSQLiteReaders opens the read pool beside the writer sqldb (which has
// put the file in WAL mode, so readers and the writer do not block each
// other). An in-memory database has no pool: each connection would have
// its own empty database.
func openSQLiteReaders(ctx context.Context, path string) (*bun.DB, error) {
	if path == ":memory:" {
		return nil, nil
	}
	rdb, err := sql.Open("sqlite", sqliteReadDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s read pool: %w", path, err)
	}
	rdb.SetMaxOpenConns(sqliteReaders)
	rdb.SetMaxIdleConns(sqliteReaders)
	rdb.SetConnMaxLifetime(0)
	rdb.SetConnMaxIdleTime(0)
	if err := rdb.PingContext(ctx); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("open sqlite %s read pool: %w", path, err)
	}
	return bun.NewDB(rdb, sqlitedialect.New()), nil
}

// Open connects to the database named by url and checks that it answers; it
// does not migrate (call Migrate).
//
//   - "sqlite:PATH" (also "sqlite://PATH", "file:PATH"): modernc.org/sqlite with
//     WAL, busy_timeout(5000) and foreign keys on, and a single connection (the
//     one writer SQLite allows; several would give SQLITE_BUSY) for writes and
//     transactions, plus a pool of query_only connections for the reads that
//     need no transaction (see conn.reads). The parent directory is created.
//   - "postgres://..." or "postgresql://...": a pgx pool wrapped with
//     stdlib.OpenDBFromPool and bun's pgdialect (not bun's pgdriver, which
//     breaks River's leader election). pgx's pool_* URL parameters size
//     the pool (pool_max_conns: DefaultPoolMaxConns when absent).
//
// A malformed URL, an unknown scheme or an unreachable database is an error
// that says which; passwords are never included.
func Open(ctx context.Context, url string) (*Store, error) {
	tg, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	switch tg.dialect {
	case DialectSQLite:
		return openSQLite(ctx, tg.path)
	default:
		return openPostgres(ctx, tg.url)
	}
}

// sqliteDSN is the modernc DSN for a file path. Transactions begin
// IMMEDIATE (take the write lock at BEGIN), so a transaction that reads and
// then writes waits on busy_timeout for another process's writer instead of
// failing with SQLITE_BUSY when it upgrades. The page cache is 64 MiB (the
// default is 2 MiB): scoring a pool reads every pool row's features, and a
// pool of ~100k compounds then stays in memory between selections instead
// of being read again from the file (previewing a 11k pool: 113 -> 72 ms).
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=cache_size(-65536)&_txlock=immediate"
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if path != ":memory:" {
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("open sqlite %s: create directory: %w", path, err)
			}
		}
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return nil, fmt.Errorf("open sqlite %s: is a directory, not a database file", path)
		}
	}
	sqldb, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(1)
	sqldb.SetMaxIdleConns(1)
	sqldb.SetConnMaxLifetime(0)
	sqldb.SetConnMaxIdleTime(0)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// A file that is not a database only fails on first read.
	var mode string
	if err := sqldb.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	readDB, err := openSQLiteReaders(ctx, path)
	if err != nil {
		sqldb.Close()
		return nil, err
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	st := newStore(db, sqldb, nil, sqliteBackend{sqldb: sqldb}, DialectSQLite)
	if readDB != nil {
		st.readDB, st.rd = readDB, readDB
	}
	return st, nil
}

// DefaultPoolMaxConns is the most connections a process's PostgreSQL
// pool opens when the URL sets no pool_max_conns. pgx's own default, 4
// or the number of CPUs, starves an API server: every request reads its
// token, its data and its nested objects, each a query that holds a
// connection while the Go side also scans the rows, and River's listener
// holds one for good; at 500 requests/s on 2 cores requests queued for
// the pool (issue 15, deploy/README.md). Each connection is a PostgreSQL
// backend (about 10 MB): budget max_connections for processes x
// (pool_max_conns + 3).
const DefaultPoolMaxConns = 16

// postgresPoolConfig parses a PostgreSQL URL into pgx's pool settings:
// pool_* parameters as pgx reads them (pool_max_conns,
// pool_min_conns, pool_max_conn_lifetime, ...), DefaultPoolMaxConns when
// the URL has no pool_max_conns, and a connect timeout.
func postgresPoolConfig(raw string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", redactErr(err, raw))
	}
	if u, err := neturl.Parse(raw); err == nil && !u.Query().Has("pool_max_conns") {
		cfg.MaxConns = DefaultPoolMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	return cfg, nil
}

func openPostgres(ctx context.Context, url string) (*Store, error) {
	cfg, err := postgresPoolConfig(url)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redacted(url), err)
	}
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s: database unreachable: %w", redacted(url), err)
	}
	sqldb := stdlib.OpenDBFromPool(pool)
	db := bun.NewDB(sqldb, pgdialect.New())
	return newStore(db, sqldb, pool, postgresBackend{sqldb: sqldb, pool: pool}, DialectPostgres), nil
}

// DB returns the bun database for queries the store has no method for yet.
// Prefer store methods: they hold the dialect differences.
func (s *Store) DB() *bun.DB { return s.bunDB }

// SQLDB returns the underlying database/sql handle.
func (s *Store) SQLDB() *sql.DB { return s.sqldb }

// Pool returns the pgx pool on PostgreSQL (for LISTEN/NOTIFY), nil on SQLite.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Dialect returns DialectSQLite or DialectPostgres.
func (s *Store) Dialect() string { return s.dialect }

// RiverDriver returns the River driver for this database, for River clients
// that enqueue inside bun transactions (InsertTx(ctx, tx.Tx, ...)):
// riversqlite on SQLite, riverdatabasesql with a pgx LISTEN/NOTIFY listener on
// PostgreSQL.
func (s *Store) RiverDriver() riverdriver.Driver[*sql.Tx] { return s.be.riverDriver() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.bunDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.dialect, err)
	}
	return nil
}

// DBStats reports the connection pool's statistics (for /metrics). On
// PostgreSQL they are pgx's pool's (database/sql only borrows its
// connections, so its own figures never show a wait): MaxOpenConnections
// is pool_max_conns, InUse the connections acquired, WaitCount and
// WaitDuration the acquires that found no idle connection and waited for
// one to be released or opened, and how long they waited in total.
func (s *Store) DBStats() sql.DBStats {
	if s.pool == nil {
		return s.sqldb.Stats()
	}
	ps := s.pool.Stat()
	return sql.DBStats{
		MaxOpenConnections: int(ps.MaxConns()),
		OpenConnections:    int(ps.TotalConns()),
		InUse:              int(ps.AcquiredConns()),
		Idle:               int(ps.IdleConns()),
		WaitCount:          ps.EmptyAcquireCount(),
		WaitDuration:       ps.EmptyAcquireWaitTime(),
		MaxIdleClosed:      ps.MaxIdleDestroyCount(),
		MaxLifetimeClosed:  ps.MaxLifetimeDestroyCount(),
	}
}

// Close closes the database; the Store must not be used afterwards.
func (s *Store) Close() error {
	err := s.bunDB.Close()
	if s.readDB != nil {
		err = errors.Join(err, s.readDB.Close())
	}
	if s.pool != nil {
		s.pool.Close()
	}
	return err
}

// wrapErr translates a database error into the store's errors: no rows to
// ErrNotFound, unique violations to ErrConflict, check violations to
// ErrInvalid; what says what was being done ("user \"a@b\"").
func (s *conn) wrapErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case s.be.isUniqueViolation(err):
		return fmt.Errorf("%s: %w: %w", what, ErrConflict, err)
	case s.be.isCheckViolation(err):
		return fmt.Errorf("%s: %w: %w", what, ErrInvalid, err)
	case s.be.isForeignKeyViolation(err):
		return fmt.Errorf("%s: %w: referenced row does not exist: %w", what, ErrNotFound, err)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}
