package storetest

import (
	"context"
	"fmt"
	"strings"
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

// Compound inserts a compound and returns it. Zero fields of c (which may be
// nil) get defaults: a unique canonical SMILES (a linear alkane, C repeated
// N+1 times with a unique N: the SMILES is valid but says nothing about
// chemistry), the same input SMILES and the name "Compound N".
func Compound(ctx context.Context, t testing.TB, st *store.Store, c *store.Compound) *store.Compound {
	t.Helper()
	if c == nil {
		c = &store.Compound{}
	}
	n := seq.Add(1)
	if c.CanonicalSMILES == "" {
		c.CanonicalSMILES = strings.Repeat("C", int(n)+1)
	}
	if c.Name == "" {
		c.Name = fmt.Sprintf("Compound %d", n)
	}
	if err := st.CreateCompound(ctx, c); err != nil {
		t.Fatalf("storetest.Compound: %v", err)
	}
	return c
}

// Model inserts a model version and returns it. Zero fields of m (which may
// be nil) get defaults: a unique name "model-N", endpoint "logS",
// regression, version 1, status training.
func Model(ctx context.Context, t testing.TB, st *store.Store, m *store.MLModel) *store.MLModel {
	t.Helper()
	if m == nil {
		m = &store.MLModel{}
	}
	n := seq.Add(1)
	if m.Name == "" {
		m.Name = fmt.Sprintf("model-%d", n)
	}
	if m.Endpoint == "" {
		m.Endpoint = "logS"
	}
	if m.Task == "" {
		m.Task = store.TaskRegression
	}
	if err := st.CreateMLModel(ctx, m); err != nil {
		t.Fatalf("storetest.Model: %v", err)
	}
	return m
}
