package auth_test

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"activelab/auth"
)

const cacheTTL = 2 * time.Second

// cached returns a Service over f's store with a token cache, on f's clock.
func (f *fixture) cached() *auth.Service {
	return auth.NewService(f.st, auth.Options{Now: func() time.Time { return f.now }, TokenCacheTTL: cacheTTL})
}

func wantRefused(t *testing.T, svc *auth.Service, secret, why string) {
	t.Helper()
	p, err := svc.AuthenticateToken(t.Context(), secret)
	if !errors.Is(err, auth.ErrUnauthenticated) || !strings.Contains(err.Error(), why) {
		t.Fatalf("AuthenticateToken = %v, %v; want ErrUnauthenticated saying %q", p, err, why)
	}
}

func wantAccepted(t *testing.T, svc *auth.Service, secret string) *auth.Principal {
	t.Helper()
	p, err := svc.AuthenticateToken(t.Context(), secret)
	if err != nil {
		t.Fatalf("AuthenticateToken: %v, want accepted", err)
	}
	return p
}

// TestTokenCacheRevocation: a cached token is refused as soon as this
// process revokes it, revokes its user's tokens or disables its user;
// a change from another process (another Service: a replica, the CLI)
// is seen once the cache's TTL has passed, not before; expiry is checked
// on every call.
func TestTokenCacheRevocation(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		f.user(t, "admin@example.test", auth.RoleAdmin)
		u := f.user(t, "sci@example.test", auth.RoleScientist)
		svc, other := f.cached(), f.svc

		t.Run("revoked by another process: refused within the TTL", func(t *testing.T) {
			secret := f.token(t, u)
			p := wantAccepted(t, svc, secret)
			if _, err := other.RevokeAPIToken(ctx, u.ID, p.Token.ID); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, other, secret, "revoked")
			// Still cached here: this is what the cache saves.
			wantAccepted(t, svc, secret)
			f.now = f.now.Add(cacheTTL)
			wantRefused(t, svc, secret, "revoked")
		})
		t.Run("revoked here: refused at once", func(t *testing.T) {
			secret := f.token(t, u)
			p := wantAccepted(t, svc, secret)
			if _, err := svc.RevokeAPIToken(ctx, u.ID, p.Token.ID); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, svc, secret, "revoked")
		})
		t.Run("all of a user's tokens revoked here: refused at once", func(t *testing.T) {
			secret := f.token(t, u)
			wantAccepted(t, svc, secret)
			if n, err := svc.RevokeAllAPITokens(ctx, u.ID); err != nil || n != 1 {
				t.Fatalf("RevokeAllAPITokens = %d, %v; want 1", n, err)
			}
			wantRefused(t, svc, secret, "revoked")
		})
		t.Run("user disabled, enabled, demoted here: seen at once", func(t *testing.T) {
			secret := f.token(t, u)
			wantAccepted(t, svc, secret)
			if _, err := svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Disabled: ptr(true)}); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, svc, secret, "disabled")
			if _, err := svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Disabled: ptr(false)}); err != nil {
				t.Fatal(err)
			}
			wantAccepted(t, svc, secret)
			if _, err := svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Role: ptr(auth.RoleViewer)}); err != nil {
				t.Fatal(err)
			}
			if p := wantAccepted(t, svc, secret); p.User.Role != auth.RoleViewer {
				t.Errorf("role after demotion = %s, want viewer", p.User.Role)
			}
		})
		t.Run("expiry checked on every call", func(t *testing.T) {
			_, secret, err := f.svc.CreateAPIToken(ctx, u, "short-lived", ptr(f.now.Add(cacheTTL/2)))
			if err != nil {
				t.Fatal(err)
			}
			wantAccepted(t, svc, secret)
			f.now = f.now.Add(cacheTTL / 2)
			wantRefused(t, svc, secret, "expired")
		})
		t.Run("callers get their own copies", func(t *testing.T) {
			secret := f.token(t, u)
			p := wantAccepted(t, svc, secret)
			p.User.Role, p.Token.Name = auth.RoleAdmin, "changed"
			if q := wantAccepted(t, svc, secret); q.User.Role == auth.RoleAdmin || q.Token.Name == "changed" {
				t.Errorf("a caller's change reached the cache: role %s, token %q", q.User.Role, q.Token.Name)
			}
		})
		t.Run("without a TTL every call reads the token", func(t *testing.T) {
			secret := f.token(t, u)
			p := wantAccepted(t, f.svc, secret)
			if _, err := svc.RevokeAPIToken(ctx, u.ID, p.Token.ID); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, f.svc, secret, "revoked")
		})
	})
}

// TestTokenCacheRevokeWhileBusy: callers authenticate a token without a
// pause while it is revoked; no call that starts after RevokeAPIToken has
// returned is accepted, even when a lookup that read the token before the
// revocation finishes after it (it must not refill the cache).
func TestTokenCacheRevokeWhileBusy(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		u := f.user(t, "sci@example.test", auth.RoleScientist)
		// The clock stands still, so only revocation can end the entries.
		svc := f.cached()
		for round := range 5 {
			secret := f.token(t, u)
			p := wantAccepted(t, svc, secret)
			var revoked atomic.Bool
			var late atomic.Int64
			var wg sync.WaitGroup
			stop := make(chan struct{})
			for range 8 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						after := revoked.Load()
						_, err := svc.AuthenticateToken(ctx, secret)
						if err == nil && after {
							late.Add(1)
						}
						if err != nil && !errors.Is(err, auth.ErrUnauthenticated) {
							t.Error(err)
							return
						}
					}
				})
			}
			time.Sleep(20 * time.Millisecond)
			if _, err := svc.RevokeAPIToken(ctx, u.ID, p.Token.ID); err != nil {
				t.Fatal(err)
			}
			revoked.Store(true)
			time.Sleep(20 * time.Millisecond)
			close(stop)
			wg.Wait()
			if n := late.Load(); n > 0 {
				t.Fatalf("round %d: %d calls started after the revocation were accepted", round, n)
			}
		}
	})
}
