package main

import (
	"net/url"
	"strings"
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

// TestParseStatTicks: utime + stime are read after the command name,
// which may hold spaces and parentheses (Linux proc(5) /proc/PID/stat).
func TestParseStatTicks(t *testing.T) {
	for _, tc := range []struct {
		name, stat string
		want       int64
		ok         bool
	}{
		{"plain", "4242 (activelab) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 12 0 100 0 0", 1801, true},
		{"name with spaces and parentheses", "7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 10 5 0 0 20 0 1 0 1 0 0", 15, true},
		{"truncated", "7 (x) R 1 7 7", 0, false},
		{"no name", "garbage", 0, false},
		{"not numbers", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 ten five 0 0", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseStatTicks(tc.stat)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseStatTicks = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := cpuTicks(-1); ok {
		t.Error("cpuTicks of no process succeeded")
	}
}

// TestCost: CPU and transactions per request from two samples; a backend
// that appeared between them counts from zero; no requests, no figures.
func TestCost(t *testing.T) {
	a := costSample{serverTicks: 100, serverOK: true, xacts: 1000, backends: map[int]int64{1: 50, 2: 10}, pgOK: true}
	b := costSample{serverTicks: 300, serverOK: true, xacts: 1500, backends: map[int]int64{1: 80, 3: 20}, pgOK: true}
	c := cost(a, b, 100)
	if c.ServerCPUSeconds != 2 || c.ServerCPUPerReq != 20 {
		t.Errorf("server: %v s, %v ms/request; want 2, 20", c.ServerCPUSeconds, c.ServerCPUPerReq)
	}
	if c.PGCPUSeconds != 0.5 || c.PGCPUPerReq != 5 || c.XactsPerReq != 5 {
		t.Errorf("postgres: %v s, %v ms/request, %v transactions/request; want 0.5, 5, 5", c.PGCPUSeconds, c.PGCPUPerReq, c.XactsPerReq)
	}
	if z := cost(a, b, 0); z.ServerCPUPerReq != 0 || z.XactsPerReq != 0 {
		t.Errorf("no requests: %+v", z)
	}
	if s := cost(costSample{serverTicks: 1, serverOK: true}, costSample{serverTicks: 3, serverOK: true}, 2); s.PGCPUSeconds != 0 || s.ServerCPUPerReq != 10 {
		t.Errorf("SQLite (no PostgreSQL samples): %+v", s)
	}
}

// TestParsePoolMetrics: the pool's wait counters are read from a
// Prometheus scrape; a scrape without them is not ok.
func TestParsePoolMetrics(t *testing.T) {
	scrape := `# HELP activelab_db_wait_count_total Times a caller waited for a database connection.
# TYPE activelab_db_wait_count_total counter
activelab_db_wait_count_total 1234
activelab_db_wait_duration_seconds_total 5.5
activelab_db_wait_count_totally 9
`
	w, s, ok := parsePoolMetrics(strings.NewReader(scrape))
	if !ok || w != 1234 || s != 5.5 {
		t.Errorf("parsePoolMetrics = %v, %v, %v; want 1234, 5.5, true", w, s, ok)
	}
	if _, _, ok := parsePoolMetrics(strings.NewReader("go_goroutines 12\n")); ok {
		t.Error("a scrape without the pool's counters: ok")
	}
	a := costSample{poolWaits: 100, poolWaitSeconds: 1, poolOK: true}
	b := costSample{poolWaits: 300, poolWaitSeconds: 3, poolOK: true}
	if c := cost(a, b, 100); c.PoolWaitsPerReq != 2 || c.PoolWaitMsPerReq != 20 {
		t.Errorf("pool waits per request %v, %v ms; want 2, 20", c.PoolWaitsPerReq, c.PoolWaitMsPerReq)
	}
}
