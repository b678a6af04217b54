package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"activelab/activelearning/demo"
	"activelab/store"
)

const queueEventsSub = `subscription($m: ID!, $after: Int) { queueEvents(modelId: $m, afterSeq: $after) { seq type itemId actorId item { id status } } }`

type queueEventMsg struct {
	QueueEvents struct {
		Seq    int
		Type   string
		ItemID string
		Item   *struct{ ID, Status string }
	}
}

type metric struct {
	Name  string
	Value float64
}

// TestWalkthrough is the walk-through as a test: as admin,
// preview, select 25, claim and label them all, trigger the retrain, and
// see metrics before and after on the same validation set and the new
// active version, while a websocket subscriber sees every queue event and
// the retrain's progress.
func TestWalkthrough(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		m := map[string]any{"m": a.modelID}
		tok := a.adminT
		sub := a.subscribe(t, a.vwT, queueEventsSub, map[string]any{"m": a.modelID, "after": 0})

		var p struct {
			PreviewSelection []struct{ Rank int }
		}
		wantData(t, a.post(`query($m: ID!) { previewSelection(input: {modelId: $m, batchSize: 25, seed: 1}) { rank } }`, m, bearer(tok)), &p)
		if len(p.PreviewSelection) != 25 {
			t.Fatalf("preview: %d candidates", len(p.PreviewSelection))
		}
		var s struct {
			SelectSamples struct{ Cycle struct{ ID, Status string } }
		}
		wantData(t, a.post(`mutation($m: ID!) { selectSamples(input: {selection: {modelId: $m, batchSize: 25, seed: 1}}) { cycle { id status } } }`, m, bearer(tok)), &s)
		cycleID := s.SelectSamples.Cycle.ID
		if s.SelectSamples.Cycle.Status != "LABELING" {
			t.Fatalf("cycle %+v", s.SelectSamples.Cycle)
		}

		truth := map[string]float64{}
		for _, r := range readESOL(t) {
			truth[r.Name] = r.Value
		}
		for i := 0; i < 25; i++ {
			var c struct {
				ClaimNextItem struct {
					Item *struct {
						ID       string
						Compound struct{ Name string }
					}
				}
			}
			wantData(t, a.post(`mutation($m: ID!) { claimNextItem(input: {modelId: $m}) { item { id compound { name } } } }`, m, bearer(tok)), &c)
			it := c.ClaimNextItem.Item
			if it == nil {
				t.Fatalf("claim %d: queue empty", i)
			}
			v, ok := truth[it.Compound.Name]
			if !ok {
				t.Fatalf("compound %q not in the test data", it.Compound.Name)
			}
			wantData(t, a.label(t, tok, it.ID, v), nil)
		}
		if id := a.claim(t, tok); id != "" {
			t.Fatalf("claimed %s after the batch was done", id)
		}

		// Every queue event, in sequence order: 25 enqueued, claimed, labeled.
		counts := map[string]int{}
		last := 0
		for i := 0; i < 75; i++ {
			var e queueEventMsg
			sub.next(t, &e)
			if e.QueueEvents.Seq <= last {
				t.Fatalf("seq %d after %d", e.QueueEvents.Seq, last)
			}
			last = e.QueueEvents.Seq
			counts[e.QueueEvents.Type]++
		}
		if counts["item_enqueued"] != 25 || counts["item_claimed"] != 25 || counts["item_labeled"] != 25 {
			t.Fatalf("queue events %v", counts)
		}

		prog := a.subscribe(t, a.vwT, `subscription($c: ID!) { retrainProgress(cycleId: $c, afterSeq: 0) { stage fraction message } }`, map[string]any{"c": cycleID})
		wantData(t, a.post(`mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 25}) { cycle { status } } }`, map[string]any{"c": cycleID}, bearer(tok)), nil)
		stages := []string{}
		for {
			var e struct {
				RetrainProgress struct {
					Stage    string
					Fraction float64
				}
			}
			prog.next(t, &e)
			stages = append(stages, e.RetrainProgress.Stage)
			if e.RetrainProgress.Fraction < 0 || e.RetrainProgress.Fraction > 1 {
				t.Fatalf("fraction %v", e.RetrainProgress.Fraction)
			}
			if e.RetrainProgress.Stage == "done" {
				break
			}
		}
		if len(stages) < 2 {
			t.Fatalf("progress stages %v", stages)
		}

		var d struct {
			Cycle struct {
				Status                      string
				MetricsBefore, MetricsAfter []metric
				ItemsLabeled                int
				// The cycle's version is superseded now; its model is
				// the lineage, whose active version is the new one.
				Model struct {
					ID            string
					ActiveVersion *struct{ Version int }
				}
				ModelVersion struct {
					Version int
					Status  string
				}
			}
			Model struct {
				ActiveVersion struct {
					Version        int
					ValidationHash string
					TrainingSize   int
				}
				Versions []struct {
					Version        int
					Status         string
					ValidationHash string
					TrainingSize   int
				}
			}
		}
		a.waitFor(t, "cycle complete", func() bool {
			wantData(t, a.post(`query($c: ID!, $m: ID!) { cycle(id: $c) { status itemsLabeled metricsBefore { name value } metricsAfter { name value }
					model { id activeVersion { version } } modelVersion { version status } }
				model(id: $m) { activeVersion { version validationHash trainingSize } versions { version status validationHash trainingSize } } }`,
				map[string]any{"c": cycleID, "m": a.modelID}, bearer(tok)), &d)
			return d.Cycle.Status == "COMPLETE"
		})
		if len(d.Cycle.MetricsBefore) == 0 || len(d.Cycle.MetricsAfter) != len(d.Cycle.MetricsBefore) {
			t.Fatalf("metrics before %v after %v", d.Cycle.MetricsBefore, d.Cycle.MetricsAfter)
		}
		if c := d.Cycle; c.Model.ID != fmt.Sprint(a.modelID) || c.Model.ActiveVersion == nil || c.Model.ActiveVersion.Version != 2 ||
			c.ModelVersion.Version != 1 || c.ModelVersion.Status != "SUPERSEDED" {
			t.Fatalf("cycle of the superseded version: model %+v, version %+v; want model %v with active version 2", c.Model, c.ModelVersion, a.modelID)
		}
		vs := d.Model.Versions
		if d.Model.ActiveVersion.Version != 2 || len(vs) != 2 || vs[0].Status != "SUPERSEDED" || vs[1].Status != "ACTIVE" ||
			vs[0].ValidationHash != vs[1].ValidationHash || vs[1].TrainingSize != vs[0].TrainingSize+25 {
			t.Fatalf("model after retrain %+v", d.Model)
		}
		var st struct {
			Stats struct {
				LearningCurve []struct {
					Cycle, Labels int
					Metrics       []metric
				}
			}
		}
		wantData(t, a.post(`query($m: ID!) { stats(modelId: $m) { learningCurve { cycle labels metrics { name value } } } }`, m, bearer(tok)), &st)
		if lc := st.Stats.LearningCurve; len(lc) != 2 || lc[1].Labels != 25 {
			t.Fatalf("learning curve %+v", lc)
		}
	})
}

