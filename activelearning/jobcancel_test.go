package activelearning_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// TestCancelSelection: cancelling a large selection's job (select_samples
// while it waits, or one score_shard of a sharded pool) ends its cycle as
// CANCELLED with the reason naming who cancelled it, its end time and a
// cycle_updated event; the jobs still queued for it then change nothing
// (no items, no shards, no merge); the cancelled cycle cannot be retrained;
// and the lineage starts another selection at once, which queues its
// batch. A selection that has queued its batch is not cancelled.
func TestCancelSelection(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		cfg := activelearning.Config{MaxBatchSize: 60, InlinePoolLimit: 10, ShardSize: 25, ShardKeep: 12, Now: e.clock.Now}
		in := activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "uncertainty", BatchSize: 10, Seed: 7}
		itemsOf := func(c *store.ActiveLearningCycle) int {
			t.Helper()
			return len(e.items(t, "selection_batch = ?", c.CycleNumber))
		}
		wantCancelled := func(c *store.ActiveLearningCycle, reason string) {
			t.Helper()
			cur, err := e.st.Cycle(e.ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cur.Status != store.CycleCancelled || cur.Error != reason || cur.CompletedAt == nil || !cur.CompletedAt.Equal(e.clock.Now()) {
				t.Errorf("cycle %d = %s, error %q, completed %v; want cancelled with %q at %v",
					cur.CycleNumber, cur.Status, cur.Error, cur.CompletedAt, reason, e.clock.Now())
			}
			if n := itemsOf(cur); n != 0 || cur.ItemsSelected != 0 {
				t.Errorf("cancelled cycle %d queued %d items (items_selected %d)", cur.CycleNumber, n, cur.ItemsSelected)
			}
			if sh, err := e.st.SelectionShards(e.ctx, c.ID); err != nil || len(sh) != 0 {
				t.Errorf("shards of cancelled cycle %d: %d, %v", cur.CycleNumber, len(sh), err)
			}
			var seen bool
			for _, ev := range e.events(t, activelearning.EventCycleUpdated) {
				var p struct{ Status, Error string }
				if ev.CycleID != nil && *ev.CycleID == c.ID && json.Unmarshal(ev.Payload, &p) == nil &&
					p.Status == string(store.CycleCancelled) && p.Error == reason {
					seen = true
				}
			}
			if !seen {
				t.Errorf("no cycle_updated event says cycle %d was cancelled", cur.CycleNumber)
			}
		}

		// A select_samples job cancelled while it waits.
		rec := &jobs.Recorder{}
		svc := activelearning.New(e.st, nil, cfg, nil)
		svc.SetJobs(rec)
		c1, err := svc.SelectSamples(e.ctx, e.sci, in)
		if err != nil || c1.Status != store.CycleSelecting {
			t.Fatalf("select: %+v, %v", c1, err)
		}
		reason1 := "select_samples job 1 cancelled by admin Ada"
		if err := svc.JobCancelled(e.ctx, jobs.SelectSamplesArgs{CycleID: c1.ID}, reason1); err != nil {
			t.Fatal(err)
		}
		// River would not run it; a worker that had already fetched it
		// finds the cycle cancelled and queues nothing.
		if err := rec.Run(e.ctx, svc); err != nil {
			t.Fatal(err)
		}
		wantCancelled(c1, reason1)
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c1.ID, 0); !errors.Is(err, store.ErrConflict) {
			t.Errorf("retrain of a cancelled cycle = %v; want a conflict", err)
		}
		// Settling it again (a second cancel of a shard) changes nothing.
		if err := svc.JobCancelled(e.ctx, jobs.SelectSamplesArgs{CycleID: c1.ID}, "again"); err != nil {
			t.Fatal(err)
		}
		wantCancelled(c1, reason1)

		// One score_shard job of a sharded pool cancelled after another
		// shard was stored.
		rec2 := &jobs.Recorder{}
		svc2 := activelearning.New(e.st, nil, cfg, nil)
		svc2.SetJobs(rec2)
		c2, err := svc2.SelectSamples(e.ctx, e.sci, in)
		if err != nil || c2.Status != store.CycleSelecting || c2.CycleNumber != c1.CycleNumber+1 {
			t.Fatalf("select after a cancel: %+v, %v", c2, err)
		}
		if err := jobs.Work(e.ctx, svc2, rec2.Pending()[0]); err != nil { // splits the pool
			t.Fatal(err)
		}
		shards := rec2.Pending()[1:]
		if len(shards) < 3 || shards[0].Kind != "score_shard" {
			t.Fatalf("jobs after the split: %+v", rec2.Pending())
		}
		if err := jobs.Work(e.ctx, svc2, shards[0]); err != nil {
			t.Fatal(err)
		}
		if sh, _ := e.st.SelectionShards(e.ctx, c2.ID); len(sh) != 1 {
			t.Fatalf("%d shards stored, want 1", len(sh))
		}
		var a jobs.ScoreShardArgs
		if err := json.Unmarshal(shards[1].Payload, &a); err != nil || a.CycleID != c2.ID {
			t.Fatalf("shard args %s: %v", shards[1].Payload, err)
		}
		e.clock.Advance(3e9)
		reason2 := "score_shard job 4 cancelled by admin Ada"
		if err := svc2.JobCancelled(e.ctx, a, reason2); err != nil {
			t.Fatal(err)
		}
		queued := len(rec2.Pending())
		for _, j := range shards[1:] { // the other shards, run late
			if err := jobs.Work(e.ctx, svc2, j); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(rec2.Pending()); n != queued {
			t.Errorf("late shards enqueued %d jobs (the merge); want none", n-queued)
		}
		wantCancelled(c2, reason2)

		// The lineage is free: the next selection queues its batch.
		c3, err := svc.SelectSamples(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := rec.Run(e.ctx, svc); err != nil {
			t.Fatal(err)
		}
		cur, err := e.st.Cycle(e.ctx, c3.ID)
		if err != nil || cur.Status != store.CycleLabeling || cur.ItemsSelected != 10 || itemsOf(cur) != 10 {
			t.Fatalf("selection after the cancels: %+v (%d items), %v; want labeling with 10", cur, itemsOf(cur), err)
		}
		// Cancelling a job whose selection already queued its batch
		// leaves the cycle labeling.
		if err := svc.JobCancelled(e.ctx, jobs.SelectSamplesArgs{CycleID: c3.ID}, "too late"); err != nil {
			t.Fatal(err)
		}
		if cur, _ := e.st.Cycle(e.ctx, c3.ID); cur.Status != store.CycleLabeling || cur.Error != "" || itemsOf(cur) != 10 {
			t.Errorf("a late cancel changed the labeling cycle: %+v", cur)
		}
		if strings.Contains(e.snapshot(t), "selecting") {
			t.Errorf("a cycle is still selecting: %s", e.snapshot(t))
		}
	})
}
