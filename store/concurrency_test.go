package store_test

import (
	"fmt"
	"sync"
	"testing"

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
					err := st.InTx(ctx, func(tx *store.Tx) error {
						c := &store.Compound{CanonicalSMILES: fmt.Sprintf("C%dN%d", w, i)}
						if _, err := tx.EnsureCompound(ctx, c); err != nil {
							return err
						}
						return tx.AppendEvent(ctx, &store.Event{Type: "test.write", ModelID: &m.ID, ItemID: &c.ID})
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