// TestQueueEventsResume: a subscriber disconnects, the queue changes,
// and it reconnects with the last seq it saw: it receives exactly what it
// missed, then live events.
func TestQueueEventsResume(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		sub := a.subscribe(t, a.vwT, queueEventsSub, map[string]any{"m": a.modelID, "after": 0})
		a.selectBatch(t, 5)
		last := 0
		for i := 0; i < 5; i++ {
			var e queueEventMsg
			sub.next(t, &e)
			last = e.QueueEvents.Seq
		}
		sub.c.Close()

		// Missed while away: 3 claims and 2 labels.
		var items []string
		for i := 0; i < 3; i++ {
			items = append(items, a.claim(t, a.sciT))
		}
		for _, it := range items[:2] {
			wantData(t, a.label(t, a.sciT, it, -1), nil)
		}

		sub = a.subscribe(t, a.vwT, queueEventsSub, map[string]any{"m": a.modelID, "after": last})
		var got []string
		for i := 0; i < 5; i++ {
			var e queueEventMsg
			sub.next(t, &e)
			if e.QueueEvents.Seq <= last {
				t.Fatalf("replayed seq %d <= %d", e.QueueEvents.Seq, last)
			}
			last = e.QueueEvents.Seq
			got = append(got, e.QueueEvents.Type+":"+e.QueueEvents.ItemID)
		}
		want := []string{"item_claimed:" + items[0], "item_claimed:" + items[1], "item_claimed:" + items[2], "item_labeled:" + items[0], "item_labeled:" + items[1]}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("missed events %v, want %v", got, want)
		}
		// Then live.
		wantData(t, a.label(t, a.sciT, items[2], -1), nil)
		var e queueEventMsg
		sub.next(t, &e)
		if e.QueueEvents.Type != "item_labeled" || e.QueueEvents.ItemID != items[2] || e.QueueEvents.Item == nil || e.QueueEvents.Item.Status != "LABELED" {
			t.Fatalf("live event %+v", e.QueueEvents)
		}
	})
}

