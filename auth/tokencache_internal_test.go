package auth

import (
	"testing"
	"time"

	"activelab/store"
)

// TestTokenCacheLookupAcrossClear: a lookup that began before the cache
// was cleared (a revocation committed meanwhile) does not store what it
// read; one that began after does. Entries last ttl, and the cache holds
// at most maxCachedTokens.
func TestTokenCacheLookupAcrossClear(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	c := newTokenCache(time.Second)
	tok := &store.APIToken{Name: "notebook", Hash: []byte("hash-1")}
	u := &store.User{Name: "sci"}

	gen := c.begin()
	c.clear() // a revocation, while the lookup runs
	c.put(gen, t0, tok, u)
	if _, _, ok := c.get(tok.Hash, t0); ok {
		t.Fatal("a lookup from before clear() refilled the cache")
	}

	c.put(c.begin(), t0, tok, u)
	if got, _, ok := c.get(tok.Hash, t0.Add(999*time.Millisecond)); !ok || got.Name != "notebook" {
		t.Fatalf("get within the TTL = %v, %v", got, ok)
	}
	if _, _, ok := c.get(tok.Hash, t0.Add(time.Second)); ok {
		t.Error("get at the TTL: still cached")
	}
	if _, _, ok := c.get(tok.Hash, t0.Add(-time.Second)); ok {
		t.Error("get before the lookup (clock stepped back): cached")
	}

	for i := range maxCachedTokens + 10 {
		c.put(c.begin(), t0, &store.APIToken{Hash: []byte{byte(i), byte(i >> 8), byte(i >> 16)}}, u)
	}
	if n := len(c.entries); n > maxCachedTokens {
		t.Errorf("%d entries, want at most %d", n, maxCachedTokens)
	}

	off := newTokenCache(0)
	off.put(off.begin(), t0, tok, u)
	if _, _, ok := off.get(tok.Hash, t0); ok {
		t.Error("a cache with no TTL returned an entry")
	}
}
