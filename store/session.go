package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Session is a browser sign-in. Only the SHA-256 of the cookie's secret is
// stored.
type Session struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID     ID `bun:"id,pk,autoincrement"`
	UserID ID `bun:"user_id,notnull"`
	// Hash is the SHA-256 of the cookie's secret.
	Hash       []byte    `bun:"hash,notnull" json:"-"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	ExpiresAt  time.Time `bun:"expires_at,notnull"`
	LastSeenAt time.Time `bun:"last_seen_at,notnull"`
}

// CreateSession inserts sess and sets its ID (CreatedAt and LastSeenAt
// default to now). ErrInvalid without a hash or expiry, ErrNotFound for an
// unknown user, ErrConflict for a duplicate hash.
func (s *conn) CreateSession(ctx context.Context, sess *Session) error {
	if len(sess.Hash) == 0 {
		return fmt.Errorf("create session for user %d: empty hash: %w", sess.UserID, ErrInvalid)
	}
	if sess.ExpiresAt.IsZero() {
		return fmt.Errorf("create session for user %d: no expiry: %w", sess.UserID, ErrInvalid)
	}
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = now()
	}
	if sess.LastSeenAt.IsZero() {
		sess.LastSeenAt = sess.CreatedAt
	}
	sess.CreatedAt, sess.ExpiresAt, sess.LastSeenAt = dbTime(sess.CreatedAt), dbTime(sess.ExpiresAt), dbTime(sess.LastSeenAt)
	newID(&sess.ID)
	_, err := s.db.NewInsert().Model(sess).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("create session for user %d", sess.UserID))
}

// SessionByHash returns the session with this hash and its user;
// ErrNotFound when unknown. The caller checks ExpiresAt and the user's
// DisabledAt.
func (s *conn) SessionByHash(ctx context.Context, hash []byte) (*Session, *User, error) {
	sess := new(Session)
	if err := s.reads().NewSelect().Model(sess).Where("? = ?", bun.Ident("hash"), hash).Scan(ctx); err != nil {
		return nil, nil, s.wrapErr(err, "session")
	}
	u, err := s.UserByID(ctx, sess.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("session %d: %w", sess.ID, err)
	}
	return sess, u, nil
}

// TouchSession records that the session was seen at at; ErrNotFound for an
// unknown session.
func (s *conn) TouchSession(ctx context.Context, hash []byte, at time.Time) error {
	res, err := s.db.NewUpdate().Model((*Session)(nil)).
		Set("last_seen_at = ?", dbTime(at)).
		Where("? = ?", bun.Ident("hash"), hash).
		Exec(ctx)
	return s.expectOne(res, err, "touch session")
}

// DeleteSession removes the session with this hash (logout). Deleting an
// unknown session is not an error: logging out twice is harmless.
func (s *conn) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.db.NewDelete().Model((*Session)(nil)).Where("? = ?", bun.Ident("hash"), hash).Exec(ctx)
	return s.wrapErr(err, "delete session")
}

// DeleteUserSessions ends every session of the user (a password change, a
// disabled account) and returns how many there were. An unknown user has
// none: that is not an error.
func (s *conn) DeleteUserSessions(ctx context.Context, userID ID) (int, error) {
	what := fmt.Sprintf("delete sessions of user %d", userID)
	res, err := s.db.NewDelete().Model((*Session)(nil)).Where("? = ?", bun.Ident("user_id"), userID).Exec(ctx)
	if err != nil {
		return 0, s.wrapErr(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return int(n), nil
}

// DeleteExpiredSessions removes sessions that expired at or before now and
// returns how many.
func (s *conn) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.NewDelete().Model((*Session)(nil)).Where("? <= ?", bun.Ident("expires_at"), dbTime(now)).Exec(ctx)
	if err != nil {
		return 0, s.wrapErr(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return int(n), nil
}
