package activelearning_test

import (
	"slices"
	"testing"

	"activelab/activelearning"
	"activelab/ident"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// TestShardedSelection: a pool over ShardSize is scored in shard jobs that
// keep only their best few, and the merge queues exactly what ranking the
// whole pool at once gives (a strategy without a batch mode); with a batch
// mode it queues a full batch. The shards are gone afterwards, and a
// retried shard changes nothing.
func TestShardedSelection(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		rec := &jobs.Recorder{}
		svc := activelearning.New(e.st, nil, activelearning.Config{MaxBatchSize: 60, InlinePoolLimit: 10, ShardSize: 25, ShardKeep: 12}, nil)
		svc.SetJobs(rec)
		in := activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "uncertainty", BatchSize: 10, Seed: 7}
		whole, err := e.svc.PreviewSelection(e.ctx, e.sci, in)
		if err != nil || len(whole) != 10 {
			t.Fatalf("preview: %d, %v", len(whole), err)
		}
		c, err := svc.SelectSamples(e.ctx, e.sci, in)
		if err != nil || c.Status != store.CycleSelecting {
			t.Fatalf("select: %+v, %v", c, err)
		}
		// select_samples splits the pool into shard jobs; the last shard
		// stored enqueues select_samples again, which merges.
		if err := rec.Run(e.ctx, svc); err != nil {
			t.Fatal(err)
		}
		pool, _ := e.st.CompoundSetMemberIDs(e.ctx, e.poolSet)
		kinds := map[string]int{}
		for id := int64(1); ; id++ {
			st, err := rec.JobStatus(e.ctx, id)
			if err != nil {
				break
			}
			kinds[st.Kind]++
		}
		if shards := (len(pool) + 24) / 25; kinds["select_samples"] != 2 || kinds["score_shard"] != shards || len(pool) <= 50 {
			t.Fatalf("jobs run %v for a pool of %d; want select_samples twice and %d shards", kinds, len(pool), shards)
		}
		cur, err := e.st.Cycle(e.ctx, c.ID)
		if err != nil || cur.Status != store.CycleLabeling || cur.ItemsSelected != 10 {
			t.Fatalf("cycle after the merge: %+v, %v", cur, err)
		}
		items := e.items(t, "")
		var got, want []store.ID
		for _, it := range items {
			if it.SelectionBatch == cur.CycleNumber {
				got = append(got, it.CompoundID)
			}
		}
		for _, w := range whole {
			want = append(want, w.CompoundID)
		}
		slices.SortFunc(got, ident.Compare)
		slices.SortFunc(want, ident.Compare)
		if !slices.Equal(got, want) {
			t.Errorf("sharded selection %v, whole-pool ranking %v", got, want)
		}
		if sh, _ := e.st.SelectionShards(e.ctx, c.ID); len(sh) != 0 {
			t.Errorf("%d shards left after the merge", len(sh))
		}
		// A shard job retried after the merge leaves everything as it is.
		if err := svc.RunShard(e.ctx, jobs.ScoreShardArgs{CycleID: c.ID, Shard: 0, Shards: 4, FirstID: pool[0], LastID: pool[10]}); err != nil {
			t.Fatal(err)
		}
		if sh, _ := e.st.SelectionShards(e.ctx, c.ID); len(sh) != 0 || len(rec.Pending()) != 0 {
			t.Errorf("a late shard stored %d shards, enqueued %d jobs", len(sh), len(rec.Pending()))
		}

		// A batch mode (the default strategy) over shards: a full batch.
		c2, err := svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, BatchSize: 8, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := rec.Run(e.ctx, svc); err != nil {
			t.Fatal(err)
		}
		if cur, _ := e.st.Cycle(e.ctx, c2.ID); cur.Status != store.CycleLabeling || cur.ItemsSelected != 8 {
			t.Errorf("default strategy over shards: %+v", cur)
		}
	})
}
