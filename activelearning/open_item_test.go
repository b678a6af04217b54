package activelearning_test

import (
	"sync"
	"testing"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// TestConcurrentSelectionsNeverQueueTwice: five selections scored as jobs
// and enqueued at the same moment never give a compound two open items in
// the lineage (they did, 1 run in 4, with three on PostgreSQL): the
// database refuses the second, and the loser reads the queue again.
func TestConcurrentSelectionsNeverQueueTwice(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60, InlinePoolLimit: 10})
		e.model = e.createModel(t, "esol", "random")
		var cycles []*store.ActiveLearningCycle
		for range 5 {
			c, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet,
				Strategy: "uncertainty", BatchSize: 40, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != store.CycleSelecting {
				t.Fatalf("cycle %d is %s, want selecting (a job)", c.CycleNumber, c.Status)
			}
			cycles = append(cycles, c)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(cycles))
		for _, c := range cycles {
			wg.Go(func() { errs <- e.svc.RunSelection(e.ctx, c.ID) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("selection: %v", err)
			}
		}
		openItems := e.items(t, "status IN ('pending', 'in_progress')")
		seen := map[store.ID]store.ID{}
		for _, it := range openItems {
			if other, dup := seen[it.CompoundID]; dup {
				t.Errorf("compound %d has two open items (%d and %d)", it.CompoundID, other, it.ID)
			}
			seen[it.CompoundID] = it.ID
			if it.LineageID != e.model.ID {
				t.Errorf("item %d carries lineage %d, want %d", it.ID, it.LineageID, e.model.ID)
			}
		}
		// 120 pool compounds, 5 batches of 40: every compound once at most.
		if len(openItems) == 0 || len(openItems) > 120 {
			t.Errorf("%d open items", len(openItems))
		}
	})
}
