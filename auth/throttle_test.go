package auth_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"activelab/auth"
	"activelab/store"
	"activelab/store/storetest"
)

// wantThrottled fails unless err is a *auth.ThrottledError asking to wait
// wait, whose reason contains fragment.
func wantThrottled(t *testing.T, err error, wait time.Duration, fragment string) {
	t.Helper()
	var th *auth.ThrottledError
	if !errors.As(err, &th) {
		t.Fatalf("error = %v, want *auth.ThrottledError", err)
	}
	if th.RetryAfter != wait || !strings.Contains(th.Reason, fragment) || th.ErrorCode() != "TOO_MANY_REQUESTS" {
		t.Errorf("ThrottledError{%s, %q}, want %s and a reason containing %q", th.RetryAfter, th.Reason, wait, fragment)
	}
}

func wantBadLogin(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("error = %v, want invalid email or password", err)
	}
}

// TestLoginThrottleAddress: one address guessing (many accounts) gets
// AddressFreeFailures failures free, then waits 1 s, 2 s, 4 s ... up to
// AddressMaxDelay; other addresses are not affected; an hour of quiet
// forgets it.
func TestLoginThrottleAddress(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		f.user(t, "alice@example.test", auth.RoleViewer)
		attacker := auth.WithClientAddr(t.Context(), "203.0.113.7")
		guess := 0
		try := func(ctx context.Context) error {
			guess++ // a new account each time: only the address counts
			_, err := f.svc.Login(ctx, fmt.Sprintf("guess%d@example.test", guess), "wrong password")
			return err
		}
		for range auth.AddressFreeFailures + 1 {
			wantBadLogin(t, try(attacker))
		}
		wantThrottled(t, try(attacker), time.Second, "from this address")
		// Alice, elsewhere, is not affected.
		if _, err := f.svc.Login(auth.WithClientAddr(t.Context(), "198.51.100.2"), "alice@example.test", password); err != nil {
			t.Fatalf("another address: %v", err)
		}
		f.now = f.now.Add(time.Second)
		wantBadLogin(t, try(attacker))
		wantThrottled(t, try(attacker), 2*time.Second, "from this address")
		for i := range 20 { // the wait doubles up to its cap
			f.now = f.now.Add(auth.AddressMaxDelay)
			wantBadLogin(t, try(attacker))
			want := min(time.Second<<(i+2), auth.AddressMaxDelay)
			wantThrottled(t, try(attacker), want, "from this address")
		}
		f.now = f.now.Add(auth.ForgetAfter)
		wantBadLogin(t, try(attacker))
		wantBadLogin(t, try(attacker))
	})
}

// TestLoginThrottleAccount: guesses at one account from many addresses
// make that account wait (at most AccountMaxDelay), except from an address
// it logged in from before; a success clears the count.
func TestLoginThrottleAccount(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		f.user(t, "bob@example.test", auth.RoleViewer)
		home := auth.WithClientAddr(t.Context(), "192.0.2.10")
		if _, err := f.svc.Login(home, "bob@example.test", password); err != nil {
			t.Fatal(err)
		}
		addr := 0
		elsewhere := func() context.Context {
			addr++ // a botnet: a new address each time
			return auth.WithClientAddr(t.Context(), "203.0.113."+strconv.Itoa(addr))
		}
		for range auth.AccountFreeFailures + 1 {
			_, err := f.svc.Login(elsewhere(), "BOB@example.test", "wrong password") // case ignored
			wantBadLogin(t, err)
		}
		_, err := f.svc.Login(elsewhere(), "bob@example.test", password)
		wantThrottled(t, err, time.Second, "for this account")
		// Bob at home is not locked out.
		if _, err := f.svc.Login(home, "bob@example.test", password); err != nil {
			t.Fatalf("from a known address: %v", err)
		}
		// The success cleared the count.
		_, err = f.svc.Login(elsewhere(), "bob@example.test", "wrong password")
		wantBadLogin(t, err)

		// However long the guessing, a new address waits at most AccountMaxDelay.
		for range 40 {
			f.now = f.now.Add(auth.AccountMaxDelay)
			_, _ = f.svc.Login(elsewhere(), "bob@example.test", "wrong password")
		}
		_, err = f.svc.Login(elsewhere(), "bob@example.test", password)
		wantThrottled(t, err, auth.AccountMaxDelay, "for this account")
		f.now = f.now.Add(auth.AccountMaxDelay)
		if _, err := f.svc.Login(elsewhere(), "bob@example.test", password); err != nil {
			t.Fatalf("after AccountMaxDelay: %v", err)
		}
		// Unknown accounts are counted alike (no hint that they do not exist).
		for range auth.AccountFreeFailures + 1 {
			_, err := f.svc.Login(elsewhere(), "nobody@example.test", "wrong password")
			wantBadLogin(t, err)
		}
		_, err = f.svc.Login(elsewhere(), "nobody@example.test", "wrong password")
		wantThrottled(t, err, time.Second, "for this account")
	})
}

