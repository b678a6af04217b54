package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"activelab/store"
)

// DefaultSessionTTL is the lifetime of a login session unless configured.
const DefaultSessionTTL = 14 * 24 * time.Hour

// touchInterval throttles last_used_at updates of API tokens to one write
// per token per interval, so a busy notebook does not write on every call.
const touchInterval = time.Minute

// Service holds the rules of accounts and credentials: creating users,
// logging in and out, issuing, listing and revoking API tokens, and turning
// a presented secret into a Principal. Resolvers and commands call it; it
// calls the store. It is safe for concurrent use.
type Service struct {
	store      *store.Store
	now        func() time.Time
	sessionTTL time.Duration

	dummyOnce sync.Once
	dummyHash string
}

// Options configures a Service; zero values take defaults.
type Options struct {
	// SessionTTL is how long a login session lasts (DefaultSessionTTL).
	SessionTTL time.Duration
	// Now is the clock (time.Now); tests move it.
	Now func() time.Time
}

// NewService returns a Service over st.
func NewService(st *store.Store, opts Options) *Service {
	s := &Service{store: st, now: opts.Now, sessionTTL: opts.SessionTTL}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sessionTTL <= 0 {
		s.sessionTTL = DefaultSessionTTL
	}
	return s
}

// NewUser is the input of CreateUser.
type NewUser struct {
	Email, Name string
	Role        Role
	Password    string
}

// CreateUser validates u, hashes the password with argon2id and stores the
// user. Bad fields are *InputError; a taken email wraps store.ErrConflict.
func (s *Service) CreateUser(ctx context.Context, u NewUser) (*store.User, error) {
	email := strings.TrimSpace(u.Email)
	if err := checkEmail(email); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(u.Name)
	if err := checkText("name", name, 200); err != nil {
		return nil, err
	}
	if Rank(u.Role) == 0 {
		return nil, &InputError{Field: "role", Message: fmt.Sprintf("%q is not viewer, scientist or admin", u.Role)}
	}
	hash, err := HashPassword(u.Password)
	if err != nil {
		return nil, err
	}
	user := &store.User{Email: email, Name: name, Role: u.Role, PasswordHash: hash}
	if err := s.store.CreateUser(ctx, user); err != nil {
		return nil, err
	}
	return user, nil
}

// Users lists every user (callers check the admin role).
func (s *Service) Users(ctx context.Context) ([]*store.User, error) {
	return s.store.ListUsers(ctx)
}

// LoginResult is a new session.
type LoginResult struct {
	User *store.User
	// Secret is the cookie value; only its hash is stored.
	Secret    string
	ExpiresAt time.Time
}

// errBadLogin is the one answer for an unknown email, a wrong password and a
// disabled account, so login does not reveal which accounts exist.
var errBadLogin = unauthenticated("invalid email or password")

// Login checks the password and opens a session. A wrong email or
// password wraps ErrUnauthenticated ("invalid email or password").
func (s *Service) Login(ctx context.Context, email, password string) (*LoginResult, error) {
	u, err := s.store.UserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check so timing does not tell.
		_, _ = VerifyPassword(s.dummy(), password)
		return nil, errBadLogin
	}
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("login user %d: %w", u.ID, err)
	}
	if !ok || u.DisabledAt != nil {
		return nil, errBadLogin
	}
	secret, hash, err := NewSessionSecret()
	if err != nil {
		return nil, err
	}
	now := s.now()
	sess := &store.Session{UserID: u.ID, Hash: hash, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.sessionTTL)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return &LoginResult{User: u, Secret: secret, ExpiresAt: sess.ExpiresAt}, nil
}

func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = HashPassword("not-a-real-password")
	})
	return s.dummyHash
}

// Logout ends the session whose cookie value is secret. It reports whether
// a session was ended (false when there was none).
func (s *Service) Logout(ctx context.Context, secret string) (bool, error) {
	if secret == "" {
		return false, nil
	}
	err := s.store.DeleteSession(ctx, HashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("logout: %w", err)
	}
	return true, nil
}

