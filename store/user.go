package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Role is what a user may do: read (viewer), label and select (scientist),
// or manage models, users and retraining (admin).
type Role string

// The roles, from least to most privileged.
const (
	RoleViewer    Role = "viewer"
	RoleScientist Role = "scientist"
	RoleAdmin     Role = "admin"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	return r == RoleViewer || r == RoleScientist || r == RoleAdmin
}

// User is a person (or service account) who signs in.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID    ID     `bun:"id,pk,autoincrement"`
	Email string `bun:"email,notnull"`
	Name  string `bun:"name,notnull"`
	Role  Role   `bun:"role,notnull"`
	// PasswordHash is the encoded password hash (argon2id or bcrypt); empty
	// for accounts that only use API tokens.
	PasswordHash string     `bun:"password_hash,notnull" json:"-"`
	CreatedAt    time.Time  `bun:"created_at,notnull"`
	UpdatedAt    time.Time  `bun:"updated_at,notnull"`
	DisabledAt   *time.Time `bun:"disabled_at"`
}

// CreateUser inserts u and sets its ID (and CreatedAt/UpdatedAt when zero).
// The email must be unique ignoring case (ErrConflict otherwise); an empty
// email or unknown role is ErrInvalid.
func (s *conn) CreateUser(ctx context.Context, u *User) error {
	u.Email = strings.TrimSpace(u.Email)
	if u.Email == "" {
		return fmt.Errorf("create user: email is empty: %w", ErrInvalid)
	}
	if !u.Role.Valid() {
		return fmt.Errorf("create user %q: role %q is not viewer, scientist or admin: %w", u.Email, u.Role, ErrInvalid)
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	u.CreatedAt = dbTime(u.CreatedAt)
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	u.UpdatedAt = dbTime(u.UpdatedAt)
	u.DisabledAt = dbTimePtr(u.DisabledAt)
	newID(&u.ID)
	_, err := s.db.NewInsert().Model(u).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("create user %q", u.Email))
}

// UserByEmail returns the user with this email, ignoring case; ErrNotFound
// when there is none.
func (s *conn) UserByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	err := s.db.NewSelect().Model(u).
		Where("lower(?) = lower(?)", bun.Ident("email"), strings.TrimSpace(email)).
		Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("user %q", email))
	}
	return u, nil
}

// UserByID returns the user with this ID; ErrNotFound when there is none.
func (s *conn) UserByID(ctx context.Context, id ID) (*User, error) {
	u := new(User)
	if err := s.reads().NewSelect().Model(u).Where("? = ?", bun.Ident("id"), id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UsersByIDs returns the users with these IDs in the order of ids (for
// dataloaders); an unknown ID gives a nil entry, not an error.
func (s *conn) UsersByIDs(ctx context.Context, ids []ID) ([]*User, error) {
	out := make([]*User, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var users []*User
	if err := s.reads().NewSelect().Model(&users).Where("? IN (?)", bun.Ident("id"), bun.List(ids)).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, "users by id")
	}
	byID := make(map[ID]*User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// ListUsers returns every user, oldest first.
func (s *conn) ListUsers(ctx context.Context) ([]*User, error) {
	var users []*User
	if err := s.db.NewSelect().Model(&users).Order("id").Scan(ctx); err != nil {
		return nil, s.wrapErr(err, "list users")
	}
	return users, nil
}

// Disabled reports whether the account is disabled (DisabledAt is set): it
// cannot log in, and its sessions and API tokens are refused.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

// SetUserPassword replaces the user's password hash; ErrNotFound for an
// unknown user. It leaves the user's sessions alone (DeleteUserSessions).
func (s *conn) SetUserPassword(ctx context.Context, id ID, hash string) error {
	res, err := s.db.NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", hash).
		Set("updated_at = ?", now()).
		Where("? = ?", bun.Ident("id"), id).
		Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("set password of user %d", id))
}

// SetUserRole changes the user's role; ErrInvalid for an unknown role,
// ErrNotFound for an unknown user.
func (s *conn) SetUserRole(ctx context.Context, id ID, role Role) error {
	if !role.Valid() {
		return fmt.Errorf("set role of user %d: role %q is not viewer, scientist or admin: %w", id, role, ErrInvalid)
	}
	res, err := s.db.NewUpdate().Model((*User)(nil)).
		Set("role = ?", role).
		Set("updated_at = ?", now()).
		Where("? = ?", bun.Ident("id"), id).
		Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("set role of user %d", id))
}

// SetUserName changes the user's display name; ErrInvalid for an empty
// name, ErrNotFound for an unknown user.
func (s *conn) SetUserName(ctx context.Context, id ID, name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("set name of user %d: name is empty: %w", id, ErrInvalid)
	}
	res, err := s.db.NewUpdate().Model((*User)(nil)).
		Set("name = ?", name).
		Set("updated_at = ?", now()).
		Where("? = ?", bun.Ident("id"), id).
		Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("set name of user %d", id))
}

// SetUserDisabled disables the user at at (disabled) or enables it again
// (!disabled: DisabledAt becomes nil). Disabling a disabled user keeps the
// first DisabledAt. ErrNotFound for an unknown user. It leaves the user's
// sessions and API tokens alone: authentication refuses them while the user
// is disabled.
func (s *conn) SetUserDisabled(ctx context.Context, id ID, disabled bool, at time.Time) error {
	q := s.db.NewUpdate().Model((*User)(nil)).
		Set("updated_at = ?", now()).
		Where("? = ?", bun.Ident("id"), id)
	what := fmt.Sprintf("enable user %d", id)
	if disabled {
		q = q.Set("disabled_at = COALESCE(?, ?)", bun.Ident("disabled_at"), dbTime(at))
		what = fmt.Sprintf("disable user %d", id)
	} else {
		q = q.Set("disabled_at = NULL")
	}
	res, err := q.Exec(ctx)
	return s.expectOne(res, err, what)
}

// LockEnabledAdmins returns the admins who are not disabled, by ID. Inside
// a transaction their rows stay locked until it ends (FOR UPDATE on
// PostgreSQL, in ID order so that two callers cannot deadlock; SQLite's
// single writer needs no lock), so that a check such as "another admin
// remains" holds until the change it guards commits.
func (s *conn) LockEnabledAdmins(ctx context.Context) ([]*User, error) {
	var users []*User
	q := s.db.NewSelect().Model(&users).
		Where("? = ?", bun.Ident("role"), RoleAdmin).
		Where("? IS NULL", bun.Ident("disabled_at")).
		Order("id")
	if err := s.be.lockRows(q).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, "enabled admins")
	}
	return users, nil
}

// CountUsers returns how many users exist (zero on a fresh install).
func (s *conn) CountUsers(ctx context.Context) (int, error) {
	n, err := s.db.NewSelect().Model((*User)(nil)).Count(ctx)
	if err != nil {
		return 0, s.wrapErr(err, "count users")
	}
	return int(n), nil
}