// TestHashSlots: many parallel logins never run more password checks at
// once than MaxConcurrentHashes (argon2id takes 19 MiB each).
func TestHashSlots(t *testing.T) {
	st := storetest.OpenSQLite(t)
	svc := auth.NewService(st, auth.Options{MaxConcurrentHashes: 2})
	// 8 logins for 2 slots: 4 rounds of argon2id, well inside the 10 s a
	// login waits for a slot even under the race detector on a loaded
	// machine (32 took 13.6 s there, and the last ones were refused).
	const logins = 8
	var wg sync.WaitGroup
	for i := range logins {
		wg.Go(func() {
			// No address and a new account each: nothing is throttled.
			_, err := svc.Login(t.Context(), fmt.Sprintf("u%d@example.test", i), "wrong password")
			if !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("login %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	running, peak := svc.HashStats()
	if running != 0 || peak < 1 || peak > 2 {
		t.Errorf("HashStats() = %d running, peak %d; want 0 and a peak of 1 or 2", running, peak)
	}
	t.Logf("peak concurrent password checks: %d of %d parallel logins", peak, logins)

	// A waiting login whose client leaves gets its context's error.
	slow := auth.NewService(st, auth.Options{MaxConcurrentHashes: 1})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := slow.Login(ctx, "x@example.test", "wrong password"); !errors.Is(err, context.Canceled) {
		// The slot may be free at once: then the check runs and fails normally.
		wantBadLogin(t, err)
	}
}

// TestTokenCannotMintTokens: a request authenticated by an API token
// cannot create tokens; a session (or the CLI: no principal) can.
func TestTokenCannotMintTokens(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		u := f.user(t, "carol@example.test", auth.RoleScientist)
		secret := f.token(t, u) // the CLI: no principal
		p, err := f.svc.AuthenticateToken(t.Context(), secret)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.CreateAPIToken(auth.WithPrincipal(t.Context(), p), u, "child", nil)
		if !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("token minting a token: %v, want ErrForbidden", err)
		}
		sess, err := f.svc.AuthenticateSession(t.Context(), f.login(t, "carol@example.test", password))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CreateAPIToken(auth.WithPrincipal(t.Context(), sess), u, "from the web app", nil); err != nil {
			t.Fatalf("session creating a token: %v", err)
		}
		tokens, err := f.svc.APITokens(t.Context(), u.ID)
		if err != nil || len(tokens) != 2 {
			t.Fatalf("tokens = %d, %v; want 2 (CLI, session)", len(tokens), err)
		}
	})
}

// BenchmarkParallelWrongLogins runs 64 wrong logins at once and reports
// the process's peak RSS (VmHWM, reset before each sub-benchmark through
// /proc/self/clear_refs) with the default hash slots and with one per
// login (what the server did before: 64 × 19 MiB of argon2id).
func BenchmarkParallelWrongLogins(b *testing.B) {
	for _, slots := range []int{auth.DefaultMaxConcurrentHashes, 64} {
		b.Run("slots="+strconv.Itoa(slots), func(b *testing.B) { benchmarkParallelWrongLogins(b, slots) })
	}
}

const parallelLogins = 64

func benchmarkParallelWrongLogins(b *testing.B, slots int) {
	st := storetest.OpenSQLite(b)
	svc := auth.NewService(st, auth.Options{MaxConcurrentHashes: slots})
	if _, err := svc.CreateUserAsOperator(b.Context(), auth.NewUser{Email: "v@example.test", Name: "V", Role: store.RoleViewer, Password: password}); err != nil {
		b.Fatal(err)
	}
	resetPeakRSS(b)
	n := 0
	for b.Loop() {
		var wg sync.WaitGroup
		for range parallelLogins {
			n++
			email := fmt.Sprintf("u%d@example.test", n)
			wg.Go(func() { _, _ = svc.Login(b.Context(), email, "wrong password") })
		}
		wg.Wait()
	}
	b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MiB")
}

func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Skipf("cannot reset the peak RSS: %v", err)
	}
}

func peakRSS(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	b.Skip("no VmHWM in /proc/self/status")
	return 0
}

// TestChangePasswordRevokingTokens: a password change may revoke every
// API token of the user too; other users' tokens stay.
func TestChangePasswordRevokingTokens(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		u := f.user(t, "dave@example.test", auth.RoleScientist)
		other := f.user(t, "erin@example.test", auth.RoleScientist)
		t1, t2, kept := f.token(t, u), f.token(t, u), f.token(t, other)
		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Password: ptr("battery staple"), RevokeAPITokens: true}); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{t1, t2} {
			if _, err := f.svc.AuthenticateToken(ctx, tok); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("token after a password change with RevokeAPITokens: %v, want revoked", err)
			}
		}
		if _, err := f.svc.AuthenticateToken(ctx, kept); err != nil {
			t.Errorf("another user's token: %v", err)
		}
		if n, err := f.svc.RevokeAllAPITokens(ctx, u.ID); n != 0 || err != nil {
			t.Errorf("revoking again: %d, %v; want 0 (already revoked)", n, err)
		}
	})
}
