package store

import (
	"context"
	"database/sql"
)

// EventsLockKey is the advisory-lock key AppendEvent takes on PostgreSQL.
const EventsLockKey = eventsLockKey

// ReadExecutor is the executor of the Store's reads (conn.reads).
func (s *Store) ReadExecutor() interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
} {
	return s.reads()
}
