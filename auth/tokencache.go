package auth

import (
	"sync"
	"time"

	"activelab/store"
)

// maxCachedTokens bounds the token cache: past it, expired entries go,
// and if none had expired, all of them (only tokens that exist are
// cached, so a flood of made-up tokens cannot fill it).
const maxCachedTokens = 4096

// tokenCache keeps the API tokens that were presented recently, with
// their users, for ttl, so that a notebook or dashboard sending hundreds
// of requests a second costs one token lookup (two queries) per ttl
// instead of per request.
//
// Revocation stays prompt: on this process every change that can refuse
// a token (revoking it, revoking a user's tokens, updating a user:
// disabling, demoting) clears the cache before it returns, and a lookup
// that was running while the cache was cleared does not store what it
// read (gen). A change made by another process (another replica, the
// CLI) is seen within ttl. Expiry is checked on every request against
// the cached ExpiresAt.
type tokenCache struct {
	ttl time.Duration

	mu      sync.Mutex
	gen     uint64 // incremented by clear
	entries map[string]tokenEntry
}

type tokenEntry struct {
	token store.APIToken
	user  store.User
	at    time.Time // when the lookup began
}

func newTokenCache(ttl time.Duration) *tokenCache {
	return &tokenCache{ttl: ttl, entries: map[string]tokenEntry{}}
}

// get returns copies of the cached token and user of hash, if they were
// looked up less than ttl before now.
func (c *tokenCache) get(hash []byte, now time.Time) (*store.APIToken, *store.User, bool) {
	if c.ttl <= 0 {
		return nil, nil, false
	}
	c.mu.Lock()
	e, ok := c.entries[string(hash)]
	c.mu.Unlock()
	if !ok || now.Sub(e.at) >= c.ttl || now.Before(e.at) {
		return nil, nil, false
	}
	t, u := e.token, e.user
	return &t, &u, true
}

// begin returns the generation a lookup starting now must hand to put.
func (c *tokenCache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores copies of what a lookup that began at at (in generation
// gen) read, unless the cache was cleared since.
func (c *tokenCache) put(gen uint64, at time.Time, t *store.APIToken, u *store.User) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= maxCachedTokens {
		for k, e := range c.entries {
			if at.Sub(e.at) >= c.ttl {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCachedTokens {
			clear(c.entries)
		}
	}
	c.entries[string(t.Hash)] = tokenEntry{token: *t, user: *u, at: at}
}

// touched records that the token of hash was marked used at at, so the
// cached copy does not ask for another write until touchInterval passes.
func (c *tokenCache) touched(hash []byte, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[string(hash)]; ok {
		e.token.LastUsedAt = &at
		c.entries[string(hash)] = e
	}
}

// clear forgets every entry, and what lookups running now read.
func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}
