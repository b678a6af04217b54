package jobs

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
)

// The queues jobs go to. Training (train_model, retrain_model) has its own
// queue so that a long training never holds up selections and imports, and
// so a worker's training concurrency can be set apart (training is CPU-bound
// and itself parallel).
const (
	QueueDefault  = river.QueueDefault // select_samples, score_shard, import_compounds
	QueueTraining = "training"         // train_model, retrain_model
)

// Defaults of Config.
const (
	// DefaultJobTimeout bounds one attempt of a job whose kind has no
	// timeout of its own. Short on purpose: River's rescuer cannot retry a
	// job orphaned by a dead process before its kind's timeout has passed,
	// so the timeout is also how long an orphan can wait.
	DefaultJobTimeout = time.Minute
	// DefaultRescueAfter is how long a job may stay running before River's
	// rescuer (which runs every 30 s on the leader) considers it orphaned.
	// With DefaultJobTimeout, a job left running by a killed process is
	// retried within RescueAfter + 30 s + River's 5 s scheduler interval
	// (about 105 s) of its attempt's start.
	DefaultRescueAfter = 70 * time.Second
	// DefaultImportTimeout is import_compounds' timeout: a file of a
	// million rows takes minutes to parse and write.
	DefaultImportTimeout = 10 * time.Minute
	// DefaultMaxAttempts is how many attempts a failing job gets.
	DefaultMaxAttempts = 5
	// DefaultPollInterval is how often River looks for jobs without a
	// notification (SQLite has no LISTEN, so this is its latency).
	DefaultPollInterval = time.Second
)

// DefaultQueues is how many jobs of each queue one process works at once.
func DefaultQueues() map[string]int {
	return map[string]int{QueueDefault: 2, QueueTraining: 1}
}

// DefaultKindTimeouts are the kinds whose timeout differs from the default.
func DefaultKindTimeouts() map[string]time.Duration {
	return map[string]time.Duration{ImportCompoundsArgs{}.Kind(): DefaultImportTimeout}
}

// Kinds lists every job kind ActiveLab has.
func Kinds() []string {
	return []string{TrainModelArgs{}.Kind(), RetrainModelArgs{}.Kind(), SelectSamplesArgs{}.Kind(),
		ScoreShardArgs{}.Kind(), ImportCompoundsArgs{}.Kind()}
}

// ParseQueues reads per-queue worker counts written "default=2,training=1"
// (the --workers flag). A queue not named keeps its default; a count must
// be at least 1 and a queue one of QueueDefault and QueueTraining.
func ParseQueues(s string) (map[string]int, error) {
	out := DefaultQueues()
	err := parsePairs(s, func(k, v string) error {
		if _, ok := out[k]; !ok {
			return fmt.Errorf("unknown queue %q (queues: %s)", k, strings.Join(slices.Sorted(maps.Keys(out)), ", "))
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("queue %s: worker count %q is not a number from 1 to 1000", k, v)
		}
		out[k] = n
		return nil
	})
	return out, err
}

// ParseKindTimeouts reads per-kind job timeouts written
// "retrain_model=5m,import_compounds=30m" (the --job-timeouts flag), over
// DefaultKindTimeouts.
func ParseKindTimeouts(s string) (map[string]time.Duration, error) {
	out := DefaultKindTimeouts()
	err := parsePairs(s, func(k, v string) error {
		if !slices.Contains(Kinds(), k) {
			return fmt.Errorf("unknown job kind %q (kinds: %s)", k, strings.Join(Kinds(), ", "))
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("job kind %s: timeout %q is not a positive duration", k, v)
		}
		out[k] = d
		return nil
	})
	return out, err
}

func parsePairs(s string, set func(k, v string) error) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return fmt.Errorf("%q is not NAME=VALUE", p)
		}
		if err := set(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
			return err
		}
	}
	return nil
}
