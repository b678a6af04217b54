package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"activelab/events"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestEventsCommitInSeqOrder appends events from 8 goroutines x 50
// transactions while a reader follows "seq > last" through EventSource: the
// reader must see every sequence number exactly once, in increasing order.
// Without AppendEvent's advisory lock PostgreSQL would let a transaction
// holding a smaller seq commit after one with a larger seq, and the reader
// would skip it.
func TestEventsCommitInSeqOrder(t *testing.T) {
	const writers, txs, perTx = 8, 50, 2
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		src := st.EventSource()
		seen := map[int64]int{}
		var last int64
		actors := make([]store.ID, writers)
		for w := range actors {
			actors[w] = ident.New()
		}
		done := make(chan struct{})
		readErr := make(chan error, 1)
		go func() {
			defer close(readErr)
			for {
				select {
				case <-done:
					// One last read after every writer has committed.
				default:
				}
				finished := isClosed(done)
				evs, err := src.EventsAfter(ctx, last, 100)
				if err != nil {
					readErr <- err
					return
				}
				for _, e := range evs {
					if e.Seq <= last {
						readErr <- errors.New("event sequence went backwards")
						return
					}
					seen[e.Seq]++
					last = e.Seq
				}
				if finished && len(evs) == 0 {
					return
				}
			}
		}()
		var wg sync.WaitGroup
		errs := make(chan error, writers*txs)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range txs {
					err := st.InTx(ctx, func(tx *store.Tx) error {
						for range perTx {
							if err := tx.AppendEvent(ctx, &store.Event{Type: "test.order", ActorID: ptr(actors[w])}); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(done)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if err := <-readErr; err != nil {
			t.Fatal(err)
		}
		all, err := st.EventsAfter(ctx, 0, nil, 10*writers*txs*perTx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != writers*txs*perTx {
			t.Fatalf("%d events stored, want %d", len(all), writers*txs*perTx)
		}
		for _, e := range all {
			if seen[e.Seq] != 1 {
				t.Errorf("reader saw seq %d %d times, want once", e.Seq, seen[e.Seq])
			}
		}
		if len(seen) != len(all) {
			t.Errorf("reader saw %d distinct seqs, %d stored", len(seen), len(all))
		}
		lastSeq, err := src.LastSeq(ctx)
		if err != nil || lastSeq != all[len(all)-1].Seq {
			t.Errorf("LastSeq = %d, %v; want %d", lastSeq, err, all[len(all)-1].Seq)
		}
	})
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// TestEventSource checks the events.Source adapter: fields, limit, LastSeq
// of an empty outbox.
func TestEventSource(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		src := st.EventSource()
		if n, err := src.LastSeq(ctx); err != nil || n != 0 {
			t.Fatalf("LastSeq of empty outbox = %d, %v; want 0", n, err)
		}
		m := storetest.Model(ctx, t, st, nil)
		item, cycle, actor := ident.New(), ident.New(), ident.New()
		at := time.Date(2026, 11, 25, 12, 0, 0, 123456000, time.UTC)
		e1 := &store.Event{Type: "item_claimed", ModelID: &m.ID, ItemID: &item, CycleID: &cycle, ActorID: &actor,
			Payload: []byte(`{"lease":"x"}`), CreatedAt: at}
		e2 := &store.Event{Type: "cycle_updated"}
		for _, e := range []*store.Event{e1, e2} {
			if err := st.AppendEvent(ctx, e); err != nil { // outside a transaction: AppendEvent opens one
				t.Fatal(err)
			}
		}
		evs, err := src.EventsAfter(ctx, 0, 1)
		if err != nil || len(evs) != 1 {
			t.Fatalf("EventsAfter(0, 1) = %v, %v", evs, err)
		}
		got := evs[0]
		want := events.Event{Seq: e1.Seq, Type: "item_claimed", ModelID: m.ID, ItemID: item, CycleID: cycle, ActorID: actor, CreatedAt: at}
		if got.Seq != want.Seq || got.Type != want.Type || got.ModelID != want.ModelID || got.ItemID != item || got.CycleID != cycle ||
			got.ActorID != actor || !got.CreatedAt.Equal(at) || string(compactJSON(t, got.Payload)) != `{"lease":"x"}` {
			t.Errorf("EventsAfter = %+v, want %+v", got, want)
		}
		evs, err = src.EventsAfter(ctx, e1.Seq, 10)
		if err != nil || len(evs) != 1 || evs[0].Seq != e2.Seq || evs[0].ModelID != store.NilID {
			t.Errorf("EventsAfter(%d) = %+v, %v", e1.Seq, evs, err)
		}
		if n, err := src.LastSeq(ctx); err != nil || n != e2.Seq {
			t.Errorf("LastSeq = %d, %v; want %d", n, err, e2.Seq)
		}
	})
}

// TestAppendEventPostgresLockAndNotify checks the two PostgreSQL effects of
// AppendEvent: the transaction holds the events advisory lock until it ends
// (another session cannot take it), and listeners on events.Channel get one
// notification at commit, none for a rolled-back transaction before it.
func TestAppendEventPostgresLockAndNotify(t *testing.T) {
	open := storetest.Backends(t)["postgres"]
	st := open(t)
	ctx := t.Context()
	listener, err := st.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Release()
	if _, err := listener.Exec(ctx, "LISTEN "+events.Channel); err != nil {
		t.Fatal(err)
	}
	other, err := st.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Release()
	tryLock := func() bool {
		tx, err := other.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		var ok bool
		if err := tx.QueryRow(ctx, "SELECT pg_try_advisory_xact_lock($1)", store.EventsLockKey).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// A rolled-back append notifies nobody.
	rollback := errors.New("roll back")
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AppendEvent(ctx, &store.Event{Type: "test.rolled_back"}); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("RunInTx = %v", err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		for range 3 {
			if err := tx.AppendEvent(ctx, &store.Event{Type: "test.notify"}); err != nil {
				return err
			}
		}
		if tryLock() {
			t.Error("another session took the events lock while an appending transaction was open")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tryLock() {
		t.Error("events lock still held after commit")
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := listener.Conn().WaitForNotification(wctx)
	if err != nil {
		t.Fatalf("no notification after commit: %v", err)
	}
	if n.Channel != events.Channel || n.Payload != "" {
		t.Errorf("notification = %+v, want channel %s, empty payload", n, events.Channel)
	}
	// Three appends in one transaction are one notification (PostgreSQL
	// folds identical ones), and the rolled-back one sent none: nothing else
	// is pending. A short wait is enough: notifications of committed
	// transactions are delivered before the commit returns to us.
	wctx2, cancel2 := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel2()
	if n, err := listener.Conn().WaitForNotification(wctx2); err == nil {
		t.Errorf("second notification %+v; want one per committed transaction", n)
	}
}

// compactJSON removes insignificant space (PostgreSQL's jsonb adds some).
func compactJSON(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("compact %s: %v", raw, err)
	}
	return b.Bytes()
}
