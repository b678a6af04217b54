package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// queryLog records the SQL the store runs (with arguments inlined, through
// Store.OnQuery), so a test can EXPLAIN exactly what a method sent.
type queryLog struct {
	mu      sync.Mutex
	queries []string
}

func (l *queryLog) observe(q string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queries = append(l.queries, q)
}

// take returns the queries recorded since the last take that read or
// write label_queue, and forgets them all.
func (l *queryLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, q := range l.queries {
		if strings.Contains(q, "label_queue") {
			out = append(out, q)
		}
	}
	l.queries = nil
	return out
}

// planFixture fills a lineage of one version with a queue shaped like a
// busy one (5,000 items: most labeled, some pending, a few in progress
// with a few labellers) and refreshes the planners' statistics, so the
// plans are those a real queue gets.
func planFixture(ctx context.Context, t testing.TB, st *store.Store) (model *store.MLModel, other *store.MLModel, user *store.User) {
	t.Helper()
	const compounds, batches = 100, 25
	model = storetest.Model(ctx, t, st, nil)
	other = storetest.Model(ctx, t, st, nil)
	users := []*store.User{storetest.User(ctx, t, st, nil), storetest.User(ctx, t, st, nil), storetest.User(ctx, t, st, nil)}
	// Each batch has its own compounds: a compound has one open item per
	// lineage at most (the database's guarantee), and the status mix below
	// leaves items of every batch open.
	cs := make([]*store.Compound, compounds*batches)
	for i := range cs {
		cs[i] = storetest.Compound(ctx, t, st, nil)
	}
	var items []*store.LabelQueueItem
	for b := range batches {
		for i, c := range cs[b*compounds : (b+1)*compounds] {
			for _, m := range []*store.MLModel{model, other} {
				items = append(items, &store.LabelQueueItem{CompoundID: c.ID, ModelID: m.ID, SelectionStrategy: "uncertainty",
					SelectionBatch: b + 1, PriorityScore: float64((i*7919+b*104729)%1000) / 1000})
			}
		}
	}
	if err := st.CreateQueueItems(ctx, items); err != nil {
		t.Fatal(err)
	}
	// Status mix: 80 % labeled, 16 % pending (a fifth of them assigned),
	// 4 % in progress.
	for i, it := range items {
		u := users[i%len(users)].ID
		q := st.DB().NewUpdate().Model((*store.LabelQueueItem)(nil)).Where("id = ?", it.ID)
		switch {
		case i%25 == 0:
			q = q.Set("status = 'in_progress', assigned_to = ?", u)
		case i%25 < 4:
			if i%5 == 0 {
				q = q.Set("assigned_to = ?", u)
			} else {
				continue
			}
		default:
			q = q.Set("status = 'labeled', labeled_by = ?", u)
		}
		if i%25 >= 4 || i%25 == 0 || i%5 == 0 {
			if _, err := q.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := st.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	return model, other, users[0]
}

// explain returns why the plan of query is not an index walk (a sort of
// the result, a scan of all of label_queue or of one of its indexes), ""
// when it is.
func explain(ctx context.Context, t *testing.T, st *store.Store, query string) string {
	t.Helper()
	if st.Dialect() == store.DialectSQLite {
		rows, err := st.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+query)
		if err != nil {
			t.Fatalf("explain %s: %v", query, err)
		}
		defer rows.Close()
		var plan, bad []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
			// SCAN walks a whole table or index (filtering as it goes),
			// SEARCH only the range its equalities select.
			if strings.Contains(detail, "USE TEMP B-TREE") || strings.HasPrefix(detail, "SCAN ") {
				bad = append(bad, detail)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			return fmt.Sprintf("%v in plan %q", bad, plan)
		}
		return ""
	}
	// A count of half the table is cheapest as a sequential scan of a
	// small one; seqscan off asks whether an index could serve, which is
	// what holds on a large queue. Sorts are still chosen when no index
	// gives the order.
	var raw string
	err := st.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+query).Scan(&raw)
	})
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	var plans []struct {
		Plan pgPlan `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(raw), &plans); err != nil {
		t.Fatal(err)
	}
	var bad []string
	var walk func(p pgPlan)
	walk = func(p pgPlan) {
		if p.NodeType == "Sort" || p.NodeType == "Incremental Sort" ||
			(p.NodeType == "Seq Scan" && p.Relation == "label_queue") {
			bad = append(bad, p.NodeType+" "+p.Relation)
		}
		for _, c := range p.Plans {
			walk(c)
		}
	}
	walk(plans[0].Plan)
	if len(bad) > 0 {
		return fmt.Sprintf("%v in plan %s", bad, raw)
	}
	return ""
}

// pgPlan is a node of PostgreSQL's EXPLAIN (FORMAT JSON).
type pgPlan struct {
	NodeType string   `json:"Node Type"`
	Relation string   `json:"Relation Name"`
	Plans    []pgPlan `json:"Plans"`
}

// TestQueueQueryPlans checks that the hot queue queries (labelQueue's page
// and total, a claim's picks) walk an index in the queue's order instead
// of reading and sorting a model's whole queue: EXPLAIN QUERY PLAN on
// SQLite has no temporary B-tree and no SCAN of label_queue or of a whole
// index of it (only SEARCHes of ranges); EXPLAIN on PostgreSQL has no
// Sort and no Seq Scan of label_queue.
// The plans are of the SQL the methods send (recorded by a query hook),
// on a 5,000-item queue with fresh statistics.
func TestQueueQueryPlans(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		model, _, user := planFixture(ctx, t, st)
		log := &queryLog{}
		st.OnQuery(log.observe)
		one := []store.ID{model.ID}
		cursor := &store.QueueCursor{Priority: 0.5, ID: ident.New()}
		cases := map[string]func() error{
			"list by priority": func() error {
				_, err := st.ListQueue(ctx, store.QueueFilter{ModelIDs: one}, store.QueueByPriority, nil, 25)
				return err
			},
			"list by priority after cursor": func() error {
				_, err := st.ListQueue(ctx, store.QueueFilter{ModelIDs: one}, store.QueueByPriority, cursor, 25)
				return err
			},
			"list pending by priority": func() error {
				_, err := st.ListQueue(ctx, store.QueueFilter{ModelIDs: one, Statuses: []store.QueueStatus{store.QueuePending}}, store.QueueByPriority, nil, 25)
				return err
			},
			"list assignee's by priority": func() error {
				_, err := st.ListQueue(ctx, store.QueueFilter{ModelIDs: one, AssignedTo: &user.ID, Statuses: []store.QueueStatus{store.QueueInProgress}}, store.QueueByPriority, nil, 25)
				return err
			},
			"list lineage by priority": func() error {
				_, err := st.ListQueue(ctx, store.QueueFilter{LineageID: &model.ID}, store.QueueByPriority, nil, 25)
				return err
			},
			"list lineage by priority after cursor": func() error {
				_, err := st.ListQueue(ctx, store.QueueFilter{LineageID: &model.ID}, store.QueueByPriority, cursor, 25)
				return err
			},
			"list lineage's pending by priority": func() error {
				_, err := st.ListQueue(ctx, store.QueueFilter{LineageID: &model.ID, Statuses: []store.QueueStatus{store.QueuePending}}, store.QueueByPriority, nil, 25)
				return err
			},
			"list lineage by priority with compounds": func() error {
				_, _, err := st.ListQueueWithCompounds(ctx, store.QueueFilter{LineageID: &model.ID}, store.QueueByPriority, cursor, 25)
				return err
			},
			"count lineage": func() error {
				_, err := st.CountQueue(ctx, store.QueueFilter{LineageID: &model.ID})
				return err
			},
			"count": func() error {
				_, err := st.CountQueue(ctx, store.QueueFilter{ModelIDs: one})
				return err
			},
			"count pending": func() error {
				_, err := st.CountQueue(ctx, store.QueueFilter{ModelIDs: one, Statuses: []store.QueueStatus{store.QueuePending}})
				return err
			},
			"claim (both passes)": func() error {
				// A user with nothing assigned: both passes run (the
				// second one claims).
				u := storetest.User(ctx, t, st, nil)
				now := time.Now()
				_ = log.take()
				_, err := st.ClaimNextItem(ctx, one, u.ID, now, now.Add(time.Minute))
				return err
			},
		}
		for name, run := range cases {
			_ = log.take()
			if err := run(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			queries := log.take()
			if len(queries) == 0 {
				t.Fatalf("%s: no query on label_queue recorded", name)
			}
			for _, q := range queries {
				if name == "claim (both passes)" && st.Dialect() == store.DialectSQLite && strings.HasPrefix(q, "UPDATE") {
					continue // the pick is the SELECT; the UPDATE is by id
				}
				if why := explain(ctx, t, st, q); why != "" {
					t.Errorf("%s: %s\nquery: %s", name, why, q)
				}
			}
		}
	})
}

// TestQueuePlanAfterBulkEnqueue: right after a selection enqueues a large
// batch into a young queue, with no ANALYZE of the test's own,
// the planner knows how many items the model has (PostgreSQL: its
// statistics were refreshed by CreateQueueItems, in and out of a
// transaction, not left to autovacuum's ANALYZE a minute or more later)
// and labelQueue's page walks the queue index.
func TestQueuePlanAfterBulkEnqueue(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		model := storetest.Model(ctx, t, st, nil)
		const n = 600
		var items []*store.LabelQueueItem
		for i := range n {
			c := storetest.Compound(ctx, t, st, &store.Compound{CanonicalSMILES: fmt.Sprintf("c1ccccc1C%04dN", i)})
			items = append(items, &store.LabelQueueItem{CompoundID: c.ID, ModelID: model.ID, SelectionStrategy: "uncertainty",
				SelectionBatch: 1 + i/(n/2), PriorityScore: float64((i*7919)%1000) / 1000})
		}
		// Two selections: one by the store, one in a transaction.
		if err := st.CreateQueueItems(ctx, items[:n/2]); err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.CreateQueueItems(ctx, items[n/2:]) }); err != nil {
			t.Fatal(err)
		}
		if st.Dialect() == store.DialectPostgres {
			// Without statistics the planner takes an equality to match
			// 0.5 % of the rows (3 here, 15-25 in cmd/loadgen's queue),
			// and a bitmap scan and sort of them looks cheaper than the
			// index walk.
			var raw string
			if err := st.DB().QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) SELECT * FROM label_queue WHERE model_id = ?", model.ID).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			var plans []struct {
				Plan struct {
					Rows float64 `json:"Plan Rows"`
				} `json:"Plan"`
			}
			if err := json.Unmarshal([]byte(raw), &plans); err != nil {
				t.Fatal(err)
			}
			if got := plans[0].Plan.Rows; got < n/2 {
				t.Errorf("the planner expects %.0f of the model's %d items: statistics not refreshed", got, n)
			}
		}
		log := &queryLog{}
		st.OnQuery(log.observe)
		page, err := st.ListQueue(ctx, store.QueueFilter{ModelIDs: []store.ID{model.ID}}, store.QueueByPriority, nil, 25)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 25 {
			t.Fatalf("page of %d items, want 25", len(page.Items))
		}
		queries := log.take()
		if len(queries) == 0 {
			t.Fatal("no query on label_queue recorded")
		}
		for _, q := range queries {
			if why := explain(ctx, t, st, q); why != "" {
				t.Errorf("%s\nquery: %s", why, q)
			}
		}
	})
}
