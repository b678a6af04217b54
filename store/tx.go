package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/uptrace/bun"
)

// conn runs the store's queries on one executor: the database (in a
// *Store) or one transaction (in a *Tx). Store and Tx embed it, so every
// query method exists once and works the same in and out of a transaction
// (River's executor pattern). There is no "nil means the database": a
// caller outside a transaction calls the Store, inside one the Tx.
type conn struct {
	db bun.IDB
	// rd runs the reads that need no transaction, when it is not db: the
	// SQLite read pool of a Store (see reads). nil in a Tx and on
	// PostgreSQL.
	rd      bun.IDB
	be      backend
	dialect string
}

// reads returns the executor for a read-only query that needs no
// transaction of its own: on a SQLite Store the read pool, whose
// connections read concurrently with each other and with the one writer
// (WAL), instead of queueing behind every write on the writer's
// connection; in a Tx, the transaction (which sees its own writes); on
// PostgreSQL, the one pool. A read on the pool sees every transaction
// committed before it began.
func (s *conn) reads() bun.IDB {
	if s.rd != nil {
		return s.rd
	}
	return s.db
}

var (
	_ Querier = (*Store)(nil)
	_ Querier = (*Tx)(nil)
)

// Tx is one database transaction, given to the function passed to
// Store.InTx. Every store method is available on it; Emit buffers events
// that InTx writes last, in order, and announces after the commit. A Tx
// must not be used after its function returns.
type Tx struct {
	conn
	tx     bun.Tx
	events []*Event
}

// SQLTx returns the transaction's database/sql handle, for River's InsertTx
// (the job exists exactly when the transaction commits).
func (t *Tx) SQLTx() *sql.Tx { return t.tx.Tx }

// Emit buffers an event of this transaction. InTx appends the buffered
// events to the outbox after fn's last write (on PostgreSQL the outbox lock
// is held from the first append to the commit, so appending last keeps
// transactions from waiting on each other's rows while holding it), and
// wakes the Store's event listeners after the commit. ErrInvalid for an
// empty type or a payload that is not JSON, when InTx writes it.
func (t *Tx) Emit(e *Event) { t.events = append(t.events, e) }

// InTx runs fn in a transaction, committed when fn returns nil and rolled
// back otherwise; the events fn emitted are written at the end of the
// transaction and announced (OnEvents) after it commits. Inside fn use only
// tx: on SQLite the store has one writer connection, so a write (or a
// read that is not on the read pool) asked of the Store waits until the
// context ends, and a read on the pool would not see fn's writes.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	var written int
	err := s.bunDB.RunInTx(ctx, nil, func(ctx context.Context, btx bun.Tx) error {
		tx := &Tx{conn: conn{db: btx, be: s.be, dialect: s.dialect}, tx: btx}
		if err := fn(tx); err != nil {
			return err
		}
		for _, e := range tx.events {
			if err := tx.AppendEvent(ctx, e); err != nil {
				return err
			}
		}
		written = len(tx.events)
		return nil
	})
	if err != nil {
		return err
	}
	if written > 0 {
		s.announce()
	}
	return nil
}

// OnEvents registers fn to be called after every commit that wrote events
// (an events.Broker's Notify, so subscribers in this process hear of them
// at once; other processes learn through NOTIFY on PostgreSQL or polling).
func (s *Store) OnEvents(fn func()) {
	s.hooks.Lock()
	defer s.hooks.Unlock()
	s.hooks.fns = append(s.hooks.fns, fn)
}

func (s *Store) announce() {
	s.hooks.Lock()
	fns := s.hooks.fns
	s.hooks.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// hooks are the functions OnEvents registered.
type hooks struct {
	sync.Mutex
	fns []func()
}

// enumError is the ErrInvalid for a value outside an enum.
func enumError(what, value string, allowed ...string) error {
	return fmt.Errorf("%s %q is not one of %v: %w", what, value, allowed, ErrInvalid)
}

// in returns the same queries run on tx (a savepoint or transaction that a
// method opened itself).
func (s *conn) in(tx bun.IDB) *conn { return &conn{db: tx, be: s.be, dialect: s.dialect} }
