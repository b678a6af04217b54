// Command loadgen load-tests ActiveLab's API on a server it starts itself.
//
// For each database asked for (-db sqlite,postgres) it starts `activelab
// serve` (-bin) on a fresh database (a temporary SQLite file, or a new
// database on the PostgreSQL server of -pg-url / TEST_DATABASE_URL, whose
// pool_* parameters go to the server's URL only), seeds
// a queue of -queue items (5,000) through the CLI and the API (ESOL with
// values, a pool of generated aryl compounds, an 8-member model, one
// selection), then, at each rate of -rates, for -duration:
//
//   - sends `labelQueue(first: 25)` with each item's compound open-loop at
//     the rate (each request at its scheduled time, latency measured from
//     it, so a slow server cannot slow the generator down), and
//     `{ __typename }` at a tenth of the rate for comparison;
//   - keeps -labelers (20) scientists claiming and labeling, each once every
//     -label-every (1 s);
//   - holds -subscribers websockets on queueEvents and measures each event's
//     delivery after the submitLabel response that caused it.
//
// It prints a table and writes the figures as JSON (-json), with what each
// phase cost per answered request: the server's CPU, PostgreSQL's CPU
// (its backends', read from /proc: the database must run on this
// machine), database transactions and waits for a pooled connection. Run it with
// `make loadtest`.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"
)

type options struct {
	bin         string
	dbs         []string
	pgURL       string
	rates       []int
	duration    time.Duration
	warmup      time.Duration
	labelers    int
	labelEvery  time.Duration
	subscribers int
	queue       int
	jsonOut     string
	serverArgs  string
}

func main() {
	var o options
	var dbs, rates string
	flag.StringVar(&o.bin, "bin", "bin/activelab", "the activelab binary to start")
	flag.StringVar(&dbs, "db", "sqlite", "databases to test, comma-separated: sqlite, postgres")
	flag.StringVar(&o.pgURL, "pg-url", os.Getenv("TEST_DATABASE_URL"), "PostgreSQL server (a database is created on it for the run; default $TEST_DATABASE_URL); its pool_* parameters (pool_max_conns=N) size the server's pool")
	flag.StringVar(&rates, "rates", "100,250,500", "labelQueue requests per second, comma-separated; one phase each")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "length of each rate's phase")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured load before each phase")
	flag.IntVar(&o.labelers, "labelers", 20, "scientists claiming and labeling during every phase")
	flag.DurationVar(&o.labelEvery, "label-every", time.Second, "how often each labeler claims and labels an item")
	flag.IntVar(&o.subscribers, "subscribers", 100, "websocket subscribers to queueEvents")
	flag.IntVar(&o.queue, "queue", 5000, "items in the label queue")
	flag.StringVar(&o.jsonOut, "json", "bin/loadtest.json", "where to write the results as JSON")
	flag.StringVar(&o.serverArgs, "server-args", "", "extra flags for activelab serve")
	flag.Parse()
	for _, d := range strings.Split(dbs, ",") {
		if d = strings.TrimSpace(d); d != "sqlite" && d != "postgres" {
			fatalf("-db: %q is not sqlite or postgres", d)
		}
		o.dbs = append(o.dbs, strings.TrimSpace(d))
	}
	for _, r := range strings.Split(rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || n <= 0 {
			fatalf("-rates: %q is not a positive number", r)
		}
		o.rates = append(o.rates, n)
	}
	if o.labelers < 0 || o.subscribers < 0 || o.queue < 25 || o.duration <= 0 {
		fatalf("-labelers and -subscribers must be >= 0, -queue >= 25, -duration > 0")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var all []Result
	for _, db := range o.dbs {
		if db == "postgres" && o.pgURL == "" {
			logf("postgres: SKIPPED: no PostgreSQL server (set -pg-url or TEST_DATABASE_URL)")
			continue
		}
		res, err := runDB(ctx, o, db)
		if err != nil {
			fatalf("%s: %v", db, err)
		}
		all = append(all, res...)
	}
	printTable(os.Stdout, all)
	if o.jsonOut != "" {
		b, _ := json.MarshalIndent(map[string]any{"options": o.describe(), "results": all}, "", "  ")
		if err := os.WriteFile(o.jsonOut, append(b, '\n'), 0o644); err != nil {
			fatalf("write %s: %v", o.jsonOut, err)
		}
		fmt.Fprintf(os.Stderr, "loadgen: results in %s\n", o.jsonOut)
	}
}

func (o options) describe() map[string]any {
	return map[string]any{"databases": o.dbs, "rates": o.rates, "duration": o.duration.String(), "warmup": o.warmup.String(),
		"labelers": o.labelers, "labelEvery": o.labelEvery.String(), "subscribers": o.subscribers, "queue": o.queue,
		"started": time.Now().UTC().Format(time.RFC3339), "cpus": runtime.NumCPU()}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
}
