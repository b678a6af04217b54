package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"activelab/store"
	"activelab/store/storetest"
)

// benchPageCompounds is the page BenchmarkQueryExecMode looks up, as
// labelQueue(first: 25) does for its items' compounds.
const benchPageCompounds = 25

// BenchmarkQueryExecMode compares pgx's query modes on PostgreSQL for the
// store's read path: one op is a page of compounds by id (the labelQueue
// dataloader's query) plus a user by id (authentication), on a pool of
// one connection. The page slides by one compound every reuse ops, as
// labelers claiming items change the top of the queue, so the compound
// query's text (bun writes the ids into it) is new every reuse ops (1:
// every op) while the user's stays the same. Besides ns/op it reports
// pg-cpu-µs/op, the CPU the connection's PostgreSQL backend used (read
// from /proc: the server must run on this machine, else it is left out).
func BenchmarkQueryExecMode(b *testing.B) {
	for _, mode := range []string{"cache_statement", "simple_protocol", "exec"} {
		for _, reuse := range []int{1, 4, 20} {
			b.Run(fmt.Sprintf("mode=%s/reuse=%d", mode, reuse), func(b *testing.B) {
				benchmarkQueryExecMode(b, mode, reuse)
			})
		}
	}
}

func benchmarkQueryExecMode(b *testing.B, mode string, reuse int) {
	ctx := context.Background()
	u := storetest.DatabaseURL(b, "postgres")
	// Migrating takes two connections (the lock and the work).
	m, err := store.Open(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	err = m.Migrate(ctx)
	m.Close()
	if err != nil {
		b.Fatal(err)
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	st, err := store.Open(ctx, u+sep+"pool_max_conns=1&default_query_exec_mode="+mode)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	user := storetest.User(ctx, b, st, nil)
	ids := make([]store.ID, 400)
	for i := range ids {
		// Same-sized rows in every sub-benchmark (the fixture's default
		// SMILES grows with a process-wide counter).
		ids[i] = storetest.Compound(ctx, b, st, &store.Compound{CanonicalSMILES: fmt.Sprintf("c1ccccc1C%04dO", i)}).ID
	}
	var pid int
	if err := st.SQLDB().QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		b.Fatal(err)
	}
	t0, cpuOK := backendTicks(pid)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		from := (i / reuse) % (len(ids) - benchPageCompounds)
		if _, err := st.CompoundsByIDs(ctx, ids[from:from+benchPageCompounds]); err != nil {
			b.Fatal(err)
		}
		if _, err := st.UserByID(ctx, user.ID); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.StopTimer()
	if t1, ok := backendTicks(pid); ok && cpuOK && i > 0 {
		b.ReportMetric(float64(t1-t0)*1e4/float64(i), "pg-cpu-µs/op") // ticks are 10 ms
	}
}

// backendTicks reads a local process's user + system CPU in clock ticks
// (Linux /proc/PID/stat fields 14 and 15).
func backendTicks(pid int) (int64, bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return ut + st, true
}
