package main

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"activelab/jobs"
)

// jobFlags are the background-job flags of `activelab serve` and
// `activelab worker`.
type jobFlags struct {
	workers      string
	timeout      time.Duration
	kindTimeouts string
	rescueAfter  time.Duration
}

// bindJobFlags binds the job flags to fs.
func bindJobFlags(fs *flag.FlagSet) *jobFlags {
	jf := &jobFlags{timeout: jobs.DefaultJobTimeout, rescueAfter: jobs.DefaultRescueAfter}
	fs.StringVar(&jf.workers, "workers", formatPairs(jobs.DefaultQueues()),
		"jobs worked at once per queue, QUEUE=N[,...] (queues: default for selections and imports, training for training and retraining)")
	fs.DurationVar(&jf.timeout, "job-timeout", jf.timeout,
		"longest one attempt of a background job may run, for kinds without their own --job-timeouts")
	fs.StringVar(&jf.kindTimeouts, "job-timeouts", formatPairs(jobs.DefaultKindTimeouts()),
		"per-kind attempt timeouts, KIND=DURATION[,...] (kinds: "+strings.Join(jobs.Kinds(), ", ")+"); a job orphaned by a dead process waits at least its kind's timeout before another worker retries it")
	fs.DurationVar(&jf.rescueAfter, "job-rescue-after", jf.rescueAfter,
		"how long a job may stay running before it is presumed orphaned by a dead process and retried (at least --job-timeout)")
	return jf
}

// config checks the flags and returns the job client's configuration.
func (jf *jobFlags) config() (jobs.Config, error) {
	queues, err := jobs.ParseQueues(jf.workers)
	if err != nil {
		return jobs.Config{}, fmt.Errorf("%w: --workers: %v", errUsage, err)
	}
	kinds, err := jobs.ParseKindTimeouts(jf.kindTimeouts)
	if err != nil {
		return jobs.Config{}, fmt.Errorf("%w: --job-timeouts: %v", errUsage, err)
	}
	if jf.timeout <= 0 || jf.rescueAfter < jf.timeout {
		return jobs.Config{}, fmt.Errorf("%w: --job-timeout must be positive and --job-rescue-after at least as long (got %s and %s)", errUsage, jf.timeout, jf.rescueAfter)
	}
	return jobs.Config{Queues: queues, JobTimeout: jf.timeout, KindTimeouts: kinds, RescueAfter: jf.rescueAfter}, nil
}

// formatPairs writes a map as sorted NAME=VALUE pairs.
func formatPairs[V any](m map[string]V) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, m[k]))
	}
	return strings.Join(parts, ",")
}
