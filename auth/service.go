package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"activelab/store"
)

// DefaultSessionTTL is the lifetime of a login session unless configured.
const DefaultSessionTTL = 14 * 24 * time.Hour

// touchInterval throttles last_used_at updates of API tokens to one write
// per token per interval, so a busy notebook does not write on every call.
const touchInterval = time.Minute

// Service holds the rules of accounts and credentials: creating and
// updating users (keeping at least one enabled admin), logging in and out,
// issuing, listing and revoking API tokens, and turning a presented secret
// into a Principal. Resolvers and commands call it; it calls the store. It
// is safe for concurrent use.
type Service struct {
	store      *store.Store
	now        func() time.Time
	sessionTTL time.Duration

	dummyOnce sync.Once
	dummyHash string

	tokens    *tokenCache
	throttle  *loginThrottle
	hashSlots chan struct{}
	hashing   atomic.Int64
	hashPeak  atomic.Int64
}

// Options configures a Service; zero values take defaults.
type Options struct {
	// SessionTTL is how long a login session lasts (DefaultSessionTTL).
	SessionTTL time.Duration
	// Now is the clock (time.Now); tests move it.
	Now func() time.Time
	// MaxConcurrentHashes bounds the password hashes and checks running
	// at once (DefaultMaxConcurrentHashes); argon2id takes 19 MiB each.
	MaxConcurrentHashes int
	// TokenCacheTTL is how long AuthenticateToken may answer from what it
	// read of a token and its user before (see tokenCache): a revocation
	// or a user update made through this Service applies at once, one
	// made by another process within TokenCacheTTL. Zero (the default
	// here; the server sets DefaultTokenCacheTTL) reads the token on
	// every call.
	TokenCacheTTL time.Duration
}

// DefaultTokenCacheTTL is the server's token cache lifetime by default
// (--token-cache-ttl): one token lookup per token per 2 seconds, and a
// token revoked on another replica or with the CLI refused within 2
// seconds.
const DefaultTokenCacheTTL = 2 * time.Second

// DefaultMaxConcurrentHashes is Options.MaxConcurrentHashes by default:
// 4 × 19 MiB of argon2id memory at most.
const DefaultMaxConcurrentHashes = 4

