package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// clockTicks is Linux's USER_HZ, the unit of /proc/PID/stat's CPU times
// (100 on every architecture Go supports on Linux).
const clockTicks = 100

// cpuTicks reads the CPU time (user + system, in clock ticks) process pid
// has used; false when it cannot (not Linux, no such process).
func cpuTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	return parseStatTicks(string(b))
}

// parseStatTicks returns utime + stime of a /proc/PID/stat line: fields 14
// and 15, counted after the command name, which is in parentheses and
// may itself hold spaces and parentheses.
func parseStatTicks(stat string) (int64, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state): utime is field 14, f[11].
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return u + s, true
}

// costSample is what the server and its database had spent at one time.
type costSample struct {
	serverTicks int64
	serverOK    bool
	// PostgreSQL only: the database's transactions (each statement outside
	// a transaction is one) and its backends' CPU ticks by pid.
	xacts    int64
	backends map[int]int64
	pgOK     bool
	// The server's connection pool: acquires that waited for a
	// connection, and their total wait in seconds (its /metrics).
	poolWaits, poolWaitSeconds float64
	poolOK                     bool
}

// poolMetrics reads the pool's wait counters from the server's /metrics
// (loopback clients may read it without a token).
func poolMetrics(ctx context.Context, addr string) (waits, seconds float64, ok bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return 0, 0, false
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, false
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, 0, false
	}
	return parsePoolMetrics(res.Body)
}

// parsePoolMetrics finds activelab_db_wait_count_total and
// activelab_db_wait_duration_seconds_total in a Prometheus text scrape.
func parsePoolMetrics(r io.Reader) (waits, seconds float64, ok bool) {
	var n int
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, v, found := strings.Cut(sc.Text(), " ")
		if !found {
			continue
		}
		switch name {
		case "activelab_db_wait_count_total":
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				waits, n = f, n+1
			}
		case "activelab_db_wait_duration_seconds_total":
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				seconds, n = f, n+1
			}
		}
	}
	return waits, seconds, n == 2 && sc.Err() == nil
}

// sampleCost reads the server's CPU time and, on PostgreSQL, the run
// database's transaction count and its backends' CPU times (the generator
// runs on the database's machine; elsewhere the backends' CPU is unknown).
func sampleCost(ctx context.Context, s *server) costSample {
	var c costSample
	c.serverTicks, c.serverOK = cpuTicks(s.cmd.Process.Pid)
	c.poolWaits, c.poolWaitSeconds, c.poolOK = poolMetrics(ctx, s.addr)
	if s.pg == nil {
		return c
	}
	if err := s.pg.QueryRow(ctx, "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1", s.dbName).Scan(&c.xacts); err != nil {
		return c
	}
	rows, err := s.pg.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1", s.dbName)
	if err != nil {
		return c
	}
	defer rows.Close()
	c.backends = map[int]int64{}
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			continue
		}
		if t, ok := cpuTicks(pid); ok {
			c.backends[pid] = t
		}
	}
	c.pgOK = rows.Err() == nil
	return c
}

// Cost is what a phase's requests cost the server and PostgreSQL: the
// CPU each used per request answered without error, and the database
// transactions per such request. Contention on a shared machine lengthens
// latencies but hardly these, so they compare code across noisy runs.
type Cost struct {
	Requests         int     `json:"requests"`
	ServerCPUSeconds float64 `json:"serverCpuSeconds"`
	ServerCPUPerReq  float64 `json:"serverCpuMsPerRequest"`
	// PostgreSQL (0 on SQLite, whose work is in the server's CPU).
	PGCPUSeconds float64 `json:"postgresCpuSeconds,omitempty"`
	PGCPUPerReq  float64 `json:"postgresCpuMsPerRequest,omitempty"`
	XactsPerReq  float64 `json:"transactionsPerRequest,omitempty"`
	// PoolWaitsPerReq is how many times per request a query waited for
	// one of the server's pool's connections, PoolWaitMsPerReq how long
	// in all (activelab_db_wait_*: pgx's pool on PostgreSQL, the one
	// writer on SQLite).
	PoolWaitsPerReq  float64 `json:"poolWaitsPerRequest"`
	PoolWaitMsPerReq float64 `json:"poolWaitMsPerRequest"`
}

// cost compares two samples over requests answered without error
// (labelQueue, typename, claims and labels).
func cost(a, b costSample, requests int) Cost {
	c := Cost{Requests: requests}
	if requests == 0 {
		return c
	}
	if a.serverOK && b.serverOK {
		c.ServerCPUSeconds = float64(b.serverTicks-a.serverTicks) / clockTicks
		c.ServerCPUPerReq = 1000 * c.ServerCPUSeconds / float64(requests)
	}
	if a.poolOK && b.poolOK {
		c.PoolWaitsPerReq = (b.poolWaits - a.poolWaits) / float64(requests)
		c.PoolWaitMsPerReq = 1000 * (b.poolWaitSeconds - a.poolWaitSeconds) / float64(requests)
	}
	if a.pgOK && b.pgOK {
		var ticks int64
		for pid, t := range b.backends {
			ticks += t - a.backends[pid] // a backend opened meanwhile counts from 0
		}
		c.PGCPUSeconds = float64(ticks) / clockTicks
		c.PGCPUPerReq = 1000 * c.PGCPUSeconds / float64(requests)
		c.XactsPerReq = float64(b.xacts-a.xacts) / float64(requests)
	}
	return c
}
