package auth

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestNewAPIToken(t *testing.T) {
	secret, prefix, hash, err := NewAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	if !LooksLikeAPIToken(secret) || len(secret) != 46 {
		t.Errorf("token %q (len %d) does not look like al_ + 43 characters", secret, len(secret))
	}
	if !strings.HasPrefix(secret, prefix) || len(prefix) != DisplayPrefixLen {
		t.Errorf("prefix %q of %q", prefix, secret)
	}
	if !bytes.Equal(hash, HashSecret(secret)) {
		t.Error("hash is not HashSecret(secret)")
	}
	other, _, _, _ := NewAPIToken()
	if other == secret {
		t.Error("two tokens are equal")
	}
	if strings.ContainsAny(secret[3:], "+/=") {
		t.Errorf("token %q is not base64url without padding", secret)
	}
}

func TestHashSecret(t *testing.T) {
	// SHA-256("abc"), FIPS 180-2 appendix B.1.
	if got := hex.EncodeToString(HashSecret("abc")); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashSecret(abc) = %s", got)
	}
}

func TestLooksLikeAPIToken(t *testing.T) {
	for s, want := range map[string]bool{
		"al_" + strings.Repeat("a", 43): true,
		"al_" + strings.Repeat("a", 42): false,
		"xx_" + strings.Repeat("a", 43): false,
		"":                              false,
	} {
		if got := LooksLikeAPIToken(s); got != want {
			t.Errorf("LooksLikeAPIToken(%q) = %v", s, got)
		}
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		have, need Role
		want       bool
	}{
		{RoleViewer, RoleViewer, true},
		{RoleViewer, RoleScientist, false},
		{RoleScientist, RoleViewer, true},
		{RoleScientist, RoleAdmin, false},
		{RoleAdmin, RoleScientist, true},
		{"", RoleViewer, false},
		{"root", RoleViewer, false},
	} {
		if got := AtLeast(tc.have, tc.need); got != tc.want {
			t.Errorf("AtLeast(%q, %q) = %v", tc.have, tc.need, got)
		}
	}
	if r, err := ParseRole(" Admin "); err != nil || r != RoleAdmin {
		t.Errorf("ParseRole(Admin) = %q, %v", r, err)
	}
	if _, err := ParseRole("boss"); err == nil {
		t.Error("ParseRole(boss) succeeded")
	}
}
