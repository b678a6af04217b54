// Package ident defines the identifier of every stored entity: a
// time-ordered UUID (version 7, RFC 9562) made in Go when the row is
// created.
//
// IDs sort in creation order (IDs made by one process are strictly
// increasing), so keyset pages and index locality behave as the integer
// ids they replaced did; they reveal nothing about how many rows exist and
// can be made before the row is written. PostgreSQL stores them as its
// native uuid, SQLite as canonical text (lower-case, hyphenated), whose
// byte order is the UUID's. GraphQL, JSON, the CLI and every message show
// the canonical text form.
package ident

import (
	"bytes"
	"database/sql/driver"
	"fmt"
	"io"

	"github.com/google/uuid"
)

// ID identifies a stored entity. The zero ID (Nil) means "none"; no row has
// it.
type ID uuid.UUID

// Nil is the zero ID: no entity.
var Nil ID

// New returns a new time-ordered ID.
func New() ID {
	u, err := uuid.NewV7()
	if err != nil {
		// NewV7 fails only when the system's random source does.
		panic(fmt.Sprintf("ident: new id: %v", err))
	}
	return ID(u)
}

// ErrInvalid is wrapped by Parse's errors.
var ErrInvalid = fmt.Errorf("invalid id")

// Parse parses the canonical text form of an ID (what String returns).
// Other spellings uuid.Parse would take (braces, urn:uuid:, no hyphens,
// upper case) are refused, so an entity has one spelling everywhere.
func Parse(s string) (ID, error) {
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 || u.String() != s {
		return Nil, fmt.Errorf("%w %q: want a lower-case UUID like 0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c", ErrInvalid, clip(s))
	}
	return ID(u), nil
}

// MustParse is Parse for constants in tests and examples; it panics on an
// invalid ID.
func MustParse(s string) ID {
	id, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns the canonical text form (36 characters, lower case).
func (id ID) String() string { return uuid.UUID(id).String() }

// IsNil reports whether id is the zero ID.
func (id ID) IsNil() bool { return id == Nil }

// Compare orders IDs as the databases do (byte order, which is creation
// order for IDs made by New): -1, 0 or +1.
func Compare(a, b ID) int { return bytes.Compare(a[:], b[:]) }

// Format writes the canonical text form for every verb (%v, %s, %d, %q
// quotes it), so an ID in a message reads the same as in the API whatever
// verb an older format string used.
func (id ID) Format(f fmt.State, verb rune) {
	s := id.String()
	if verb == 'q' {
		s = `"` + s + `"`
	}
	_, _ = io.WriteString(f, s)
}

// Value stores the canonical text form: PostgreSQL casts it to uuid,
// SQLite keeps it as text.
func (id ID) Value() (driver.Value, error) { return id.String(), nil }

// Scan reads an ID stored as text (either database) or as 16 raw bytes. A
// NULL or empty value leaves Nil.
func (id *ID) Scan(src any) error {
	var u uuid.UUID
	if err := u.Scan(src); err != nil {
		return fmt.Errorf("scan id: %w", err)
	}
	*id = ID(u)
	return nil
}

// MarshalText returns the canonical text form (JSON strings use it).
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText parses the canonical text form.
func (id *ID) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// IsZero reports whether id is Nil (JSON's omitzero uses it).
func (id ID) IsZero() bool { return id == Nil }

func clip(s string) string {
	if len(s) > 48 {
		return s[:48] + "..."
	}
	return s
}
