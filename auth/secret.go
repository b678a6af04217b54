package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// TokenPrefix starts every API token, so leaked tokens are easy to spot
// (secret scanners, logs) and easy to tell from session secrets.
const TokenPrefix = "al_"

// secretBytes is the entropy of API tokens and session secrets: 256 bits.
const secretBytes = 32

// DisplayPrefixLen is how many leading characters of an API token are kept
// in clear (APIToken.Prefix) so a user can recognise it in a list.
const DisplayPrefixLen = len(TokenPrefix) + 6

// NewAPIToken returns a fresh API token secret ("al_" + 43 base64url
// characters), its display prefix and its SHA-256 hash. Only the hash and the
// prefix are stored; the secret is shown once.
func NewAPIToken() (secret, prefix string, hash []byte, err error) {
	raw, err := randomString()
	if err != nil {
		return "", "", nil, fmt.Errorf("api token: %w", err)
	}
	secret = TokenPrefix + raw
	return secret, secret[:DisplayPrefixLen], HashSecret(secret), nil
}

// NewSessionSecret returns a fresh session cookie value (43 base64url
// characters) and its SHA-256 hash, which is what the sessions table stores.
func NewSessionSecret() (secret string, hash []byte, err error) {
	secret, err = randomString()
	if err != nil {
		return "", nil, fmt.Errorf("session secret: %w", err)
	}
	return secret, HashSecret(secret), nil
}

// HashSecret returns the SHA-256 of a token or session secret. The secrets
// carry 256 random bits, so a fast unsalted hash is enough: a database leak
// does not reveal usable credentials.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// LooksLikeAPIToken reports whether s has the shape of an API token (prefix
// and length), so callers can give a precise error for pasted garbage.
func LooksLikeAPIToken(s string) bool {
	return strings.HasPrefix(s, TokenPrefix) && len(s) == len(TokenPrefix)+base64.RawURLEncoding.EncodedLen(secretBytes)
}

func randomString() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
