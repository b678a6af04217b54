package store

import (
	"context"
	"log/slog"
	"time"

	"github.com/uptrace/bun"
)

// warnLogger returns the default logger restricted to warnings and errors,
// for River's migrator, which logs every applied version at info level.
func warnLogger() *slog.Logger {
	return slog.New(minLevel{h: slog.Default().Handler(), min: slog.LevelWarn})
}

// minLevel drops records below min.
type minLevel struct {
	h   slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}
func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }
func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h: m.h.WithAttrs(as), min: m.min}
}
func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h: m.h.WithGroup(name), min: m.min}
}

// OnQuery calls fn with the SQL of every query the store runs from now on,
// after it ran (for tests that count queries), on the writer and on the
// read pool. Call it before the store is shared: adding the hook must not
// race with queries.
func (s *Store) OnQuery(fn func(sql string)) {
	s.bunDB.AddQueryHook(queryObserver(fn))
	if s.readDB != nil {
		s.readDB.AddQueryHook(queryObserver(fn))
	}
}

// QueryHook observes the queries the store runs, without bun (tracing's
// span per query): it is called before each query, and the func it
// returns, when not nil, after the query with its error (sql.ErrNoRows
// when it found no row). It sees what the query is, never its text or
// its arguments.
type QueryHook func(ctx context.Context, q QueryInfo) (after func(err error))

// QueryInfo describes a query about to run.
type QueryInfo struct{ ev *bun.QueryEvent }

// Operation is the query's SQL verb: SELECT, INSERT, UPDATE, DELETE,
// BEGIN, COMMIT, ...
func (q QueryInfo) Operation() string { return q.ev.Operation() }

// Table is the table the query names, "" when it names none the query
// builder knows (a raw query, a transaction statement).
func (q QueryInfo) Table() string {
	if tn, ok := q.ev.IQuery.(interface{ GetTableName() string }); ok {
		return tn.GetTableName()
	}
	return ""
}

// Start is when the query started.
func (q QueryInfo) Start() time.Time { return q.ev.StartTime }

// AddQueryHook installs h on every query the store runs from now on, on
// the writer and on the read pool. Call it before the store is shared:
// adding a hook must not race with queries.
func (s *Store) AddQueryHook(h QueryHook) {
	qh := &queryHook{h: h}
	s.bunDB.AddQueryHook(qh)
	if s.readDB != nil {
		s.readDB.AddQueryHook(qh)
	}
}

// queryHook adapts a QueryHook to bun. The after func rides on the
// query's event (its Stash, keyed by the hook), not in the context
// BeforeQuery returns: bun keeps BEGIN's context as the transaction's, so
// anything put there would be seen by every query of the transaction.
type queryHook struct{ h QueryHook }

func (q *queryHook) BeforeQuery(ctx context.Context, ev *bun.QueryEvent) context.Context {
	if after := q.h(ctx, QueryInfo{ev: ev}); after != nil {
		if ev.Stash == nil {
			ev.Stash = make(map[any]any, 1)
		}
		ev.Stash[q] = after
	}
	return ctx
}

func (q *queryHook) AfterQuery(_ context.Context, ev *bun.QueryEvent) {
	if after, ok := ev.Stash[q].(func(error)); ok {
		after(ev.Err)
	}
}

// queryObserver adapts a func to bun.QueryHook.
type queryObserver func(sql string)

func (queryObserver) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (o queryObserver) AfterQuery(_ context.Context, ev *bun.QueryEvent)                 { o(ev.Query) }
