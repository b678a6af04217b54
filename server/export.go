package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/ident"
	"activelab/store"
)

// exportMeasurements serves GET /export/measurements.csv?endpoint=E[&set=ID]:
// every measurement of the endpoint as CSV (activelearning's
// ExportMeasurements), as a download named after the endpoint, for the
// session cookie or a Bearer token. Problems found before the first byte
// are plain-text answers with their status (401, 400 naming the
// parameter); a failure midway aborts the connection, so a client never
// takes a truncated file for a complete one.
func (s *Server) exportMeasurements(svc *activelearning.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log := Logger(r.Context(), s.log)
		ctx, ok := s.authenticate(w, r, log)
		if !ok {
			return
		}
		actor, err := auth.Require(ctx)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		q := r.URL.Query()
		var setID store.ID
		if v := q.Get("set"); v != "" {
			if setID, err = ident.Parse(v); err != nil || setID.IsNil() {
				http.Error(w, fmt.Sprintf("set: %q is not a compound set id (a UUID)", v), http.StatusBadRequest)
				return
			}
		}
		endpoint := q.Get("endpoint")
		out := &lazyCSV{w: w, filename: safeFilename(endpoint) + ".csv"}
		n, err := svc.ExportMeasurements(ctx, actor, endpoint, setID, out)
		var ie *activelearning.InputError
		switch {
		case err == nil:
			log.LogAttrs(ctx, slog.LevelInfo, "export", slog.String("endpoint", endpoint), slog.Int("rows", n))
		case out.started:
			log.LogAttrs(ctx, slog.LevelError, "export failed midway", slog.String("endpoint", endpoint), slog.Int("rows", n), slog.String("error", err.Error()))
			panic(http.ErrAbortHandler)
		case errors.As(err, &ie):
			http.Error(w, ie.Error(), http.StatusBadRequest)
		case errors.Is(err, auth.ErrForbidden):
			http.Error(w, err.Error(), http.StatusForbidden)
		default:
			lookupFailed(log, w, r, "export "+endpoint, err)
		}
	})
}

// lazyCSV sets the download's headers on the first write, so an error
// found before it can still be answered with its own status.
type lazyCSV struct {
	w        http.ResponseWriter
	filename string
	started  bool
}

func (l *lazyCSV) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		h := l.w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+l.filename+`"`)
		h.Set("Cache-Control", "no-store")
	}
	return l.w.Write(p)
}

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// safeFilename turns an endpoint name into a file name for
// Content-Disposition: letters, digits, '.', '_' and '-'.
func safeFilename(s string) string {
	if f := unsafeFilename.ReplaceAllString(s, "_"); f != "" && f != "_" {
		return f
	}
	return "measurements"
}