// AuthenticateSession returns the principal of a session cookie value. An
// unknown or expired session, or a disabled user, wraps ErrUnauthenticated.
func (s *Service) AuthenticateSession(ctx context.Context, secret string) (*Principal, error) {
	sess, u, err := s.store.SessionByHash(ctx, HashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, unauthenticated("session unknown or ended; log in again")
	}
	if err != nil {
		return nil, fmt.Errorf("look up session: %w", err)
	}
	if !s.now().Before(sess.ExpiresAt) {
		return nil, unauthenticated("session expired at %s; log in again", sess.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if u.DisabledAt != nil {
		return nil, unauthenticated("user account disabled")
	}
	return &Principal{User: u, SessionSecret: secret}, nil
}

// AuthenticateToken returns the principal of an API token secret. A
// malformed, unknown, expired or revoked token, or a disabled user, wraps
// ErrUnauthenticated with a message saying which.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*Principal, error) {
	if !LooksLikeAPIToken(secret) {
		return nil, unauthenticated("malformed API token (want %s followed by 43 characters)", TokenPrefix)
	}
	t, u, err := s.store.APITokenByHash(ctx, HashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, unauthenticated("unknown API token")
	}
	if err != nil {
		return nil, fmt.Errorf("API token: %w", err)
	}
	now := s.now()
	switch {
	case t.RevokedAt != nil:
		return nil, unauthenticated("API token %q (%s…) was revoked at %s", t.Name, t.Prefix, t.RevokedAt.UTC().Format(time.RFC3339))
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return nil, unauthenticated("API token %q (%s…) expired at %s", t.Name, t.Prefix, t.ExpiresAt.UTC().Format(time.RFC3339))
	case u.DisabledAt != nil:
		return nil, unauthenticated("user account disabled")
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchInterval {
		// Best effort: a failed bookkeeping write must not refuse the request.
		if err := s.store.TouchAPIToken(ctx, t.ID, now); err == nil {
			t.LastUsedAt = &now
		}
	}
	return &Principal{User: u, Token: t}, nil
}

// CreateAPIToken issues a token for user. The secret is returned once; only
// its hash and display prefix are stored. expiresAt, when set, must be in
// the future.
func (s *Service) CreateAPIToken(ctx context.Context, user *store.User, name string, expiresAt *time.Time) (*store.APIToken, string, error) {
	name = strings.TrimSpace(name)
	if err := checkText("name", name, 100); err != nil {
		return nil, "", err
	}
	if expiresAt != nil && !expiresAt.After(s.now()) {
		return nil, "", &InputError{Field: "expiresAt", Message: "must be in the future"}
	}
	secret, prefix, hash, err := NewAPIToken()
	if err != nil {
		return nil, "", err
	}
	t := &store.APIToken{UserID: user.ID, Name: name, Prefix: prefix, Hash: hash, CreatedAt: s.now(), ExpiresAt: expiresAt}
	if err := s.store.CreateAPIToken(ctx, t); err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// CreateAPITokenForEmail issues a token for the user with that email (the
// `activelab token create` command). An unknown email wraps store.ErrNotFound.
func (s *Service) CreateAPITokenForEmail(ctx context.Context, email, name string, expiresAt *time.Time) (*store.APIToken, string, error) {
	u, err := s.store.UserByEmail(ctx, strings.TrimSpace(email))
	if err != nil {
		return nil, "", err
	}
	return s.CreateAPIToken(ctx, u, name, expiresAt)
}

// APITokens lists a user's tokens, newest first (secrets are never kept).
func (s *Service) APITokens(ctx context.Context, userID int64) ([]*store.APIToken, error) {
	return s.store.APITokensByUser(ctx, userID)
}

// RevokeAPIToken revokes one of the user's tokens and returns it. A token
// that is not the user's wraps store.ErrNotFound. Revoking twice keeps the
// first revocation time.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, tokenID int64) (*store.APIToken, error) {
	if err := s.store.RevokeAPIToken(ctx, userID, tokenID); err != nil {
		return nil, err
	}
	tokens, err := s.store.APITokensByUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, t := range tokens {
		if t.ID == tokenID {
			return t, nil
		}
	}
	return nil, fmt.Errorf("API token %d: %w", tokenID, store.ErrNotFound)
}

func checkEmail(email string) error {
	at := strings.IndexByte(email, '@')
	switch {
	case email == "":
		return &InputError{Field: "email", Message: "is empty"}
	case len(email) > 254:
		return &InputError{Field: "email", Message: "is longer than 254 characters"}
	case at <= 0 || at != strings.LastIndexByte(email, '@') || at == len(email)-1 || strings.ContainsAny(email, " \t\r\n<>,;\""):
		return &InputError{Field: "email", Message: fmt.Sprintf("%q is not an email address", email)}
	}
	return nil
}

func checkText(field, v string, max int) error {
	switch {
	case v == "":
		return &InputError{Field: field, Message: "is empty"}
	case !utf8.ValidString(v):
		return &InputError{Field: field, Message: "is not valid UTF-8"}
	case utf8.RuneCountInString(v) > max:
		return &InputError{Field: field, Message: fmt.Sprintf("is longer than %d characters", max)}
	}
	return nil
}
