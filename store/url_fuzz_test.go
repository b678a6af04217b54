package store

import (
	"strings"
	"testing"
)

// FuzzParseURL checks that any database URL either parses into a known
// dialect or gives an error, never panics, and never echoes a password.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		DefaultURL, "sqlite://x.db", "file:/tmp/a.db", "sqlite:", "sqlite:a?b", "postgres://u:p@h:5432/db?sslmode=disable",
		"postgresql://h/db", "postgres:///db", "postgres://u:secret@h:bad/db", "mysql://x", "", "::", "postgres://%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tg, err := parseURL(raw)
		if err != nil {
			if tg != (target{}) {
				t.Errorf("parseURL(%q) returned %+v with error %v", raw, tg, err)
			}
			// Only PostgreSQL URLs carry passwords (a SQLite path is echoed
			// so the user sees which file was meant).
			scheme, _, _ := strings.Cut(strings.TrimSpace(raw), ":")
			isPG := strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql")
			if pw := "secret"; isPG && strings.Contains(raw, "u:"+pw+"@") && strings.Contains(err.Error(), pw) {
				t.Errorf("parseURL(%q) error reveals the password: %v", raw, err)
			}
			return
		}
		switch tg.dialect {
		case DialectSQLite:
			if tg.path == "" || strings.ContainsAny(tg.path, "?#") {
				t.Errorf("parseURL(%q) accepted SQLite path %q", raw, tg.path)
			}
		case DialectPostgres:
			if tg.url == "" {
				t.Errorf("parseURL(%q) gave an empty PostgreSQL URL", raw)
			}
		default:
			t.Errorf("parseURL(%q) gave dialect %q", raw, tg.dialect)
		}
	})
}
