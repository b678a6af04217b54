package events

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestListenPostgres needs a PostgreSQL server: TEST_DATABASE_URL (CI sets
// it). The store's suites cover PostgreSQL end to end with their own harness.
func TestListenPostgres(t *testing.T) {
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("ACTIVELAB_REQUIRE_POSTGRES") == "1" {
			t.Fatal("TEST_DATABASE_URL is not set but ACTIVELAB_REQUIRE_POSTGRES=1")
		}
		t.Skip("SKIPPING PostgreSQL LISTEN/NOTIFY test: TEST_DATABASE_URL is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	var n atomic.Int32
	got := make(chan struct{}, 16)
	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ListenPostgres(lctx, pool, func() { n.Add(1); got <- struct{}{} }, nil)
	}()
	<-got // the catch-up call after LISTEN

	// A notification sent inside a transaction arrives only after commit.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, '')", Channel); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
		t.Fatal("notified before commit")
	case <-time.After(200 * time.Millisecond):
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no notification after commit")
	}
	stop()
	<-done
}
