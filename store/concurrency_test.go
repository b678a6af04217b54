package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"activelab/store"
	"activelab/store/storetest"
)

// TestConcurrentWriters runs transactions from many goroutines at once: on
// SQLite they queue for the single connection (no SQLITE_BUSY), on
// PostgreSQL they run in parallel; every write lands.
func TestConcurrentWriters(t *testing.T) {
	const writers, each = 8, 10
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := storetest.Model(ctx, t, st, nil)
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					err := st.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
						c := &store.Compound{CanonicalSMILES: fmt.Sprintf("C%dN%d", w, i)}
						if _, err := st.EnsureCompound(ctx, tx, c); err != nil {
							return err
						}
						return st.AppendEvent(ctx, tx, &store.Event{Type: "test.write", ModelID: &m.ID, ItemID: &c.ID})
					})
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		evs, err := st.EventsAfter(ctx, 0, &m.ID, 1000)
		if err != nil || len(evs) != writers*each {
			t.Errorf("events = %d, %v; want %d", len(evs), err, writers*each)
		}
	})
}
