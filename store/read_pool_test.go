package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"activelab/store"
	"activelab/store/storetest"
)

// TestReadsDoNotWaitForWriter checks that the Store's reads run while a
// transaction holds the writer (on SQLite, the read pool beside the one
// writer connection; before it, such a read queued until the transaction
// ended), see only committed data, and see the transaction's rows once it
// commits.
func TestReadsDoNotWaitForWriter(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := storetest.Model(ctx, t, st, nil)
		c := storetest.Compound(ctx, t, st, nil)
		f := store.QueueFilter{ModelIDs: []store.ID{m.ID}}
		written, release := make(chan store.ID), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- st.InTx(ctx, func(tx *store.Tx) error {
				it := &store.LabelQueueItem{CompoundID: c.ID, ModelID: m.ID, SelectionStrategy: "uncertainty", SelectionBatch: 1}
				if err := tx.CreateQueueItems(ctx, []*store.LabelQueueItem{it}); err != nil {
					close(written)
					return err
				}
				written <- it.ID
				<-release
				return nil
			})
		}()
		id, ok := <-written
		if !ok {
			t.Fatalf("write: %v", <-done)
		}
		// The writer is held: reads must answer anyway, without the
		// uncommitted item.
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		n, err := st.CountQueue(rctx, f)
		if err != nil || n != 0 {
			t.Errorf("CountQueue during the write = %d, %v; want 0, nil", n, err)
		}
		page, err := st.ListQueue(rctx, f, store.QueueByPriority, nil, 10)
		if err != nil || len(page.Items) != 0 {
			t.Errorf("ListQueue during the write = %v, %v; want no items", page, err)
		}
		if _, err := st.QueueItem(rctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("QueueItem(uncommitted) = %v; want ErrNotFound", err)
		}
		cancel()
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n, err := st.CountQueue(ctx, f); err != nil || n != 1 {
			t.Errorf("CountQueue after the commit = %d, %v; want 1", n, err)
		}
		if it, err := st.QueueItem(ctx, id); err != nil || it.ID != id {
			t.Errorf("QueueItem after the commit = %v, %v", it, err)
		}
	})
}

// TestReadPoolIsReadOnly checks that SQLite's read pool cannot write: it
// must never become a second writer (SQLITE_BUSY).
func TestReadPoolIsReadOnly(t *testing.T) {
	st := storetest.OpenSQLite(t)
	_, err := st.ReadExecutor().ExecContext(t.Context(), "INSERT INTO users (email, name, role, password_hash) VALUES ('x@example.test', 'x', 'viewer', 'x')")
	if err == nil {
		t.Fatal("insert through the read pool succeeded; want a read-only error")
	}
	if n, err := st.CountUsers(t.Context()); err != nil || n != 0 {
		t.Fatalf("users = %d, %v; want 0", n, err)
	}
}
