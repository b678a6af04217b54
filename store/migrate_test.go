package store_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestMigrateUpDownUp migrates a fresh database up, all the way down
// (application and River), and up again, and checks the schema and status
// at each step.
func TestMigrateUpDownUp(t *testing.T) {
	for name, open := range storetest.BackendsUnmigrated(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			st := open(t)
			status, err := st.MigrationStatus(ctx)
			if err != nil {
				t.Fatalf("MigrationStatus on an empty database: %v", err)
			}
			if status.Current() || len(status.Applied) != 0 || len(status.Pending) == 0 || len(status.RiverPending) == 0 {
				t.Fatalf("fresh status = %+v; want everything pending", status)
			}
			if err := st.Migrate(ctx); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			first := introspect(ctx, t, st)
			status, err = st.MigrationStatus(ctx)
			if err != nil || !status.Current() || len(status.Applied) == 0 || len(status.RiverApplied) == 0 {
				t.Fatalf("status after Migrate = %+v, %v; want current", status, err)
			}
			if err := st.Migrate(ctx); err != nil {
				t.Fatalf("second Migrate (nothing to do): %v", err)
			}

			if err := st.RollbackAll(ctx); err != nil {
				t.Fatalf("RollbackAll: %v", err)
			}
			for tb := range introspect(ctx, t, st) {
				if appTable(tb) || (len(tb) > 6 && tb[:6] == "river_") {
					t.Errorf("table %s left after RollbackAll", tb)
				}
			}
			status, err = st.MigrationStatus(ctx)
			if err != nil || len(status.Applied) != 0 || len(status.RiverApplied) != 0 {
				t.Errorf("status after RollbackAll = %+v, %v; want nothing applied", status, err)
			}

			if err := st.Migrate(ctx); err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
			again := introspect(ctx, t, st)
			if d := diffSchemas("first up", first, "second up", again); len(d) > 0 {
				t.Errorf("schema differs after up, down, up:\n%v", d)
			}
			if !slices.Equal(slices.Sorted(maps.Keys(first)), slices.Sorted(maps.Keys(again))) {
				t.Errorf("tables differ after up, down, up")
			}
			// The store works after the round trip.
			storetest.User(ctx, t, st, nil)
		})
	}
}

// TestRollbackLastGroup checks that Rollback undoes only the last group of
// application migrations and leaves River's tables.
func TestRollbackLastGroup(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		if err := st.Rollback(ctx); err != nil {
			t.Fatalf("Rollback: %v", err)
		}
		status, err := st.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(status.Applied) != 0 || len(status.RiverApplied) == 0 || status.Current() {
			t.Errorf("status after Rollback = %+v; want app migrations pending, River's applied", status)
		}
		if _, err := st.CountUsers(ctx); err == nil {
			t.Error("users table still answers after Rollback")
		}
		if err := st.Rollback(ctx); err != nil {
			t.Errorf("Rollback with nothing applied: %v", err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatalf("Migrate after Rollback: %v", err)
		}
		if _, err := st.UserByID(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after re-migrating, UserByID = %v; want ErrNotFound", err)
		}
	})
}
