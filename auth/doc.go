// Package auth holds ActiveLab's accounts and credentials.
//
// # Roles
//
// Users have one role: viewer < scientist < admin ([Rank], [AtLeast]). A
// role grants everything below it. [RequireRole] is the one role check of
// every service (this package's user management, activelearning.Service,
// the jobs client): a method that needs a role calls it first, and a caller
// below the role gets a [*ForbiddenError] ("createUser requires role ADMIN;
// you are VIEWER"). The GraphQL @hasRole directive documents the role and
// requires a signed-in caller; it enforces nothing, so the CLI and jobs
// meet the same rules. [Service.CreateUserAsOperator] is the exception: the
// operator (the CLI, the demo's first admin) holds the database and is no
// user of it.
//
// # Passwords
//
// [HashPassword] produces an argon2id PHC string
// ($argon2id$v=19$m=19456,t=2,p=1$salt$key); [VerifyPassword] reads the
// parameters from the hash, so they can be raised later. The Service runs
// hashes and checks in at most Options.MaxConcurrentHashes slots (4 by
// default: argon2id takes 19 MiB each), so parallel logins cannot exhaust
// memory; [Service.HashStats] reports the slots in use.
//
// # Login throttling
//
// [Service.Login] counts failures per client address ([WithClientAddr],
// set by the HTTP layer) and per account, and makes further attempts wait
// with exponential back-off (the constants of throttle.go); a throttled
// attempt is a [*ThrottledError] (TOO_MANY_REQUESTS) and costs no password
// check. The account wait is capped at [AccountMaxDelay] and never applies
// from an address the account has logged in from, so guessing cannot lock
// a real user out for long. The counts are in memory, per process.
//
// # Managing users
//
// [Service.CreateUser] (the `activelab user create` command and the
// createUser mutation) and [Service.UpdateUser] (updateUser) hold the rules:
// a valid email, unique ignoring case; a non-empty name; a known role; a
// password [CheckPassword] accepts. Disabling a user refuses their sessions
// and API tokens at once (the authenticators check DisabledAt) and ends the
// sessions; enabling brings the tokens back. A new password ends the user's
// sessions. The last enabled admin can be neither demoted nor disabled, so
// somebody can always manage users; the check locks the enabled admins for
// its transaction (store.LockEnabledAdmins), so concurrent changes cannot
// get around it.
//
// # Sessions and API tokens
//
// Both are 256-bit random secrets of which only the SHA-256 ([HashSecret])
// is stored. A login session is an HttpOnly, SameSite=Lax cookie
// ([SessionCookieName]) that expires after Options.SessionTTL (14 days by
// default). An API token is "al_" + 43 base64url characters ([NewAPIToken]),
// shown once, stored hashed with a display prefix, listable, revocable and
// optionally expiring; clients send it as "Authorization: Bearer al_…".
// Tokens are created from a session or the CLI: a request authenticated by
// a token cannot create one ([ErrForbidden]), so revoking a leaked token
// leaves no successors. [Service.RevokeAllAPITokens] revokes a user's
// tokens (UserUpdate.RevokeAPITokens with a password change).
//
// With Options.TokenCacheTTL (the server's --token-cache-ttl, 2 s), the
// Service keeps a token it has read, and its user, for that long, so a
// busy client costs one lookup per token per TTL. Revoking a token or a
// user's tokens, or updating a user (disable, demote), through the same
// Service clears the cache before returning; another process's change
// (a replica, the CLI) is seen within the TTL; expiry is checked on every
// request. [Service.Recheck] (websockets) always reads the database.
//
// # Service and context
//
// [Service] holds the rules (create and update users, login, logout,
// authenticate a token or session, issue and revoke tokens) over the store. The HTTP
// layer puts the authenticated [Principal] in the request context
// ([WithPrincipal]); resolvers read it with [UserFrom] or [Require]. When
// presented credentials are refused, the reason is kept with [WithFailure]
// so that [Unauthenticated] can say "API token revoked" rather than just
// "authentication required".
//
// # Errors
//
// Errors wrap [ErrUnauthenticated] or [ErrForbidden], or are [*InputError]
// or [*ThrottledError]; the GraphQL error presenter maps them to
// UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT and TOO_MANY_REQUESTS.
package auth
