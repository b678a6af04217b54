package store_test

import (
	"reflect"
	"testing"

	"activelab/store"
)

// TestQuerierIsComplete checks that store.Querier lists every exported
// method a *Store and a *Tx share (the conn methods), so code that takes a
// Querier can call all of them.
func TestQuerierIsComplete(t *testing.T) {
	q := reflect.TypeFor[store.Querier]()
	txT, stT := reflect.TypeFor[*store.Tx](), reflect.TypeFor[*store.Store]()
	for i := range txT.NumMethod() {
		m := txT.Method(i)
		if _, shared := stT.MethodByName(m.Name); !shared {
			continue // Tx-only (Emit, SQLTx)
		}
		if _, ok := q.MethodByName(m.Name); !ok {
			t.Errorf("store.Querier lacks %s, which *Store and *Tx both have", m.Name)
		}
	}
}
