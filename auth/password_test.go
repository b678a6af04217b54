package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestHashAndVerifyPassword(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with our parameters", h)
	}
	h2, _ := HashPassword("correct horse")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horse ": false, "Correct horse": false, "": false} {
		ok, err := VerifyPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
}

// TestVerifyReferenceHash checks interoperability with the reference
// implementation: the hash was made by argon2-cffi 21.1.0 (Debian
// python3-argon2, libargon2 20190702) with
// PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1,
// hash_len=32, salt_len=16, type=Type.ID).hash("correct horse").
func TestVerifyReferenceHash(t *testing.T) {
	const ref = "$argon2id$v=19$m=19456,t=2,p=1$aBbBs618J3hjNsErbNDjLA$8nPflK3jM7iIh0rYGfOscRe0W0s4bQzfUy5go27WxvA"
	if ok, err := VerifyPassword(ref, "correct horse"); !ok || err != nil {
		t.Errorf("reference hash does not verify: %v, %v", ok, err)
	}
	if ok, _ := VerifyPassword(ref, "correct horse!"); ok {
		t.Error("reference hash verifies a wrong password")
	}
}

// TestHashParameters reads our own hash back and checks the parameters it
// records are the ones documented.
func TestHashParameters(t *testing.T) {
	h, err := HashPassword("password")
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseArgonHash(h)
	if err != nil {
		t.Fatal(err)
	}
	if p.memory != 19456 || p.time != 2 || p.threads != 1 || len(p.salt) != 16 || len(p.key) != 32 {
		t.Errorf("parameters %+v", p)
	}
}

func TestPasswordRules(t *testing.T) {
	var in *InputError
	if _, err := HashPassword("short"); !errors.As(err, &in) || in.Field != "password" {
		t.Errorf("short password: %v", err)
	}
	if _, err := HashPassword(strings.Repeat("x", MaxPasswordLength+1)); !errors.As(err, &in) {
		t.Errorf("long password: %v", err)
	}
	// Characters, not bytes: four two-byte letters are four characters.
	if err := CheckPassword("éééé"); !errors.As(err, &in) || in.Field != "password" {
		t.Errorf("four characters in eight bytes: %v, want too short", err)
	}
	if err := CheckPassword("éééééééé"); err != nil {
		t.Errorf("eight characters: %v", err)
	}
}

func TestMalformedHashes(t *testing.T) {
	for _, h := range []string{
		"",
		"plaintext",
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$",
	} {
		ok, err := VerifyPassword(h, "password")
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("VerifyPassword(%q) = %v, %v; want ErrMalformedHash", h, ok, err)
		}
	}
}

// FuzzParseArgonHash: stored hashes are data; reading them must never
// panic nor accept parameters outside the bounds.
func FuzzParseArgonHash(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseArgonHash(s)
		if err == nil && (p.memory == 0 || p.memory > 1<<20 || p.time == 0 || p.time > 16 || p.threads == 0 || len(p.key) < 16) {
			t.Errorf("accepted out-of-range parameters %+v from %q", p, s)
		}
	})
}
