package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes. They follow OWASP's password storage
// recommendation for argon2id (m=19 MiB, t=2, p=1). Hashes record their own
// parameters, so raising these later keeps old hashes verifiable.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// MinPasswordLength is the shortest password HashPassword accepts, in
// characters (Unicode code points, as a person counts them), not bytes.
const MinPasswordLength = 8

// MaxPasswordLength bounds the work an attacker can make us do per login.
const MaxPasswordLength = 1024

// ErrMalformedHash is returned by VerifyPassword when the stored hash is not
// an argon2id PHC string this package can read.
var ErrMalformedHash = errors.New("malformed password hash")

// HashPassword returns the argon2id hash of password as a PHC string:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt b64>$<key b64>
//
// A password shorter than MinPasswordLength or longer than MaxPasswordLength
// is an *InputError.
func HashPassword(password string) (string, error) {
	if err := CheckPassword(password); err != nil {
		return "", err
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports, as an *InputError, why password is not acceptable
// for a new account, or nil.
func CheckPassword(password string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return &InputError{Field: "password", Message: fmt.Sprintf("must be at least %d characters", MinPasswordLength)}
	case len(password) > MaxPasswordLength:
		return &InputError{Field: "password", Message: fmt.Sprintf("must be at most %d bytes", MaxPasswordLength)}
	}
	return nil
}

// VerifyPassword reports whether password matches the PHC-encoded argon2id
// hash, in constant time with respect to the key. A hash it cannot parse is
// ErrMalformedHash (never a match).
func VerifyPassword(encoded, password string) (bool, error) {
	p, err := parseArgonHash(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxPasswordLength {
		return false, nil
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

type argonParams struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func parseArgonHash(encoded string) (argonParams, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, fmt.Errorf("%w: not an argon2id PHC string", ErrMalformedHash)
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, fmt.Errorf("%w: version %q", ErrMalformedHash, parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, fmt.Errorf("%w: parameters %q", ErrMalformedHash, parts[3])
	}
	// Refuse parameters that would let a tampered row exhaust the machine.
	if p.memory == 0 || p.memory > 1<<20 || p.time == 0 || p.time > 16 || p.threads == 0 {
		return p, fmt.Errorf("%w: parameters out of range %q", ErrMalformedHash, parts[3])
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return p, fmt.Errorf("%w: salt", ErrMalformedHash)
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 128 {
		return p, fmt.Errorf("%w: key", ErrMalformedHash)
	}
	return p, nil
}
