package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

// TestQueryHook: every hook sees each query's operation and table, before
// it runs, with the caller's context, and its after func gets the query's
// result (sql.ErrNoRows for a miss); a transaction's statements are seen
// too, and a hook that returns no after func is not called back.
func TestQueryHook(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		type key struct{}
		var mu sync.Mutex
		var seen, after []string
		st.AddQueryHook(func(ctx context.Context, q store.QueryInfo) func(error) {
			if ctx.Value(key{}) == nil {
				return nil
			}
			if q.Start().IsZero() {
				t.Errorf("%s %s: no start time", q.Operation(), q.Table())
			}
			mu.Lock()
			seen = append(seen, strings.TrimSpace(q.Operation()+" "+q.Table()))
			mu.Unlock()
			op := q.Operation()
			return func(err error) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, sql.ErrNoRows):
					after = append(after, op+" no rows")
				case err != nil:
					after = append(after, op+" "+err.Error())
				default:
					after = append(after, op+" ok")
				}
			}
		})
		var others int
		st.AddQueryHook(func(ctx context.Context, q store.QueryInfo) func(error) {
			if ctx.Value(key{}) != nil {
				mu.Lock()
				others++
				mu.Unlock()
			}
			return nil
		})
		ctx := context.WithValue(t.Context(), key{}, true)

		if _, err := st.UserByEmail(t.Context(), "nobody@example.test"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		if len(seen) != 0 {
			t.Fatalf("hook saw %q for a context it declines", seen)
		}
		if _, err := st.UserByEmail(ctx, "nobody@example.test"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		storetest.User(ctx, t, st, nil)
		if len(seen) < 2 || len(after) < 2 {
			t.Fatalf("hook saw %q, after funcs got %q: want at least the lookup and the insert", seen, after)
		}
		if !slices.Equal(seen[:2], []string{"SELECT users", "INSERT users"}) {
			t.Errorf("hook saw %q, want SELECT users then INSERT users first", seen)
		}
		if !slices.Equal(after[:2], []string{"SELECT no rows", "INSERT ok"}) {
			t.Errorf("after funcs got %q, want SELECT no rows, INSERT ok", after)
		}
		if len(after) != len(seen) || others != len(seen) {
			t.Errorf("%d queries seen, %d after calls, %d seen by the second hook: want them equal", len(seen), len(after), others)
		}
		seen, after = nil, nil
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.UserByEmail(ctx, "nobody@example.test")
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(seen, "BEGIN") || !slices.Contains(seen, "SELECT users") || !slices.Contains(seen, "COMMIT") {
			t.Errorf("in a transaction the hook saw %q, want BEGIN, SELECT users, COMMIT", seen)
		}
	})
}
