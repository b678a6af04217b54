package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/uptrace/bun"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"activelab/events"
)

// backend holds everything that differs between SQLite and PostgreSQL, so
// the rest of the store is written once. Upserts need no entry: bun writes
// the same INSERT ... ON CONFLICT (...) DO UPDATE for both dialects.
type backend interface {
	// isUniqueViolation reports whether err is a unique or primary-key violation.
	isUniqueViolation(err error) bool
	// isForeignKeyViolation reports whether err is a foreign-key violation.
	isForeignKeyViolation(err error) bool
	// isCheckViolation reports whether err is a CHECK-constraint violation.
	isCheckViolation(err error) bool
	// containsFold restricts q to rows whose column contains substr,
	// ignoring case (ASCII on SQLite).
	containsFold(q *bun.SelectQuery, column, substr string) *bun.SelectQuery
	// contains restricts q to rows whose column contains substr exactly
	// (case matters: SMILES); or joins with OR instead of AND.
	contains(q *bun.SelectQuery, column, substr string, or bool) *bun.SelectQuery
	// forClaim makes a SELECT inside a transaction lock the rows it returns
	// so that concurrent claimers skip them: FOR UPDATE SKIP LOCKED on
	// PostgreSQL; nothing on SQLite, where a write transaction already has
	// the database to itself (one writer, one connection).
	forClaim(q *bun.SelectQuery) *bun.SelectQuery
	// lockRows makes a SELECT inside a transaction lock the rows it returns
	// until the transaction ends, waiting for rows others hold: FOR UPDATE
	// on PostgreSQL; nothing on SQLite (one writer, one connection).
	lockRows(q *bun.SelectQuery) *bun.SelectQuery
	// lockEvents is taken by AppendEvent in the event's transaction before
	// the insert, so that transactions appending events commit in sequence
	// order: pg_advisory_xact_lock(eventsLockKey) on PostgreSQL (held until
	// commit or rollback); nothing on SQLite (one writer).
	lockEvents(ctx context.Context, tx bun.IDB) error
	// analyzeQueue refreshes the planner's statistics of label_queue
	// after a bulk insert (CreateQueueItems): ANALYZE on PostgreSQL, whose
	// planner otherwise reads and sorts a model's whole queue for
	// labelQueue's page until autovacuum's ANALYZE runs (minutes after a
	// large selection into a young queue); nothing on SQLite, whose
	// planner walks the queue index without statistics.
	analyzeQueue(ctx context.Context, db bun.IDB) error
	// notifyEvents tells other processes, at commit, that events were
	// appended: pg_notify(events.Channel, '') on PostgreSQL (delivered once
	// per transaction however often it is called); nothing on SQLite, where
	// the writer's own broker is the only reader.
	notifyEvents(ctx context.Context, tx bun.IDB) error
	// claimNext runs the claim statement of ClaimNextItem (see claim.go).
	claimNext(ctx context.Context, db bun.IDB, c claimArgs) ([]claimRow, error)
	// lockMigrations serialises migrators across processes until unlock.
	lockMigrations(ctx context.Context) (unlock func(), err error)
	// riverDriver returns River's driver for this database.
	riverDriver() riverdriver.Driver[*sql.Tx]
}

