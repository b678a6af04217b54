package main

import (
	"net/url"
	"testing"
)

// TestAdminURL: the generator's own connection drops pgxpool's pool_*
// parameters (PostgreSQL refuses them as settings) and keeps the rest.
func TestAdminURL(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     url.Values
	}{
		{"no parameters", "postgres://postgres@127.0.0.1:54329/postgres", url.Values{}},
		{"pool parameters dropped", "postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable&pool_max_conns=32&pool_min_conns=2",
			url.Values{"sslmode": {"disable"}}},
		{"others kept", "postgres://u:p@h/db?application_name=x&connect_timeout=5",
			url.Values{"application_name": {"x"}, "connect_timeout": {"5"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := adminURL(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			in, _ := url.Parse(tc.in)
			if u.Host != in.Host || u.Path != in.Path || u.User.String() != in.User.String() {
				t.Errorf("adminURL(%q) = %q: host, path or user changed", tc.in, got)
			}
			if q := u.Query(); q.Encode() != tc.want.Encode() {
				t.Errorf("adminURL(%q) query = %q, want %q", tc.in, q.Encode(), tc.want.Encode())
			}
		})
	}
	if _, err := adminURL("postgres://u@h/db?%zz"); err == nil {
		t.Error("adminURL of a malformed query: no error")
	}
}
