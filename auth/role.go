package auth

import (
	"fmt"
	"strings"

	"activelab/store"
)

// Role is a user's role; the values are the store's. Roles are ordered:
// viewer < scientist < admin, and a role grants everything a lower one does.
type Role = store.Role

// The roles, lowest first.
const (
	RoleViewer    = store.RoleViewer
	RoleScientist = store.RoleScientist
	RoleAdmin     = store.RoleAdmin
)

// Rank orders roles: viewer 1, scientist 2, admin 3, anything else 0.
func Rank(r Role) int {
	switch r {
	case RoleViewer:
		return 1
	case RoleScientist:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// AtLeast reports whether have grants need. An unknown role grants nothing.
func AtLeast(have, need Role) bool {
	return Rank(have) > 0 && Rank(have) >= Rank(need)
}

// ParseRole reads "viewer", "scientist" or "admin" (any case, surrounding
// spaces ignored); anything else is an *InputError.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if Rank(r) == 0 {
		return "", &InputError{Field: "role", Message: fmt.Sprintf("%q is not viewer, scientist or admin", s)}
	}
	return r, nil
}
