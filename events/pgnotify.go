package events

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Channel is the PostgreSQL NOTIFY channel on which committed events are
// announced. Writers call pg_notify on it (with an empty payload) in the
// transaction that inserts events; PostgreSQL delivers it on commit.
const Channel = "activelab_events"

// ListenPostgres holds one pooled connection LISTENing on Channel and calls
// notify for every notification, so that a Broker on each replica reads new
// events as soon as any replica commits them. It reconnects with backoff
// (calling notify after each reconnect, as notifications may have been
// missed) and returns when ctx is done.
func ListenPostgres(ctx context.Context, pool *pgxpool.Pool, notify func(), log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	backoff := 100 * time.Millisecond
	for {
		err := listenOnce(ctx, pool, notify)
		if ctx.Err() != nil {
			return nil
		}
		log.Warn("events: LISTEN connection lost; reconnecting", "err", err, "backoff", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func listenOnce(ctx context.Context, pool *pgxpool.Pool, notify func()) error {
	pooled, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire listen connection: %w", err)
	}
	// A connection that was LISTENing must not go back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return fmt.Errorf("listen %s: %w", Channel, err)
	}
	notify() // catch up on anything committed while we were not listening
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return fmt.Errorf("wait for notification: %w", err)
		}
		notify()
	}
}