// TestCycleUpdatedSubscription: a dashboard watching a model's cycles sees
// the retrain's status changes through to COMPLETE.
func TestCycleUpdatedSubscription(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		cycle := a.selectBatch(t, 3)
		for i := 0; i < 3; i++ {
			wantData(t, a.label(t, a.sciT, a.claim(t, a.sciT), -2), nil)
		}
		sub := a.subscribe(t, a.vwT, `subscription($m: ID!) { cycleUpdated(modelId: $m) { id status itemsLabeled } }`, map[string]any{"m": a.modelID})
		time.Sleep(200 * time.Millisecond) // live-only subscription: let it register
		wantData(t, a.post(`mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 3}) { cycle { status } } }`, map[string]any{"c": cycle}, bearer(a.adminT)), nil)
		var statuses []string
		for {
			var e struct {
				CycleUpdated struct {
					ID, Status   string
					ItemsLabeled int
				}
			}
			sub.next(t, &e)
			if e.CycleUpdated.ID != cycle {
				t.Fatalf("cycle %s, want %s", e.CycleUpdated.ID, cycle)
			}
			statuses = append(statuses, e.CycleUpdated.Status)
			if e.CycleUpdated.Status == "COMPLETE" {
				if e.CycleUpdated.ItemsLabeled != 3 {
					t.Fatalf("itemsLabeled %d", e.CycleUpdated.ItemsLabeled)
				}
				break
			}
		}
		if len(statuses) < 2 {
			t.Fatalf("statuses %v", statuses)
		}
	})
}

// TestCycleEventsResume: a dashboard that saw a cycle start, went away
// during the retrain and reconnects with the last seq it saw receives the
// cycle events it missed, in order and with their seqs, through to
// "complete", each with the cycle as it is now.
func TestCycleEventsResume(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		const q = `subscription($m: ID!, $after: Int) { cycleEvents(modelId: $m, afterSeq: $after) { seq type cycleId payload cycle { id status } } }`
		type msg struct {
			CycleEvents struct {
				Seq           int
				Type, CycleID string
				Payload       string
				Cycle         *struct{ ID, Status string }
			}
		}
		sub := a.subscribe(t, a.vwT, q, map[string]any{"m": a.modelID, "after": 0})
		cycle := a.selectBatch(t, 3)
		var e msg
		sub.next(t, &e)
		if e.CycleEvents.Type != "cycle_started" || e.CycleEvents.CycleID != cycle || e.CycleEvents.Cycle == nil || e.CycleEvents.Cycle.ID != cycle {
			t.Fatalf("first event %+v, want cycle_started of cycle %s", e.CycleEvents, cycle)
		}
		last := e.CycleEvents.Seq
		sub.c.Close()

		// Missed while away: labels, the retrain's status changes.
		for i := 0; i < 3; i++ {
			wantData(t, a.label(t, a.sciT, a.claim(t, a.sciT), -2), nil)
		}
		wantData(t, a.post(`mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 3}) { cycle { status } } }`, map[string]any{"c": cycle}, bearer(a.adminT)), nil)
		a.waitFor(t, "cycle complete", func() bool {
			var d struct{ Cycle struct{ Status string } }
			wantData(t, a.post(`query($c: ID!) { cycle(id: $c) { status } }`, map[string]any{"c": cycle}, bearer(a.vwT)), &d)
			return d.Cycle.Status == "COMPLETE"
		})

		sub = a.subscribe(t, a.vwT, q, map[string]any{"m": a.modelID, "after": last})
		var statuses []string
		for len(statuses) == 0 || statuses[len(statuses)-1] != "complete" {
			var e msg
			sub.next(t, &e)
			ev := e.CycleEvents
			if ev.Seq <= last || ev.CycleID != cycle || ev.Type != "cycle_updated" {
				t.Fatalf("replayed %+v after seq %d, want cycle_updated events of cycle %s in seq order", ev, last, cycle)
			}
			if ev.Cycle == nil || ev.Cycle.Status != "COMPLETE" {
				t.Fatalf("event %d: cycle %+v, want the cycle as it is now (COMPLETE)", ev.Seq, ev.Cycle)
			}
			var p struct{ Status string }
			if err := json.Unmarshal([]byte(ev.Payload), &p); err != nil {
				t.Fatalf("payload %q: %v", ev.Payload, err)
			}
			last = ev.Seq
			statuses = append(statuses, p.Status)
		}
		if !slices.Contains(statuses, "training") {
			t.Fatalf("missed statuses %v, want training then complete", statuses)
		}
	})
}

