package store

import (
	"context"
	"log/slog"

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

// AddQueryHook installs h on every query the store runs from now on, on
// the writer and on the read pool (tracing's span per query). Call it
// before the store is shared: adding a hook must not race with queries.
func (s *Store) AddQueryHook(h bun.QueryHook) {
	s.bunDB.AddQueryHook(h)
	if s.readDB != nil {
		s.readDB.AddQueryHook(h)
	}
}

// queryObserver adapts a func to bun.QueryHook.
type queryObserver func(sql string)

func (queryObserver) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (o queryObserver) AfterQuery(_ context.Context, ev *bun.QueryEvent)                 { o(ev.Query) }