// NewService returns a Service over st.
func NewService(st *store.Store, opts Options) *Service {
	if opts.MaxConcurrentHashes <= 0 {
		opts.MaxConcurrentHashes = DefaultMaxConcurrentHashes
	}
	s := &Service{store: st, now: opts.Now, sessionTTL: opts.SessionTTL,
		throttle: newLoginThrottle(), hashSlots: make(chan struct{}, opts.MaxConcurrentHashes),
		tokens: newTokenCache(opts.TokenCacheTTL)}
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

// CreateUser creates a user on behalf of actor, who must be an admin
// (*ForbiddenError otherwise); see CreateUserAsOperator.
func (s *Service) CreateUser(ctx context.Context, actor *store.User, u NewUser) (*store.User, error) {
	if err := RequireRole(actor, "createUser", RoleAdmin); err != nil {
		return nil, err
	}
	return s.CreateUserAsOperator(ctx, u)
}

// CreateUserAsOperator validates u, hashes the password with argon2id and
// stores the user. It checks no role: it is for the operator, who holds
// the database itself and is no user of it (`activelab user create`, the
// demo's first admin); requests from users go through CreateUser. Bad
// fields are *InputError; a taken email wraps store.ErrConflict.
func (s *Service) CreateUserAsOperator(ctx context.Context, u NewUser) (*store.User, error) {
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
	if err := CheckPassword(u.Password); err != nil {
		return nil, err
	}
	var hash string
	var err error
	if serr := s.withHashSlot(ctx, func() { hash, err = HashPassword(u.Password) }); serr != nil {
		return nil, serr
	}
	if err != nil {
		return nil, err
	}
	user := &store.User{Email: email, Name: name, Role: u.Role, PasswordHash: hash}
	err = s.store.CreateUser(ctx, user)
	if errors.Is(err, store.ErrConflict) {
		// The driver's wording of the unique violation says nothing a caller can use.
		return nil, fmt.Errorf("email %q: a user with this email already exists (emails ignore case): %w", email, store.ErrConflict)
	}
	if err != nil {
		return nil, err
	}
	return user, nil
}

// UserUpdate is the input of UpdateUser: nil fields are left unchanged.
type UserUpdate struct {
	ID store.ID
	// Name is the new display name.
	Name *string
	// Role is the new role.
	Role *Role
	// Disabled true disables the account, false enables it again.
	Disabled *bool
	// Password is a new password; it ends the user's sessions.
	Password *string
	// RevokeAPITokens revokes every API token of the user too (offered
	// with a password change, when the old password may have leaked with
	// tokens made from its sessions).
	RevokeAPITokens bool
}

// UpdateUser applies u in one transaction and returns the user as stored.
//
//   - Disabling refuses the user's sessions and API tokens at once (the
//     authenticators check DisabledAt) and ends the sessions, so enabling the
//     user again brings back the API tokens but not the browser sessions:
//     the user logs in again. Disabling a disabled user keeps its DisabledAt.
//   - A new password ends every session of the user (the caller's own when
//     admins change their own password); API tokens stay valid unless
//     RevokeAPITokens is set.
//   - The last enabled admin can be neither demoted nor disabled, so that
//     somebody can still manage users: *InputError on "role" or "disabled".
//     Concurrent calls cannot get around it: the enabled admins are locked
//     for the transaction.
//
// Only admins may update users: actor below admin is a *ForbiddenError.
// Bad fields are *InputError (name, role, password); an unknown user wraps
// store.ErrNotFound. A rejected call changes nothing.
func (s *Service) UpdateUser(ctx context.Context, actor *store.User, u UserUpdate) (*store.User, error) {
	if err := RequireRole(actor, "updateUser", RoleAdmin); err != nil {
		return nil, err
	}
	var name, hash string
	if u.Name != nil {
		name = strings.TrimSpace(*u.Name)
		if err := checkText("name", name, 200); err != nil {
			return nil, err
		}
	}
	if u.Role != nil && Rank(*u.Role) == 0 {
		return nil, &InputError{Field: "role", Message: fmt.Sprintf("%q is not viewer, scientist or admin", *u.Role)}
	}
	if _, err := s.store.UserByID(ctx, u.ID); err != nil {
		return nil, err
	}
	if u.Password != nil {
		// Hash before the transaction: argon2id takes tens of milliseconds.
		if err := CheckPassword(*u.Password); err != nil {
			return nil, err
		}
		var err error
		if serr := s.withHashSlot(ctx, func() { hash, err = HashPassword(*u.Password) }); serr != nil {
			return nil, serr
		}
		if err != nil {
			return nil, err
		}
	}
	demote := u.Role != nil && *u.Role != RoleAdmin
	disable := u.Disabled != nil && *u.Disabled
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if demote || disable {
			if err := s.keepAnAdmin(ctx, tx, u.ID, demote); err != nil {
				return err
			}
		}
		if u.Name != nil {
			if err := tx.SetUserName(ctx, u.ID, name); err != nil {
				return err
			}
		}
		if u.Role != nil {
			if err := tx.SetUserRole(ctx, u.ID, *u.Role); err != nil {
				return err
			}
		}
		if u.Disabled != nil {
			if err := tx.SetUserDisabled(ctx, u.ID, *u.Disabled, s.now()); err != nil {
				return err
			}
		}
		if u.Password != nil {
			if err := tx.SetUserPassword(ctx, u.ID, hash); err != nil {
				return err
			}
		}
		if disable || u.Password != nil {
			if _, err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		return nil
	})
	// A disabled, demoted or renamed user: cached tokens must not keep
	// the old user.
	s.tokens.clear()
	if err != nil {
		return nil, err // store errors say which change failed; *InputError speaks for itself
	}
	if u.RevokeAPITokens {
		if _, err := s.RevokeAllAPITokens(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	return s.store.UserByID(ctx, u.ID)
}

// keepAnAdmin refuses, as an *InputError on "role" (demote) or "disabled",
// to take the admin role from user id or disable it when it is the last
// enabled admin. It locks the enabled admins until tx ends.
func (s *Service) keepAnAdmin(ctx context.Context, tx *store.Tx, id store.ID, demote bool) error {
	admins, err := tx.LockEnabledAdmins(ctx)
	if err != nil {
		return err
	}
	if len(admins) != 1 || admins[0].ID != id {
		return nil // the user is not an enabled admin, or another one remains
	}
	field, what := "disabled", "disable"
	if demote {
		field, what = "role", "demote"
	}
	return &InputError{Field: field, Message: fmt.Sprintf(
		"cannot %s %s: they are the last enabled admin, and nobody could manage users any more; make another user an admin first",
		what, admins[0].Email)}
}

// Users lists every user for actor, who must be an admin
// (*ForbiddenError otherwise).
func (s *Service) Users(ctx context.Context, actor *store.User) ([]*store.User, error) {
	if err := RequireRole(actor, "users", RoleAdmin); err != nil {
		return nil, err
	}
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
// Attempts are throttled per client address (ClientAddrFrom(ctx)) and per
// account, as the constants of throttle.go say: a throttled attempt is a
// *ThrottledError and costs no password check. Password checks wait for
// one of Options.MaxConcurrentHashes slots.
func (s *Service) Login(ctx context.Context, email, password string) (*LoginResult, error) {
	addr := ClientAddrFrom(ctx)
	if err := s.throttle.check(email, addr, s.now()); err != nil {
		return nil, err
	}
	u, err := s.store.UserByEmail(ctx, strings.TrimSpace(email))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("login: %w", err)
	}
	found := err == nil
	pwHash := ""
	if found {
		pwHash = u.PasswordHash
	}
	ok, err := s.checkPassword(ctx, email, addr, pwHash, password)
	if err != nil {
		if found && !isThrottleOrContext(err) {
			return nil, fmt.Errorf("login user %d: %w", u.ID, err)
		}
		return nil, err
	}
	if !ok || !found || u.DisabledAt != nil {
		s.throttle.failed(email, addr, s.now())
		return nil, errBadLogin
	}
	s.throttle.succeeded(email, addr)
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

// checkPassword verifies password against hash ("" for an unknown
// account: a dummy hash is checked so timing does not tell) in a hash
// slot, checking the throttle again once the slot is had, so attempts
// queued behind a burst of failures are refused without a check.
func (s *Service) checkPassword(ctx context.Context, email, addr, pwHash, password string) (ok bool, err error) {
	serr := s.withHashSlot(ctx, func() {
		if err = s.throttle.check(email, addr, s.now()); err != nil {
			return
		}
		if pwHash == "" {
			_, _ = VerifyPassword(s.dummy(), password)
			return
		}
		ok, err = VerifyPassword(pwHash, password)
	})
	if serr != nil {
		return false, serr
	}
	return ok, err
}

func isThrottleOrContext(err error) bool {
	var t *ThrottledError
	return errors.As(err, &t) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
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
	hash := HashSecret(secret)
	now := s.now()
	t, u, ok := s.tokens.get(hash, now)
	if !ok {
		gen := s.tokens.begin()
		var err error
		t, u, err = s.store.APITokenByHash(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return nil, unauthenticated("unknown API token")
		}
		if err != nil {
			return nil, fmt.Errorf("API token: %w", err)
		}
		s.tokens.put(gen, now, t, u)
	}
	if err := tokenUsable(t, u, now); err != nil {
		return nil, err
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchInterval {
		// Best effort: a failed bookkeeping write must not refuse the request.
		if err := s.store.TouchAPIToken(ctx, t.ID, now); err == nil {
			t.LastUsedAt = &now
			s.tokens.touched(hash, now)
		}
	}
	return &Principal{User: u, Token: t}, nil
}

// tokenUsable refuses a revoked or expired token, or one whose user is
// disabled, with an error wrapping ErrUnauthenticated.
func tokenUsable(t *store.APIToken, u *store.User, now time.Time) error {
	switch {
	case t.RevokedAt != nil:
		return unauthenticated("API token %q (%s…) was revoked at %s", t.Name, t.Prefix, t.RevokedAt.UTC().Format(time.RFC3339))
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return unauthenticated("API token %q (%s…) expired at %s", t.Name, t.Prefix, t.ExpiresAt.UTC().Format(time.RFC3339))
	case u.DisabledAt != nil:
		return unauthenticated("user account disabled")
	}
	return nil
}

// Recheck reports whether p's credentials still hold: its session not
// ended or expired, its API token not revoked or expired, its user not
// disabled. A long-lived connection (a websocket) calls it now and then;
// an error wrapping ErrUnauthenticated means they no longer hold, any
// other error that they could not be checked.
func (s *Service) Recheck(ctx context.Context, p *Principal) error {
	switch {
	case p == nil || p.User == nil:
		return unauthenticated("no credentials")
	case p.SessionSecret != "":
		_, err := s.AuthenticateSession(ctx, p.SessionSecret)
		return err
	case p.Token != nil:
		t, u, err := s.store.APITokenByHash(ctx, p.Token.Hash)
		if errors.Is(err, store.ErrNotFound) {
			return unauthenticated("API token %q is gone", p.Token.Name)
		}
		if err != nil {
			return fmt.Errorf("recheck API token %d: %w", p.Token.ID, err)
		}
		return tokenUsable(t, u, s.now())
	}
	return unauthenticated("no credentials")
}

// CreateAPIToken issues a token for user. The secret is returned once; only
// its hash and display prefix are stored. expiresAt, when set, must be in
// the future.
//
// A request authenticated by an API token cannot create tokens (wraps
// ErrForbidden): tokens come from a signed-in session or the CLI, so a
// leaked token cannot mint itself lasting successors that would survive
// its revocation.
func (s *Service) CreateAPIToken(ctx context.Context, user *store.User, name string, expiresAt *time.Time) (*store.APIToken, string, error) {
	if p := PrincipalFrom(ctx); p != nil && p.Token != nil {
		return nil, "", fmt.Errorf("%w: API tokens are created from a signed-in session (the web app) or with `activelab token create`, not with another API token", ErrForbidden)
	}
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
func (s *Service) APITokens(ctx context.Context, userID store.ID) ([]*store.APIToken, error) {
	return s.store.APITokensByUser(ctx, userID)
}

// RevokeAPIToken revokes one of the user's tokens and returns it. A token
// that is not the user's wraps store.ErrNotFound. Revoking twice keeps the
// first revocation time.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, tokenID store.ID) (*store.APIToken, error) {
	err := s.store.RevokeAPIToken(ctx, userID, tokenID)
	s.tokens.clear() // even on error: the update may have committed
	if err != nil {
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

// RevokeAllAPITokens revokes every token of the user not yet revoked and
// returns how many it revoked (a token revoked before keeps its time).
func (s *Service) RevokeAllAPITokens(ctx context.Context, userID store.ID) (int, error) {
	defer s.tokens.clear()
	tokens, err := s.store.APITokensByUser(ctx, userID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tokens {
		if t.RevokedAt != nil {
			continue
		}
		if err := s.store.RevokeAPIToken(ctx, userID, t.ID); err != nil {
			return n, fmt.Errorf("revoke the API tokens of user %d: %w", userID, err)
		}
		n++
	}
	return n, nil
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