// likePattern escapes LIKE wildcards in s and wraps it in %...%.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// sqliteBackend is the SQLite (modernc) side.
type sqliteBackend struct{ sqldb *sql.DB }

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func (sqliteBackend) isUniqueViolation(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func (sqliteBackend) isForeignKeyViolation(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

func (sqliteBackend) isCheckViolation(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_CHECK
}

func (sqliteBackend) containsFold(q *bun.SelectQuery, column, substr string) *bun.SelectQuery {
	// SQLite's LIKE ignores ASCII case by default.
	return q.Where(`? LIKE ? ESCAPE '\'`, bun.Ident(column), likePattern(substr))
}

func (sqliteBackend) contains(q *bun.SelectQuery, column, substr string, or bool) *bun.SelectQuery {
	if or {
		return q.WhereOr("instr(?, ?) > 0", bun.Ident(column), substr)
	}
	return q.Where("instr(?, ?) > 0", bun.Ident(column), substr)
}

func (sqliteBackend) forClaim(q *bun.SelectQuery) *bun.SelectQuery { return q }

func (sqliteBackend) lockRows(q *bun.SelectQuery) *bun.SelectQuery { return q }

func (sqliteBackend) lockEvents(context.Context, bun.IDB) error   { return nil }
func (sqliteBackend) analyzeQueue(context.Context, bun.IDB) error { return nil }
func (sqliteBackend) notifyEvents(context.Context, bun.IDB) error { return nil }

func (sqliteBackend) lockMigrations(context.Context) (func(), error) {
	// One connection per process and SQLite's own file locking (with
	// busy_timeout) serialise the migration statements themselves.
	return func() {}, nil
}

func (b sqliteBackend) riverDriver() riverdriver.Driver[*sql.Tx] { return riversqlite.New(b.sqldb) }

// postgresBackend is the PostgreSQL (pgx) side.
type postgresBackend struct {
	sqldb *sql.DB
	pool  *pgxpool.Pool
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func (postgresBackend) isUniqueViolation(err error) bool     { return pgCode(err) == "23505" }
func (postgresBackend) isForeignKeyViolation(err error) bool { return pgCode(err) == "23503" }
func (postgresBackend) isCheckViolation(err error) bool      { return pgCode(err) == "23514" }

func (postgresBackend) containsFold(q *bun.SelectQuery, column, substr string) *bun.SelectQuery {
	return q.Where(`? ILIKE ? ESCAPE '\'`, bun.Ident(column), likePattern(substr))
}

func (postgresBackend) contains(q *bun.SelectQuery, column, substr string, or bool) *bun.SelectQuery {
	if or {
		return q.WhereOr("strpos(?, ?) > 0", bun.Ident(column), substr)
	}
	return q.Where("strpos(?, ?) > 0", bun.Ident(column), substr)
}

func (postgresBackend) forClaim(q *bun.SelectQuery) *bun.SelectQuery {
	return q.For("UPDATE SKIP LOCKED")
}

func (postgresBackend) lockRows(q *bun.SelectQuery) *bun.SelectQuery { return q.For("UPDATE") }

// migrationLockKey is the advisory-lock key migrators hold on PostgreSQL
// (an arbitrary constant: "activelab" in ASCII, truncated).
const migrationLockKey int64 = 0x61637469766c6162

// eventsLockKey is the transaction-scoped advisory lock AppendEvent takes
// on PostgreSQL (an arbitrary constant, distinct from migrationLockKey:
// "alevents" in ASCII).
const eventsLockKey int64 = 0x616c6576656e7473

func (postgresBackend) lockEvents(ctx context.Context, tx bun.IDB) error {
	if _, err := tx.NewRaw("SELECT pg_advisory_xact_lock(?)", eventsLockKey).Exec(ctx); err != nil {
		return fmt.Errorf("events lock: %w", err)
	}
	return nil
}

func (postgresBackend) analyzeQueue(ctx context.Context, db bun.IDB) error {
	if _, err := db.NewRaw("ANALYZE label_queue").Exec(ctx); err != nil {
		return fmt.Errorf("analyze label_queue: %w", err)
	}
	return nil
}

func (postgresBackend) notifyEvents(ctx context.Context, tx bun.IDB) error {
	if _, err := tx.NewRaw("SELECT pg_notify(?, '')", events.Channel).Exec(ctx); err != nil {
		return fmt.Errorf("notify %s: %w", events.Channel, err)
	}
	return nil
}

func (b postgresBackend) lockMigrations(ctx context.Context) (func(), error) {
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		conn.Release()
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey)
		conn.Release()
	}, nil
}

func (b postgresBackend) riverDriver() riverdriver.Driver[*sql.Tx] {
	return riverdatabasesql.NewWithPgxListener(b.sqldb, b.pool)
}

// IsBusy reports whether err is SQLite's "database is locked" (SQLITE_BUSY
// or SQLITE_LOCKED, extended codes included): another connection or
// process held the lock past busy_timeout, and the same call may succeed
// when tried again. Always false for PostgreSQL's errors.
func IsBusy(err error) bool {
	c := sqliteCode(err) & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}
