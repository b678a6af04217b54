package store

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DefaultURL is the database used when none is configured: the embedded
// SQLite file under ./data.
const DefaultURL = "sqlite:./data/activelab.db"

// Dialect names, as returned by Store.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// target is a parsed database URL.
type target struct {
	dialect string // DialectSQLite or DialectPostgres
	path    string // SQLite file path
	url     string // PostgreSQL connection URL
}

// parseURL picks the dialect from a database URL; the error says what is
// wrong with it. Accepted: "sqlite:PATH", "sqlite://PATH", "file:PATH",
// "postgres://..." and "postgresql://...".
func parseURL(raw string) (target, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return target{}, errors.New("empty database URL (want sqlite:PATH or postgres://USER@HOST/DB)")
	}
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return target{}, fmt.Errorf("database URL %q has no scheme (want sqlite:PATH or postgres://USER@HOST/DB)", s)
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3", "file":
		path := strings.TrimPrefix(rest, "//")
		if path == "" {
			return target{}, fmt.Errorf("database URL %q: missing SQLite file path (want sqlite:PATH, e.g. %s)", s, DefaultURL)
		}
		if strings.ContainsAny(path, "?#") {
			return target{}, fmt.Errorf("database URL %q: SQLite URLs take no parameters; the driver sets WAL, busy_timeout and foreign keys itself", s)
		}
		return target{dialect: DialectSQLite, path: path}, nil
	case "postgres", "postgresql":
		u, err := url.Parse(s)
		if err != nil {
			// Say why without echoing the URL: its password may be anywhere.
			reason := err
			var ue *url.Error
			if errors.As(err, &ue) {
				reason = ue.Err
			}
			return target{}, fmt.Errorf("database URL: not a valid PostgreSQL URL: %v", reason)
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			// Not echoed: without a host, the password may sit anywhere
			// (opaque part, fragment, query) where url.Redacted misses it.
			return target{}, errors.New("database URL: PostgreSQL URL without a host (want postgres://USER@HOST:PORT/DB)")
		}
		return target{dialect: DialectPostgres, url: s}, nil
	default:
		return target{}, fmt.Errorf("database URL: unknown scheme %q (want sqlite:PATH or postgres://USER@HOST/DB)", scheme)
	}
}

// redacted returns a PostgreSQL URL with its password hidden, for messages.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// redactErr replaces a URL's password in an error message (url.Parse quotes
// the whole input).
func redactErr(err error, raw string) error {
	u, perr := url.Parse(raw)
	msg := err.Error()
	if perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
		return errors.New(msg)
	}
	// Unparsable: hide everything between "://" and "@".
	if i := strings.Index(raw, "://"); i >= 0 {
		if j := strings.LastIndex(raw, "@"); j > i {
			msg = strings.ReplaceAll(msg, raw[i+3:j], "xxxxx")
		}
	}
	return errors.New(msg)
}
