package auth

import (
	"errors"
	"fmt"
)

// ErrUnauthenticated is wrapped by every error that means "who you are is not
// established": no credentials, a wrong password, an unknown, expired or
// revoked token, an expired session. The GraphQL error presenter maps it to
// extensions.code UNAUTHENTICATED; the wrapping message says which case.
var ErrUnauthenticated = errors.New("authentication required")

// ErrForbidden is wrapped when the caller is known but lacks the role.
// The presenter maps it to FORBIDDEN.
var ErrForbidden = errors.New("forbidden")

// InputError is a bad argument: Field names it, Message says what is wrong.
// The presenter maps it to BAD_USER_INPUT with the field in extensions.
type InputError struct {
	Field   string
	Message string
}

// Error implements error.
func (e *InputError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Message)
}

// ErrorCode returns "BAD_USER_INPUT", the GraphQL extensions.code of the error.
func (e *InputError) ErrorCode() string { return "BAD_USER_INPUT" }

// InputField names the bad argument (extensions.field).
func (e *InputError) InputField() string { return e.Field }

func unauthenticated(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnauthenticated}, args...)...)
}
