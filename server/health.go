package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
)

// healthz answers 200 while the process is up; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
}

// readyz answers 200 when the database answers and its migrations are
// current, else 503 with the reason.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		Logger(ctx, s.log).LogAttrs(ctx, slog.LevelWarn, "readyz: database ping", slog.String("error", err.Error()))
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "unreachable"})
		return
	}
	st, err := s.store.MigrationStatus(ctx)
	if err != nil {
		Logger(ctx, s.log).LogAttrs(ctx, slog.LevelWarn, "readyz: migration status", slog.String("error", err.Error()))
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "ok", "migrations": "unknown"})
		return
	}
	if !st.Current() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "ok",
			"migrations": "pending", "pending": len(st.Pending), "riverPending": len(st.RiverPending)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "database": "ok", "migrations": "current", "dialect": s.store.Dialect()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
