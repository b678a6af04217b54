package server

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestOriginPolicy(t *testing.T) {
	p, err := newOriginPolicy([]string{"http://localhost:5173", "HTTPS://Lab.Example.org:443/"}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host, origin, fetchSite string
		want                    bool
	}{
		{"127.0.0.1:8080", "", "", true},                         // curl, notebooks
		{"127.0.0.1:8080", "", "cross-site", false},              // a browser that hides Origin
		{"127.0.0.1:8080", "http://127.0.0.1:8080", "", true},    // same host
		{"lab.example.org", "https://lab.example.org", "", true}, // same host, default port
		{"lab.example.org:443", "https://lab.example.org", "", true},
		{"127.0.0.1:8080", "http://localhost:5173", "", true},   // allowed
		{"127.0.0.1:8080", "https://lab.example.org", "", true}, // allowed, normalized
		{"127.0.0.1:8080", "http://localhost:8080", "", false},  // another host name is another origin
		{"127.0.0.1:8080", "https://evil.example", "", false},
		{"127.0.0.1:8080", "null", "", false},
		{"127.0.0.1:8080", "http://127.0.0.1:8080.evil.example", "", false},
	} {
		r := httptest.NewRequest("POST", "http://"+tc.host+"/graphql", nil)
		r.Host = tc.host
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if tc.fetchSite != "" {
			r.Header.Set("Sec-Fetch-Site", tc.fetchSite)
		}
		if got, _ := p.check(r); got != tc.want {
			t.Errorf("host %s origin %q: %v, want %v", tc.host, tc.origin, got, tc.want)
		}
	}
	if _, err := newOriginPolicy([]string{"localhost:5173"}, false); err == nil {
		t.Error("an origin without scheme was accepted")
	}
}

func TestBearerSecret(t *testing.T) {
	for h, want := range map[string]struct {
		secret        string
		ok, malformed bool
	}{
		"":                   {"", false, false},
		"Bearer al_x":        {"al_x", true, false},
		"bearer   al_x  ":    {"al_x", true, false},
		"Basic Zm9vOmJhcg==": {"", true, true},
		"Bearer":             {"", true, true},
		"Bearer ":            {"", true, true},
	} {
		s, ok, bad := bearerSecret(h)
		if s != want.secret || ok != want.ok || bad != want.malformed {
			t.Errorf("bearerSecret(%q) = %q %v %v, want %+v", h, s, ok, bad, want)
		}
	}
}

// FuzzOriginAndBearer: headers are attacker-controlled; parsing them must
// never panic, and an accepted origin must normalize to scheme://host.
func FuzzOriginAndBearer(f *testing.F) {
	f.Add("http://localhost:5173", "Bearer al_abc")
	f.Add("null", "Basic x")
	f.Add("HTTPS://A.example:443/", "bearer")
	f.Fuzz(func(t *testing.T, origin, authz string) {
		bearerSecret(authz)
		n, err := normalizeOrigin(origin)
		if err == nil && !strings.Contains(n, "://") {
			t.Errorf("normalizeOrigin(%q) = %q", origin, n)
		}
	})
}
