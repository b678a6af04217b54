package auth

import (
	"fmt"
	"strings"

	"activelab/store"
)

// ForbiddenError is the answer of every role check ([RequireRole]): the
// caller is signed in, but Operation needs role Need and the caller holds
// Have. It wraps [ErrForbidden], so errors.Is(err, ErrForbidden) holds; the
// GraphQL error presenter answers it as FORBIDDEN with the message
// "<operation> requires role <NEED>; you are <HAVE>" and extensions
// operation and requiredRole.
type ForbiddenError struct {
	// Operation names what was refused, as the API calls it ("submitLabel").
	Operation string
	// Need is the lowest role that may do it; Have is the caller's.
	Need, Have Role
}

// Error implements error.
func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("%s requires role %s; you are %s", e.Operation,
		strings.ToUpper(string(e.Need)), strings.ToUpper(string(e.Have)))
}

// Unwrap returns ErrForbidden.
func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

// ErrorExtensions are the GraphQL extensions of the error besides its code.
func (e *ForbiddenError) ErrorExtensions() map[string]any {
	return map[string]any{"operation": e.Operation, "requiredRole": strings.ToUpper(string(e.Need))}
}

// RequireRole is the one role check of the services (this package's,
// activelearning's and jobs'): every method that needs a role starts with
// it, before it reads or changes anything. A nil actor wraps
// ErrUnauthenticated; an actor below need is a *ForbiddenError naming
// operation. The GraphQL @hasRole directive only documents the role (and
// requires a signed-in caller); this check is what enforces it.
func RequireRole(actor *store.User, operation string, need Role) error {
	if actor == nil {
		return unauthenticated("%s needs a signed-in user", operation)
	}
	if !AtLeast(actor.Role, need) {
		return &ForbiddenError{Operation: operation, Need: need, Have: actor.Role}
	}
	return nil
}
