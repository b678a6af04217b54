package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"activelab/store"
)

// seq makes fixture names unique within a test binary.
var seq atomic.Int64

// User inserts a user and returns it. Zero fields of u (which may be nil)
// get defaults: a unique email userN@example.test, the name "User N", the
// scientist role and a placeholder password hash (not a valid hash: set
// PasswordHash to sign in).
func User(ctx context.Context, t testing.TB, st *store.Store, u *store.User) *store.User {
	t.Helper()
	if u == nil {
		u = &store.User{}
	}
	n := seq.Add(1)
	if u.Email == "" {
		u.Email = fmt.Sprintf("user%d@example.test", n)
	}
	if u.Name == "" {
		u.Name = fmt.Sprintf("User %d", n)
	}
	if u.Role == "" {
		u.Role = store.RoleScientist
	}
	if u.PasswordHash == "" {
		u.PasswordHash = "placeholder-not-a-hash"
	}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatalf("storetest.User: %v", err)
	}
	return u
}
