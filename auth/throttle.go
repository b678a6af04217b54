package auth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The login throttle's policy (documented in the README's Security section). Failed
// logins are counted per client address and per account (the email, known
// or not, so the answer says nothing about which accounts exist). After
// the free failures, each further failure doubles the wait before the
// next attempt from that address or for that account, from BaseDelay up
// to the key's cap. Counts are forgotten after ForgetAfter without a
// failure.
//
// A real user cannot be locked out for long by someone guessing their
// password elsewhere: the account wait is capped at AccountMaxDelay (5
// minutes), and it does not apply at all from an address the account has
// logged in from successfully before (the last knownAddrsPerAccount
// addresses are remembered, in memory). The attacker's own address waits
// up to AddressMaxDelay (15 minutes). A successful login clears the
// account's count, not the address's, so one valid account does not
// reset an address guessing others.
const (
	AddressFreeFailures = 10
	AccountFreeFailures = 5
	BaseDelay           = time.Second
	AddressMaxDelay     = 15 * time.Minute
	AccountMaxDelay     = 5 * time.Minute
	ForgetAfter         = time.Hour

	knownAddrsPerAccount = 16
	// maxThrottleKeys bounds each table's memory (about 100 bytes a key);
	// when full, expired keys go first, then arbitrary ones.
	maxThrottleKeys = 100_000
)

// ThrottledError refuses a login attempt made too soon after failures:
// extensions.code TOO_MANY_REQUESTS, with RetryAfter (HTTP 429 and a
// Retry-After header over plain HTTP).
type ThrottledError struct {
	// RetryAfter is how long to wait before the next attempt.
	RetryAfter time.Duration
	// Reason says which count is exhausted.
	Reason string
}

// Error implements error.
func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many attempts: %s; retry in %d s", e.Reason, e.RetryAfterSeconds())
}

// ErrorCode returns "TOO_MANY_REQUESTS", the GraphQL extensions.code.
func (e *ThrottledError) ErrorCode() string { return "TOO_MANY_REQUESTS" }

// RetryAfterSeconds is RetryAfter in whole seconds, rounded up, at least 1.
func (e *ThrottledError) RetryAfterSeconds() int {
	s := int((e.RetryAfter + time.Second - 1) / time.Second)
	return max(s, 1)
}

// throttleEntry is one key's failures.
type throttleEntry struct {
	failures int
	next     time.Time // no attempt before
	last     time.Time // last failure
}

// throttleTable counts failures per key with exponential back-off.
type throttleTable struct {
	free     int
	maxDelay time.Duration
	entries  map[string]*throttleEntry
}

func (t *throttleTable) wait(key string, now time.Time) time.Duration {
	e := t.entries[key]
	if e == nil || now.Sub(e.last) >= ForgetAfter || !now.Before(e.next) {
		return 0
	}
	return e.next.Sub(now)
}

func (t *throttleTable) fail(key string, now time.Time) {
	e := t.entries[key]
	if e == nil || now.Sub(e.last) >= ForgetAfter {
		if e == nil {
			t.makeRoom(now)
		}
		e = &throttleEntry{}
		t.entries[key] = e
	}
	e.failures++
	e.last = now
	if over := e.failures - t.free; over > 0 {
		delay := t.maxDelay
		if over <= 30 && BaseDelay<<(over-1) < t.maxDelay {
			delay = BaseDelay << (over - 1)
		}
		e.next = now.Add(delay)
	}
}

func (t *throttleTable) makeRoom(now time.Time) {
	if len(t.entries) < maxThrottleKeys {
		return
	}
	for k, e := range t.entries {
		if now.Sub(e.last) >= ForgetAfter || !now.Before(e.next) && e.failures <= t.free {
			delete(t.entries, k)
		}
	}
	for k := range t.entries {
		if len(t.entries) < maxThrottleKeys*9/10 {
			break
		}
		delete(t.entries, k)
	}
}

// loginThrottle is the per-address and per-account throttle of Login.
type loginThrottle struct {
	mu       sync.Mutex
	addrs    throttleTable
	accounts throttleTable
	known    map[string][]string // account key -> addresses that logged in
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{
		addrs:    throttleTable{free: AddressFreeFailures, maxDelay: AddressMaxDelay, entries: map[string]*throttleEntry{}},
		accounts: throttleTable{free: AccountFreeFailures, maxDelay: AccountMaxDelay, entries: map[string]*throttleEntry{}},
		known:    map[string][]string{},
	}
}

// accountKey is a fixed-size key for an email (emails ignore case).
func accountKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return string(sum[:16])
}

// check returns a *ThrottledError when an attempt for email from addr
// ("" when unknown) must wait, else nil.
func (l *loginThrottle) check(email, addr string, now time.Time) error {
	acct := accountKey(email)
	l.mu.Lock()
	defer l.mu.Unlock()
	if addr != "" {
		if d := l.addrs.wait(addr, now); d > 0 {
			return &ThrottledError{RetryAfter: d, Reason: "too many failed logins from this address"}
		}
	}
	if !l.isKnown(acct, addr) {
		if d := l.accounts.wait(acct, now); d > 0 {
			return &ThrottledError{RetryAfter: d, Reason: "too many failed logins for this account"}
		}
	}
	return nil
}

func (l *loginThrottle) isKnown(acct, addr string) bool {
	if addr == "" {
		return false
	}
	for _, a := range l.known[acct] {
		if a == addr {
			return true
		}
	}
	return false
}

// failed records a failed attempt.
func (l *loginThrottle) failed(email, addr string, now time.Time) {
	acct := accountKey(email)
	l.mu.Lock()
	defer l.mu.Unlock()
	if addr != "" {
		l.addrs.fail(addr, now)
	}
	if !l.isKnown(acct, addr) {
		l.accounts.fail(acct, now)
	}
}

// succeeded clears the account's count and remembers addr for it.
func (l *loginThrottle) succeeded(email, addr string) {
	acct := accountKey(email)
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.accounts.entries, acct)
	if addr == "" || l.isKnown(acct, addr) {
		return
	}
	if len(l.known) >= maxThrottleKeys {
		for k := range l.known { // forget an arbitrary account's addresses
			delete(l.known, k)
			break
		}
	}
	addrs := append(l.known[acct], addr)
	if len(addrs) > knownAddrsPerAccount {
		addrs = addrs[len(addrs)-knownAddrsPerAccount:]
	}
	l.known[acct] = addrs
}

// hashWait is how long a password check waits for a free hash slot
// before it is refused with TOO_MANY_REQUESTS.
const hashWait = 10 * time.Second

// withHashSlot runs fn (a password hash or check) once one of the
// Service's slots is free: at most Options.MaxConcurrentHashes run at
// once, so parallel logins cannot exhaust memory (argon2id takes 19 MiB
// each). A caller that waits longer than hashWait gets a *ThrottledError;
// one whose ctx ends gets ctx's error.
func (s *Service) withHashSlot(ctx context.Context, fn func()) error {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return &ThrottledError{RetryAfter: time.Second, Reason: "the server is busy checking passwords"}
	}
	n := s.hashing.Add(1)
	for {
		peak := s.hashPeak.Load()
		if n <= peak || s.hashPeak.CompareAndSwap(peak, n) {
			break
		}
	}
	defer func() {
		s.hashing.Add(-1)
		<-s.hashSlots
	}()
	fn()
	return nil
}

// HashStats reports the password hashes running now and the most that
// ever ran at once (bounded by Options.MaxConcurrentHashes).
func (s *Service) HashStats() (running, peak int64) {
	return s.hashing.Load(), s.hashPeak.Load()
}
