package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// APIToken is a bearer token for notebooks and dashboards. Only the SHA-256
// of the secret is stored; the secret is shown once, at creation.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens,alias:t"`

	ID     ID     `bun:"id,pk,autoincrement"`
	UserID ID     `bun:"user_id,notnull"`
	Name   string `bun:"name,notnull"`
	// Prefix is the first characters of the secret, shown in lists so a user
	// can tell tokens apart.
	Prefix string `bun:"prefix,notnull"`
	// Hash is the SHA-256 of the secret.
	Hash       []byte     `bun:"hash,notnull" json:"-"`
	CreatedAt  time.Time  `bun:"created_at,notnull"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	ExpiresAt  *time.Time `bun:"expires_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}

// CreateAPIToken inserts t and sets its ID (and CreatedAt when zero).
// ErrNotFound for an unknown user, ErrConflict for a duplicate hash,
// ErrInvalid for an empty hash.
func (s *conn) CreateAPIToken(ctx context.Context, t *APIToken) error {
	if len(t.Hash) == 0 {
		return fmt.Errorf("create API token %q: empty hash: %w", t.Name, ErrInvalid)
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now()
	}
	t.CreatedAt = dbTime(t.CreatedAt)
	t.LastUsedAt, t.ExpiresAt, t.RevokedAt = dbTimePtr(t.LastUsedAt), dbTimePtr(t.ExpiresAt), dbTimePtr(t.RevokedAt)
	newID(&t.ID)
	_, err := s.db.NewInsert().Model(t).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("create API token %q for user %d", t.Name, t.UserID))
}

// APITokenByHash returns the token with this hash and its user; ErrNotFound
// when unknown. The caller checks RevokedAt, ExpiresAt and the user's
// DisabledAt.
func (s *conn) APITokenByHash(ctx context.Context, hash []byte) (*APIToken, *User, error) {
	t := new(APIToken)
	if err := s.reads().NewSelect().Model(t).Where("? = ?", bun.Ident("hash"), hash).Scan(ctx); err != nil {
		return nil, nil, s.wrapErr(err, "API token")
	}
	u, err := s.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("API token %d: %w", t.ID, err)
	}
	return t, u, nil
}

// APITokensByUser returns the user's tokens (revoked ones too), newest first.
func (s *conn) APITokensByUser(ctx context.Context, userID ID) ([]*APIToken, error) {
	tokens := []*APIToken{}
	err := s.db.NewSelect().Model(&tokens).
		Where("? = ?", bun.Ident("user_id"), userID).
		Order("created_at DESC", "id DESC").
		Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("API tokens of user %d", userID))
	}
	return tokens, nil
}

// RevokeAPIToken marks the user's token revoked; ErrNotFound when the token
// does not exist or belongs to someone else. Revoking twice keeps the first
// revocation time and is not an error.
func (s *conn) RevokeAPIToken(ctx context.Context, userID, tokenID ID) error {
	res, err := s.db.NewUpdate().Model((*APIToken)(nil)).
		Set("revoked_at = COALESCE(revoked_at, ?)", now()).
		Where("? = ?", bun.Ident("id"), tokenID).
		Where("? = ?", bun.Ident("user_id"), userID).
		Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("revoke API token %d of user %d", tokenID, userID))
}

// TouchAPIToken records that the token was used at at; ErrNotFound for an
// unknown token.
func (s *conn) TouchAPIToken(ctx context.Context, id ID, at time.Time) error {
	res, err := s.db.NewUpdate().Model((*APIToken)(nil)).
		Set("last_used_at = ?", dbTime(at)).
		Where("? = ?", bun.Ident("id"), id).
		Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("touch API token %d", id))
}
