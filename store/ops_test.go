package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"activelab/store"
	"activelab/store/storetest"
)

// opsJobArgs is a River job kind of this test only.
type opsJobArgs struct{}

func (opsJobArgs) Kind() string { return "ops_test" }

// TestOpsCounts checks the metrics scrape's one query: queue items by model
// name (both versions of a lineage under one name) and status, every cycle
// status, and River's jobs by kind and state without the completed ones.
func TestOpsCounts(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		empty, err := st.OpsCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(empty.Queue) != 0 || len(empty.Jobs) != 0 || len(empty.Active) != 0 || len(empty.Cycles) != len(store.CycleStatuses()) || empty.Cycles[store.CycleCancelled] != 0 || empty.Cycles[store.CycleLabeling] != 0 {
			t.Fatalf("empty database: %+v", empty)
		}

		f := newQueueFixture(ctx, t, st, 5) // items 0, 2, 4 on v1; 1, 3 on v2; one name
		other := newQueueFixture(ctx, t, st, 2)
		f.v2.Metrics = json.RawMessage(`{"rmse": 0.62, "r2": 0.8}`)
		if err := st.UpdateMLModel(ctx, f.v2); err != nil {
			t.Fatal(err)
		}
		u := storetest.User(ctx, t, st, nil)
		it := f.items[0]
		it.Status, it.Label, it.LabeledBy = store.QueueLabeled, ptr(1.5), &u.ID
		if err := st.UpdateQueueItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		for i, status := range []store.CycleStatus{store.CycleLabeling, store.CycleLabeling, store.CycleTraining} {
			c := &store.ActiveLearningCycle{ModelID: f.v2.ID, CycleNumber: i + 1, SelectionStrategy: "random", BatchSize: 1, Status: status}
			if err := st.CreateCycle(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		rc, err := river.NewClient(st.RiverDriver(), &river.Config{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for range 4 {
			res, err := rc.Insert(ctx, opsJobArgs{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.Job.ID)
		}
		now := time.Now().UTC()
		for i, state := range []string{"discarded", "completed", "running"} {
			q := "UPDATE river_job SET state = ?, finalized_at = ? WHERE id = ?"
			var fin any = now
			if state == "running" {
				q, fin = "UPDATE river_job SET state = ?, attempted_at = ? WHERE id = ?", now
			}
			if _, err := st.DB().NewRaw(q, state, fin, ids[i]).Exec(ctx); err != nil {
				t.Fatalf("set job %s: %v", state, err)
			}
		}

		got, err := st.OpsCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		queue := map[[2]string]int{}
		for _, q := range got.Queue {
			queue[[2]string{q.Model, string(q.Status)}] = q.N
		}
		wantQueue := map[[2]string]int{
			{f.v1.Name, "pending"}: 4, {f.v1.Name, "labeled"}: 1,
			{other.v1.Name, "pending"}: 2,
		}
		if len(queue) != len(wantQueue) {
			t.Errorf("queue = %v; want %v", queue, wantQueue)
		}
		for k, n := range wantQueue {
			if queue[k] != n {
				t.Errorf("queue %v = %d; want %d (all: %v)", k, queue[k], n, queue)
			}
		}
		if got.Cycles[store.CycleLabeling] != 2 || got.Cycles[store.CycleTraining] != 1 || got.Cycles[store.CycleComplete] != 0 {
			t.Errorf("cycles = %v; want labeling 2, training 1", got.Cycles)
		}
		jobs := []string{}
		for _, j := range got.Jobs {
			if j.Kind == "ops_test" {
				jobs = append(jobs, j.State+"="+string(rune('0'+j.N)))
			}
		}
		slices.Sort(jobs)
		if want := []string{"available=1", "discarded=1", "running=1"}; !slices.Equal(jobs, want) {
			t.Errorf("jobs = %v; want %v (completed left out)", jobs, want)
		}
		// The active versions (v2 of each lineage; v1s are superseded) with
		// their metrics, none for a version without.
		active := map[string]store.ActiveMetrics{}
		for _, a := range got.Active {
			active[a.Model] = a
		}
		if a := active[f.v1.Name]; len(active) != 2 || a.Version != 2 || len(a.Metrics) != 2 || a.Metrics["rmse"] != 0.62 || a.Metrics["r2"] != 0.8 {
			t.Errorf("active = %+v; want %s version 2 with rmse 0.62 and r2 0.8, and %s", got.Active, f.v1.Name, other.v1.Name)
		}
		if a, ok := active[other.v1.Name]; !ok || a.Version != 2 || len(a.Metrics) != 0 {
			t.Errorf("active %s = %+v; want version 2 without metrics", other.v1.Name, a)
		}
	})
}

// TestOpsCountsPlan checks that a scrape counts the queue from an index
// without reading its rows, on a 5,000-item queue with fresh statistics:
// SQLite reads label_queue through a covering index, PostgreSQL (asked
// whether an index can serve, enable_seqscan off) with an index-only scan.
func TestOpsCountsPlan(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		planFixture(ctx, t, st)
		if st.Dialect() != store.DialectSQLite {
			// An index-only scan needs the visibility map, which VACUUM
			// (autovacuum, on a live database) sets and ANALYZE does not.
			if _, err := st.DB().ExecContext(ctx, "VACUUM ANALYZE label_queue"); err != nil {
				t.Fatal(err)
			}
		}
		log := &queryLog{}
		st.OnQuery(log.observe)
		if _, err := st.OpsCounts(ctx); err != nil {
			t.Fatal(err)
		}
		queries := log.take()
		if len(queries) != 1 {
			t.Fatalf("OpsCounts ran %d queries on label_queue; want 1: %q", len(queries), queries)
		}
		var plan []string
		if st.Dialect() == store.DialectSQLite {
			rows, err := st.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+queries[0])
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(detail, "label_queue") {
					plan = append(plan, detail)
				}
			}
			if len(plan) != 1 || !strings.Contains(plan[0], "COVERING INDEX") {
				t.Errorf("label_queue in plan: %q; want one read through a covering index", plan)
			}
			return
		}
		var raw string
		err := st.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+queries[0]).Scan(&raw)
		})
		if err != nil {
			t.Fatal(err)
		}
		var plans []struct {
			Plan pgPlan `json:"Plan"`
		}
		if err := json.Unmarshal([]byte(raw), &plans); err != nil {
			t.Fatal(err)
		}
		var walk func(p pgPlan)
		walk = func(p pgPlan) {
			if p.Relation == "label_queue" {
				plan = append(plan, p.NodeType)
			}
			for _, c := range p.Plans {
				walk(c)
			}
		}
		walk(plans[0].Plan)
		if len(plan) != 1 || plan[0] != "Index Only Scan" {
			t.Errorf("label_queue in plan: %q; want one Index Only Scan\n%s", plan, raw)
		}
	})
}

// BenchmarkOpsCounts measures one metrics scrape's database read on the
// plan test's 5,000-item queue (two models), on each database.
func BenchmarkOpsCounts(b *testing.B) {
	for name, open := range storetest.Backends(b) {
		b.Run(name, func(b *testing.B) {
			ctx := b.Context()
			st := open(b)
			planFixture(ctx, b, st)
			if st.Dialect() != store.DialectSQLite {
				if _, err := st.DB().ExecContext(ctx, "VACUUM ANALYZE label_queue"); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := st.OpsCounts(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
