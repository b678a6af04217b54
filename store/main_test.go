package store_test

import (
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// eachBackend runs fn once per available database, each with a fresh,
// migrated store.
func eachBackend(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, open(t))
		})
	}
}
