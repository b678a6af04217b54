package store

import (
	"context"
	"log/slog"
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
