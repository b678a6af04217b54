package graph

import (
	"context"
	"errors"
	"testing"

	"activelab/auth"
	"activelab/store"
)

// TestHasRoleOnlyAuthenticates: @hasRole lets any signed-in caller through
// to the resolver, whatever the role it documents (the service behind the
// field enforces it: server's TestSchemaRolesEnforcedByService), and
// refuses an anonymous caller as UNAUTHENTICATED without calling it.
func TestHasRoleOnlyAuthenticates(t *testing.T) {
	calls := 0
	next := func(context.Context) (any, error) { calls++; return "resolved", nil }
	viewer := auth.WithPrincipal(context.Background(), &auth.Principal{User: &store.User{Role: store.RoleViewer}})
	for _, need := range []store.Role{store.RoleViewer, store.RoleScientist, store.RoleAdmin} {
		if got, err := HasRole(viewer, nil, next, need); err != nil || got != "resolved" {
			t.Errorf("viewer on a %s field: %v, %v; want the resolver's answer", need, got, err)
		}
	}
	if calls != 3 {
		t.Errorf("resolver called %d times, want 3", calls)
	}
	if _, err := HasRole(context.Background(), nil, next, store.RoleViewer); !errors.Is(err, auth.ErrUnauthenticated) || calls != 3 {
		t.Errorf("anonymous: error %v after %d resolver calls; want ErrUnauthenticated and no call", err, calls)
	}
}
