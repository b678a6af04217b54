package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// OpsCounts are the operational gauges a /metrics scrape reads from the
// database (OpsCounts): the label queue by model and status, cycles by
// status, River's unfinished and failed jobs by kind and state, and the
// active versions' validation metrics.
type OpsCounts struct {
	// Queue counts label_queue items by model name (a lineage's versions
	// share it, so the count follows items moved to a new version) and
	// status. Only model and status pairs with items are present.
	Queue []QueueCount
	// Cycles counts cycles by status; every status is present.
	Cycles map[CycleStatus]int
	// Jobs counts River's jobs by kind and state, leaving out completed and
	// cancelled ones (finished on purpose; River deletes them after a day):
	// available, scheduled, retryable, pending and running jobs are the job
	// queue's depth, discarded ones its failures (kept for a week).
	Jobs []JobCount
	// Active lists each lineage's active version: its name, version number
	// and validation metrics.
	Active []ActiveMetrics
}

// ActiveMetrics is a lineage's active version and its validation metrics.
type ActiveMetrics struct {
	Model   string
	Version int
	Metrics map[string]float64
}

// QueueCount is how many queue items of a model are in one status.
type QueueCount struct {
	Model  string
	Status QueueStatus
	N      int
}

// JobCount is how many River jobs of a kind are in one state (River's
// names: available, scheduled, retryable, pending, running, discarded).
type JobCount struct {
	Kind  string
	State string
	N     int
}

// opsCountsSQL reads the three families in one round trip. The queue is
// counted by (model_id, status) first, which the (model_id, status, ...)
// indexes answer without touching rows, then named; River's jobs are
// filtered on state, the first column of its fetching index. CAST(state
// AS TEXT) turns PostgreSQL's river_job_state enum into text (a no-op on
// SQLite); COUNT and SUM are cast so that both dialects return integers.
const opsCountsSQL = `SELECT 'queue' AS family, m.name AS a, c.status AS b, CAST(SUM(c.n) AS BIGINT) AS n
FROM (SELECT model_id, status, COUNT(*) AS n FROM label_queue GROUP BY model_id, status) AS c
JOIN ml_models AS m ON m.id = c.model_id
GROUP BY m.name, c.status
UNION ALL
SELECT 'cycle', '', status, CAST(COUNT(*) AS BIGINT) FROM active_learning_cycles GROUP BY status
UNION ALL
SELECT 'job', kind, CAST(state AS TEXT), CAST(COUNT(*) AS BIGINT) FROM river_job
WHERE state IN ('available', 'scheduled', 'retryable', 'pending', 'running', 'discarded')
GROUP BY kind, state
UNION ALL
SELECT 'active', name, COALESCE(CAST(metrics AS TEXT), ''), CAST(version AS BIGINT) FROM ml_models WHERE status = 'active'`

// OpsCounts reads the operational gauges (see OpsCounts) in one query, on
// the read pool. It is meant for a metrics scrape, whose collector caches
// it: its cost grows with the queue's distinct (model, status) pairs read
// from an index, not with rows fetched.
func (s *conn) OpsCounts(ctx context.Context) (*OpsCounts, error) {
	var rows []struct {
		Family string `bun:"family"`
		A      string `bun:"a"`
		B      string `bun:"b"`
		N      int    `bun:"n"`
	}
	if err := s.reads().NewRaw(opsCountsSQL).Scan(ctx, &rows); err != nil {
		return nil, s.wrapErr(err, "ops counts")
	}
	out := &OpsCounts{Cycles: map[CycleStatus]int{}}
	for _, c := range CycleStatuses() {
		out.Cycles[c] = 0
	}
	for _, r := range rows {
		switch r.Family {
		case "queue":
			out.Queue = append(out.Queue, QueueCount{Model: r.A, Status: QueueStatus(r.B), N: r.N})
		case "cycle":
			out.Cycles[CycleStatus(r.B)] = r.N
		case "job":
			out.Jobs = append(out.Jobs, JobCount{Kind: r.A, State: r.B, N: r.N})
		case "active":
			a := ActiveMetrics{Model: r.A, Version: r.N, Metrics: map[string]float64{}}
			if r.B != "" {
				if err := json.Unmarshal([]byte(r.B), &a.Metrics); err != nil {
					return nil, fmt.Errorf("ops counts: metrics of %s version %d: %w", r.A, r.N, err)
				}
			}
			out.Active = append(out.Active, a)
		default:
			return nil, fmt.Errorf("ops counts: unknown family %q", r.Family)
		}
	}
	return out, nil
}
