package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"

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
		out := &lazyDownload{w: w, contentType: "text/csv; charset=utf-8", filename: safeFilename(endpoint) + ".csv"}
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

// exportPool serves GET /export/pool.csv and /export/pool.sdf
// ?model=ID|NAME[&version=N][&set=ID]: the compounds (of the set, or
// all) scored by the model version (activelearning's ExportPool), as a
// download named after the model and the set ("ESOL-screen_1-pool.sdf"), for the session cookie or a Bearer
// token. It streams a page of compounds at a time. Problems found before
// the first byte are plain-text answers with their status (401, 400
// naming the parameter); a failure midway aborts the connection, so a
// client never takes a truncated file for a complete one.
func (s *Server) exportPool(svc *activelearning.Service, format activelearning.PoolFormat) http.Handler {
	contentType := "text/csv; charset=utf-8"
	if format == activelearning.PoolSDF {
		contentType = "chemical/x-mdl-sdfile"
	}
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
		in := activelearning.PoolExport{Model: q.Get("model"), Format: format}
		if v := q.Get("version"); v != "" {
			if in.Version, err = strconv.Atoi(v); err != nil || in.Version < 1 {
				http.Error(w, fmt.Sprintf("version: %q is not a version number", v), http.StatusBadRequest)
				return
			}
		}
		if v := q.Get("set"); v != "" {
			if in.SetID, err = ident.Parse(v); err != nil || in.SetID.IsNil() {
				http.Error(w, fmt.Sprintf("set: %q is not a compound set id (a UUID)", v), http.StatusBadRequest)
				return
			}
		}
		out := &lazyDownload{w: w, contentType: contentType}
		in.Resolved = func(m *store.MLModel, set *store.CompoundSet) {
			name := m.Name
			if set != nil {
				name += "-" + set.Name
			}
			out.filename = safeFilename(name) + "-pool." + string(format)
		}
		n, err := svc.ExportPool(ctx, actor, in, out)
		var ie *activelearning.InputError
		switch {
		case err == nil:
			log.LogAttrs(ctx, slog.LevelInfo, "export pool", slog.String("model", in.Model), slog.String("format", string(format)), slog.Int("rows", n))
		case out.started:
			log.LogAttrs(ctx, slog.LevelError, "export pool failed midway", slog.String("model", in.Model), slog.Int("rows", n), slog.String("error", err.Error()))
			panic(http.ErrAbortHandler)
		case errors.As(err, &ie):
			http.Error(w, ie.Error(), http.StatusBadRequest)
		case errors.Is(err, auth.ErrForbidden):
			http.Error(w, err.Error(), http.StatusForbidden)
		default:
			lookupFailed(log, w, r, "export pool of "+in.Model, err)
		}
	})
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