// TestConcurrentLabelersOverHTTP: ten labelers claim and label one queue
// over the API at once: every item is labeled exactly once.
func TestConcurrentLabelersOverHTTP(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		a.selectBatch(t, 30)
		const labelers = 10
		toks := make([]string, labelers)
		for i := range toks {
			toks[i] = a.token(a.namedUser(store.RoleScientist, strconv.Itoa(i)))
		}
		var mu sync.Mutex
		labeled := map[string]int{}
		var wg sync.WaitGroup
		for _, tok := range toks {
			wg.Go(func() {
				for {
					r := a.postQuiet(`mutation($m: ID!) { claimNextItem(input: {modelId: $m}) { item { id } } }`, map[string]any{"m": a.modelID}, tok)
					var d struct {
						ClaimNextItem struct{ Item *struct{ ID string } }
					}
					if r.err != nil || decodeData(r, &d) != nil {
						t.Errorf("claim: %v %+v", r.err, r.Errors)
						return
					}
					if d.ClaimNextItem.Item == nil {
						return
					}
					id := d.ClaimNextItem.Item.ID
					r = a.postQuiet(`mutation($i: ID!) { submitLabel(input: {itemId: $i, value: -1}) { item { id } } }`, map[string]any{"i": id}, tok)
					if r.err != nil || len(r.Errors) > 0 {
						t.Errorf("label %s: %v %+v", id, r.err, r.Errors)
						return
					}
					mu.Lock()
					labeled[id]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(labeled) != 30 {
			t.Fatalf("%d items labeled, want 30", len(labeled))
		}
		for id, n := range labeled {
			if n != 1 {
				t.Fatalf("item %s labeled %d times", id, n)
			}
		}
		var d struct {
			Stats struct {
				Counts struct{ Labeled, Pending, InProgress int }
			}
		}
		wantData(t, a.post(`query($m: ID!) { stats(modelId: $m) { counts { labeled pending inProgress } } }`, map[string]any{"m": a.modelID}, bearer(a.vwT)), &d)
		if c := d.Stats.Counts; c.Labeled != 30 || c.Pending != 0 || c.InProgress != 0 {
			t.Fatalf("counts %+v", c)
		}
	})
}

// TestDemoServer: a server whose database was seeded by demo.Seed (a
// small ensemble): the demo admin signs in with email and password (session
// cookie), finds the demo model and its first cycle of 25 items, and labels one.
func TestDemoServer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupRuntime(t, open)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		res, err := demo.Seed(ctx, a.rt.Service, a.st, demo.Config{AdminEmail: "demo@example.test", AdminPassword: "demo password 1",
			Members: alMembers, Seed: 1, Log: discardLogger(), Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatalf("demo.Seed: %v", err)
		}
		if !res.Seeded {
			t.Fatalf("demo not seeded (database had users?)")
		}
		// Sign in as the SPA does: login sets the session cookie.
		jar := newJar(t)
		r := a.postWithClient(jar, `mutation { login(input: {email: "demo@example.test", password: "demo password 1"}) { user { role } } }`, nil)
		wantData(t, r, nil)
		var d struct {
			Models []struct {
				ID, Name string
				Cycles   []struct {
					ID            string
					Status        string
					ItemsSelected int
				}
			}
		}
		wantData(t, a.postWithClient(jar, `{ models { id name cycles { id status itemsSelected } } }`, nil), &d)
		if len(d.Models) != 1 || d.Models[0].Name != demo.ModelName || len(d.Models[0].Cycles) != 1 || d.Models[0].Cycles[0].ItemsSelected != 25 || d.Models[0].Cycles[0].Status != "LABELING" {
			t.Fatalf("demo models %+v", d.Models)
		}
		var c struct {
			ClaimNextItem struct{ Item struct{ ID string } }
		}
		wantData(t, a.postWithClient(jar, `mutation($m: ID!) { claimNextItem(input: {modelId: $m}) { item { id } } }`, map[string]any{"m": d.Models[0].ID}), &c)
		wantData(t, a.postWithClient(jar, `mutation($i: ID!) { submitLabel(input: {itemId: $i, value: -3.2, source: EXPERT_ESTIMATE, confidence: LOW}) { item { status } } }`, map[string]any{"i": c.ClaimNextItem.Item.ID}), nil)
	})
}
