package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Stats are one operation's figures in one phase (milliseconds).
type Stats struct {
	Count      int     `json:"count"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"firstError,omitempty"`
	P50        float64 `json:"p50Ms"`
	P90        float64 `json:"p90Ms"`
	P99        float64 `json:"p99Ms"`
	Max        float64 `json:"maxMs"`
}

// Result is one database at one rate.
type Result struct {
	Database string           `json:"database"`
	Rate     int              `json:"rate"`
	Ops      map[string]Stats `json:"ops"`
	// Late is how many requests the generator itself sent over 10 ms late
	// (the machine could not keep the schedule; latency still counts from it).
	Late int64 `json:"late"`
	// Labels submitted in the phase; Events the item_labeled events of
	// those labels that subscribers received during the phase or the 3 s
	// after it (Labels x Subscribers expected).
	Labels      int64 `json:"labels"`
	Events      int64 `json:"events"`
	Subscribers int   `json:"subscribers"`
	// KBPerSubscriber is how much the server's resident memory (VmRSS)
	// grew while the second half of the subscribers connected, divided by
	// their number (measured once per database, before the phases; 0 when
	// unknown, or with fewer than minMemorySubscribers, when the heap's
	// own ups and downs are larger than what the sockets add).
	KBPerSubscriber float64 `json:"serverKBPerSubscriber"`
	// LoadAvg is the machine's 1-minute load average at the phase's end
	// (the generator and the server share the machine with anything else
	// running; on 2 cores, above 2 means they waited for CPU).
	LoadAvg string `json:"loadAvg"`
	// Cost is the CPU the server and PostgreSQL spent per request of the
	// phase, and the database transactions per request.
	Cost Cost `json:"cost"`
}

// answered counts the phase's requests answered without error.
func (r Result) answered() int {
	n := 0
	for _, op := range []string{"labelQueue", "typename", "claimNextItem", "submitLabel"} {
		n += r.Ops[op].Count
	}
	return n
}

// deliveryOp is the operation name of event delivery latencies.
const deliveryOp = "event delivery"

// minMemorySubscribers is the fewest subscribers whose memory the report
// gives: below it the server's heap moves more than the sockets add (100
// subscribers measured -573 and +16 KB each).
const minMemorySubscribers = 1000

func summarize(db string, rate int, o options, p *phase) Result {
	r := Result{Database: db, Rate: rate, Ops: map[string]Stats{}, Late: p.late.Load(),
		Labels: p.labels.Load(), Events: p.events.Load(), Subscribers: o.subscribers, LoadAvg: loadAvg()}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.deliveries {
		sh := &p.deliveries[i]
		sh.mu.Lock()
		p.lat[deliveryOp] = append(p.lat[deliveryOp], sh.lat...)
		sh.lat = nil
		sh.mu.Unlock()
	}
	if len(p.lat[deliveryOp]) == 0 {
		delete(p.lat, deliveryOp)
	}
	ops := map[string]bool{}
	for op := range p.lat {
		ops[op] = true
	}
	for op := range p.errs {
		ops[op] = true
	}
	for op := range ops {
		lat := p.lat[op]
		slices.Sort(lat)
		s := Stats{Count: len(lat), Errors: p.errs[op], FirstError: p.first[op]}
		if len(lat) > 0 {
			s.P50, s.P90, s.P99, s.Max = q(lat, .50), q(lat, .90), q(lat, .99), ms(lat[len(lat)-1])
		}
		r.Ops[op] = s
	}
	return r
}

// q is the nearest-rank quantile of sorted durations, in ms.
func q(sorted []time.Duration, p float64) float64 {
	i := int(p*float64(len(sorted))+0.5) - 1
	return ms(sorted[min(max(i, 0), len(sorted)-1)])
}

// rssKB reads process pid's resident set size in KB (VmRSS, Linux); false
// when it cannot.
func rssKB(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err != nil {
				return 0, false
			}
			return kb, true
		}
	}
	return 0, false
}

// loadAvg reads the 1-minute load average (Linux), or "".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func printTable(w io.Writer, rs []Result) {
	fmt.Fprintf(w, "%-8s %6s  %-15s %7s %6s %8s %8s %8s %8s\n", "db", "rate/s", "operation", "count", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms")
	for _, r := range rs {
		for _, op := range []string{"labelQueue", "typename", "claimNextItem", "submitLabel", deliveryOp} {
			s, ok := r.Ops[op]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "%-8s %6d  %-15s %7d %6d %8.1f %8.1f %8.1f %8.1f\n", r.Database, r.Rate, op, s.Count, s.Errors, s.P50, s.P90, s.P99, s.Max)
		}
		if r.Subscribers > 0 {
			memory := "not measured (it needs " + strconv.Itoa(minMemorySubscribers) + " subscribers or more, and /proc)"
			if r.KBPerSubscriber > 0 {
				memory = fmt.Sprintf("%.1f KB per subscriber", r.KBPerSubscriber)
			}
			fmt.Fprintf(w, "%-8s %6d  events: %d of %d expected (%d labels x %d subscribers); server memory %s\n",
				r.Database, r.Rate, r.Events, r.Labels*int64(r.Subscribers), r.Labels, r.Subscribers, memory)
		}
		fmt.Fprintf(w, "%-8s %6d  generator late: %d requests; load average %s\n", r.Database, r.Rate, r.Late, r.LoadAvg)
		if c := r.Cost; c.Requests > 0 {
			fmt.Fprintf(w, "%-8s %6d  cost per request answered (%d): server CPU %.2f ms, pool waits %.2f (%.1f ms)",
				r.Database, r.Rate, c.Requests, c.ServerCPUPerReq, c.PoolWaitsPerReq, c.PoolWaitMsPerReq)
			if c.XactsPerReq > 0 {
				fmt.Fprintf(w, ", PostgreSQL CPU %.2f ms, %.2f transactions", c.PGCPUPerReq, c.XactsPerReq)
			}
			fmt.Fprintln(w)
		}
	}
	for _, r := range rs {
		for op, s := range r.Ops {
			if s.FirstError != "" {
				fmt.Fprintf(w, "%s %d/s %s: first error: %s\n", r.Database, r.Rate, op, s.FirstError)
			}
		}
	}
}
