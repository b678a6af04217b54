package store

import "activelab/ident"

// ID identifies a row of the store (see package ident): a time-ordered
// UUID made in Go by the method that creates the row, unless the caller set
// one.
type ID = ident.ID

// NilID is the zero ID: no row.
var NilID = ident.Nil

// newID gives *id a new ID when it has none.
func newID(id *ID) {
	if *id == NilID {
		*id = ident.New()
	}
}

// idOrNull is id as a query argument, SQL NULL for NilID.
func idOrNull(id ID) any {
	if id == NilID {
		return nil
	}
	return id
}
