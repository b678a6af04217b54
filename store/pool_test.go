package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"activelab/store"
	"activelab/store/storetest"
)

// TestPoolStats: DBStats reports the pool's size (SQLite: its one
// writer; PostgreSQL: pool_max_conns from the URL, else
// DefaultPoolMaxConns) and counts a caller that waited for a connection,
// with the time it waited, on both databases (on PostgreSQL these are
// pgx's pool figures: database/sql's own never show a wait there).
func TestPoolStats(t *testing.T) {
	for _, tc := range []struct {
		backend, params string
		max             int
	}{
		{"sqlite", "", 1},
		{"postgres", "", store.DefaultPoolMaxConns},
		{"postgres", "pool_max_conns=3", 3},
	} {
		t.Run(tc.backend+"/"+tc.params, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			u := storetest.DatabaseURL(t, tc.backend)
			if tc.params != "" {
				sep := "?"
				if strings.Contains(u, "?") {
					sep = "&"
				}
				u += sep + tc.params
			}
			st, err := store.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if got := st.DBStats().MaxOpenConnections; got != tc.max {
				t.Fatalf("MaxOpenConnections = %d, want %d", got, tc.max)
			}
			if tc.max > 3 {
				return // the wait is checked on the small pools
			}
			// Hold every connection; one more caller must wait.
			var held []*sql.Conn
			for range tc.max {
				c, err := st.SQLDB().Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				held = append(held, c)
			}
			if s := st.DBStats(); s.InUse != tc.max {
				t.Errorf("InUse = %d with every connection held, want %d", s.InUse, tc.max)
			}
			before := st.DBStats()
			got := make(chan error, 1)
			go func() {
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				c, err := st.SQLDB().Conn(wctx)
				if err == nil {
					err = c.Close()
				}
				got <- err
			}()
			time.Sleep(100 * time.Millisecond)
			for _, c := range held {
				if err := c.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if err := <-got; err != nil {
				t.Fatalf("waiting caller: %v", err)
			}
			after := st.DBStats()
			if after.WaitCount <= before.WaitCount {
				t.Errorf("WaitCount %d -> %d after a caller waited, want more", before.WaitCount, after.WaitCount)
			}
			if d := after.WaitDuration - before.WaitDuration; d < 50*time.Millisecond {
				t.Errorf("WaitDuration grew by %s for a caller that waited about 100ms", d)
			}
		})
	}
}
