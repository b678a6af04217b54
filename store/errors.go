package store

import "errors"

// ErrNotFound is wrapped by every lookup that finds no row, with what was
// looked for: fmt.Errorf("user %q: %w", email, ErrNotFound).
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped when a write collides with existing data: a unique
// violation (duplicate email, a compound enqueued twice for one model and
// batch, a second active model version) or a lost optimistic-concurrency race.
var ErrConflict = errors.New("conflict")

// ErrInvalid is wrapped when a value is rejected before or by the database:
// an unknown role, status or enum value, a missing required field.
var ErrInvalid = errors.New("invalid")
