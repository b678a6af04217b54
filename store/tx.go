package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// RunInTx runs fn in a transaction, committed when fn returns nil and rolled
// back otherwise. Inside fn use only tx (pass it to methods that take a
// bun.IDB, and to River's InsertTx as tx.Tx): on SQLite the store has one
// connection, so anything that asks the Store for another blocks until the
// context ends.
func (s *Store) RunInTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.db.RunInTx(ctx, nil, fn)
}

// idb returns db, or the store's database when db is nil: methods that take
// a bun.IDB work inside a transaction or outside one.
func (s *Store) idb(db bun.IDB) bun.IDB {
	if db == nil {
		return s.db
	}
	return db
}

// enumError is the ErrInvalid for a value outside an enum.
func enumError(what, value string, allowed ...string) error {
	return fmt.Errorf("%s %q is not one of %v: %w", what, value, allowed, ErrInvalid)
}
