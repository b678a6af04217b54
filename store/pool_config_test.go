package store

import (
	"strings"
	"testing"
)

// TestPostgresPoolConfig: the URL's pool_max_conns sizes the pool, its
// absence gives DefaultPoolMaxConns (not pgx's max(4, CPUs)), other
// pool_* parameters pass through to pgx, and a bad value is an error
// that names it without the password.
func TestPostgresPoolConfig(t *testing.T) {
	const base = "postgres://u:hunter2@db.example:5432/activelab?sslmode=disable"
	for _, tc := range []struct {
		name, params string
		max, min     int32
		err          string
	}{
		{"default", "", DefaultPoolMaxConns, 0, ""},
		{"pool_max_conns", "&pool_max_conns=40", 40, 0, ""},
		{"smaller than the default", "&pool_max_conns=2", 2, 0, ""},
		{"pool_min_conns passes through", "&pool_min_conns=3", DefaultPoolMaxConns, 3, ""},
		{"not a number", "&pool_max_conns=many", 0, 0, "pool_max_conns"},
		{"zero", "&pool_max_conns=0", 0, 0, "pool_max_conns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := postgresPoolConfig(base + tc.params)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one mentioning %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error %q reveals the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.MaxConns != tc.max || cfg.MinConns != tc.min {
				t.Errorf("MaxConns, MinConns = %d, %d; want %d, %d", cfg.MaxConns, cfg.MinConns, tc.max, tc.min)
			}
			if cfg.ConnConfig.ConnectTimeout != connectTimeout {
				t.Errorf("ConnectTimeout = %s, want %s", cfg.ConnConfig.ConnectTimeout, connectTimeout)
			}
			if _, ok := cfg.ConnConfig.RuntimeParams["pool_max_conns"]; ok {
				t.Error("pool_max_conns reached the server's runtime parameters")
			}
		})
	}
}
