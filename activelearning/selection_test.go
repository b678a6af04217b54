package activelearning_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/chem"
	"activelab/features"
	"activelab/ident"
	"activelab/ml/sampling"
	"activelab/store"
	"activelab/store/storetest"
)

func TestPreviewWritesNothingAndSelectEnqueuesIt(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		in := activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "default", BatchSize: 10, Seed: 3}
		before := e.snapshot(t)
		preview, err := e.svc.PreviewSelection(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if after := e.snapshot(t); after != before {
			t.Fatalf("preview wrote:\n%s\n%s", before, after)
		}
		if len(preview) != 10 || preview[0].Rank != 1 {
			t.Fatalf("preview: %d candidates", len(preview))
		}
		for _, c := range preview {
			if c.Uncertainty < 0 || c.ApplicabilityDistance < 0 || c.ApplicabilityDistance > 1 {
				t.Errorf("candidate %+v out of range", c)
			}
		}
		cyc, err := e.svc.SelectSamples(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if cyc.CycleNumber != 1 || cyc.Status != store.CycleLabeling || cyc.ItemsSelected != 10 || cyc.ModelID != e.model.ID || cyc.Seed != 3 {
			t.Fatalf("cycle %+v", cyc)
		}
		items := e.items(t, "")
		// The same input and seed select the same compounds in the same order.
		for i, it := range items {
			if it.CompoundID != preview[i].CompoundID || it.SelectionBatch != 1 || it.Status != store.QueuePending {
				t.Errorf("item %d: compound %d batch %d, preview had %d", i, it.CompoundID, it.SelectionBatch, preview[i].CompoundID)
			}
		}
		if n := len(e.events(t, activelearning.EventItemEnqueued)); n != 10 {
			t.Errorf("%d item_enqueued events, want 10", n)
		}
		if n := len(e.events(t, activelearning.EventCycleStarted)); n != 1 {
			t.Errorf("%d cycle_started events, want 1", n)
		}
	})
}

func TestSelectionNeverRepeatsNorLeaks(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		m, _ := e.svc.Model(e.ctx, e.model.ID)
		val, _ := e.st.ValidationMembers(e.ctx, *m.ValidationSetID)
		// An explicit list mixing validation, training and pool compounds.
		pool, _ := e.st.CompoundSetMemberIDs(e.ctx, e.poolSet)
		train, _ := e.st.CompoundSetMemberIDs(e.ctx, e.trainSet)
		var list []store.ID
		for _, v := range val {
			list = append(list, v.CompoundID)
		}
		list = append(list, train...)
		list = append(list, pool[:20]...)
		c1, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, CompoundIDs: list, Strategy: "uncertainty", BatchSize: 15, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		c2, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, CompoundIDs: list, Strategy: "random", BatchSize: 15, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if c1.CycleNumber != 1 || c2.CycleNumber != 2 {
			t.Fatalf("cycle numbers %d, %d", c1.CycleNumber, c2.CycleNumber)
		}
		inPool := map[store.ID]bool{}
		for _, id := range pool[:20] {
			inPool[id] = true
		}
		seen := map[store.ID]bool{}
		items := e.items(t, "")
		for _, it := range items {
			if !inPool[it.CompoundID] {
				t.Errorf("compound %d selected: it is a validation or training (labeled) compound", it.CompoundID)
			}
			if seen[it.CompoundID] {
				t.Errorf("compound %d queued twice", it.CompoundID)
			}
			seen[it.CompoundID] = true
		}
		// 20 candidates: 15 in the first batch, the remaining 5 in the second.
		if len(items) != 20 || c2.ItemsSelected != 5 {
			t.Errorf("%d items, second batch %d; want 20 and 5", len(items), c2.ItemsSelected)
		}
		if _, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, CompoundIDs: list, BatchSize: 5}); err == nil {
			t.Error("selecting from an exhausted pool succeeded")
		}
	})
}

func TestSelectRejectsBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		cases := []struct {
			name   string
			actor  *store.User
			in     activelearning.SelectInput
			field  string
			target error
		}{
			{"viewer", e.view, activelearning.SelectInput{BatchSize: 5}, "", auth.ErrForbidden},
			{"batch size 0", e.sci, activelearning.SelectInput{BatchSize: 0}, "batchSize", nil},
			{"batch size above max", e.sci, activelearning.SelectInput{BatchSize: 61}, "batchSize", nil},
			{"unknown strategy", e.sci, activelearning.SelectInput{BatchSize: 5, Strategy: "greatest"}, "strategy", nil},
			{"margin on regression", e.sci, activelearning.SelectInput{BatchSize: 5, Strategy: "margin"}, "strategy", nil},
			{"bad diversity", e.sci, activelearning.SelectInput{BatchSize: 5, Diversity: 2}, "diversity", nil},
			{"diversity with clustering", e.sci, activelearning.SelectInput{BatchSize: 5, Strategy: "uncertainty+cluster", Diversity: 0.6}, "diversity", nil},
			{"diversity with softrank", e.sci, activelearning.SelectInput{BatchSize: 5, Strategy: "uncertainty+softrank", Diversity: 0.6}, "diversity", nil},
			{"unknown model", e.sci, activelearning.SelectInput{BatchSize: 5, ModelID: ident.New()}, "modelId", nil},
			{"unknown set", e.sci, activelearning.SelectInput{BatchSize: 5, SetID: ident.New()}, "setId", nil},
			{"unknown compound", e.sci, activelearning.SelectInput{BatchSize: 5, CompoundIDs: []store.ID{ident.New()}}, "compoundIds", nil},
		}
		before := e.snapshot(t)
		for _, tc := range cases {
			if tc.in.ModelID == store.NilID {
				tc.in.ModelID = e.model.ID
			}
			for _, call := range []string{"preview", "select"} {
				var err error
				if call == "preview" {
					_, err = e.svc.PreviewSelection(e.ctx, tc.actor, tc.in)
				} else {
					_, err = e.svc.SelectSamples(e.ctx, tc.actor, tc.in)
				}
				if tc.target != nil {
					if !errors.Is(err, tc.target) {
						t.Errorf("%s %s: %v, want %v", call, tc.name, err, tc.target)
					}
					continue
				}
				var ie *activelearning.InputError
				if !errors.As(err, &ie) || ie.Field != tc.field {
					t.Errorf("%s %s: %v, want InputError on %s", call, tc.name, err, tc.field)
				}
			}
		}
		if after := e.snapshot(t); after != before {
			t.Errorf("rejected selections changed state:\n%s\n%s", before, after)
		}
	})
}

func TestLargePoolSelectsInAJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{InlinePoolLimit: 50})
		e.model = e.createModel(t, "esol", "random")
		c := e.selectBatch(t, "uncertainty+cluster", 12)
		if c.Status != store.CycleSelecting || len(e.items(t, "")) != 0 {
			t.Fatalf("large pool: cycle %s with %d items before the job", c.Status, len(e.items(t, "")))
		}
		if p := e.jobs.Pending(); len(p) != 1 || p[0].Kind != "select_samples" || p[0].Arg != c.ID {
			t.Fatalf("jobs %+v", p)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		c, _ = e.svc.Cycle(e.ctx, c.ID)
		if c.Status != store.CycleLabeling || c.ItemsSelected != 12 || len(e.items(t, "")) != 12 {
			t.Fatalf("after the job: %s, %d selected, %d items", c.Status, c.ItemsSelected, len(e.items(t, "")))
		}
		// A retried job does nothing twice.
		if err := e.svc.RunSelection(e.ctx, c.ID); err != nil || len(e.items(t, "")) != 12 {
			t.Fatalf("rerun: %v, %d items", err, len(e.items(t, "")))
		}
	})
}

// TestConcurrentSelectionsNeverQueueACompoundTwice: selections racing on
// one lineage either win a cycle number or get ErrConflict, and no compound
// is queued twice.
func TestConcurrentSelectionsNeverQueueACompoundTwice(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		var wg sync.WaitGroup
		var mu sync.Mutex
		selected := 0
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet,
					Strategy: "random", BatchSize: 20, Seed: int64(i)})
				if err != nil {
					if !errors.Is(err, store.ErrConflict) {
						t.Errorf("selection %d: %v", i, err)
					}
					return
				}
				mu.Lock()
				selected += c.ItemsSelected
				mu.Unlock()
			}()
		}
		wg.Wait()
		items := e.items(t, "")
		seen := map[store.ID]bool{}
		for _, it := range items {
			if seen[it.CompoundID] {
				t.Errorf("compound %d queued twice", it.CompoundID)
			}
			seen[it.CompoundID] = true
		}
		if selected != len(items) || len(items) == 0 {
			t.Errorf("cycles report %d selected, queue has %d", selected, len(items))
		}
	})
}

// TestSelectDiversityThreshold: SelectInput.Diversity is the spec's
// diversity mode: no two compounds of the batch are more similar than the
// threshold (the plain batch has such a pair), and the cycle records the
// spec with it.
func TestSelectDiversityThreshold(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		const threshold = 0.25
		// maxSim is the largest similarity among the first n of the batch.
		maxSim := func(in activelearning.SelectInput, n int) float64 {
			t.Helper()
			got, err := e.svc.PreviewSelection(e.ctx, e.sci, in)
			if err != nil || len(got) != in.BatchSize {
				t.Fatalf("preview %+v: %d candidates, %v", in, len(got), err)
			}
			var fps []chem.BitVec
			for _, c := range got[:n] {
				cmp, err := e.st.CompoundByID(e.ctx, c.CompoundID)
				if err != nil {
					t.Fatal(err)
				}
				m, err := chem.Parse(cmp.CanonicalSMILES)
				if err != nil {
					t.Fatal(err)
				}
				fps = append(fps, chem.MorganBits(m, features.FingerprintRadius, features.FingerprintBits))
			}
			most := 0.0
			for i := range fps {
				for j := range i {
					most = max(most, chem.Tanimoto(fps[i], fps[j]))
				}
			}
			return most
		}
		in := activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "uncertainty", BatchSize: 12}
		if plain := maxSim(in, in.BatchSize); plain <= threshold {
			t.Fatalf("the plain batch's closest pair is %.2f similar: the test needs one above %g", plain, threshold)
		}
		in.Diversity = threshold
		if diverse := maxSim(in, in.BatchSize); diverse > threshold {
			t.Errorf("diverse batch has a pair %.2f similar, above the threshold %g", diverse, threshold)
		}
		c, err := e.svc.SelectSamples(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.SelectionStrategy != "uncertainty+diverse=0.25" {
			t.Errorf("cycle records strategy %q, want uncertainty+diverse=0.25", c.SelectionStrategy)
		}
		// With the mix the threshold replaces its batch mode: the
		// strategy's half of the batch comes first (the other half is
		// random exploration).
		in.Strategy, in.Seed = sampling.MixName, 5
		if diverse := maxSim(in, in.BatchSize/2); diverse > threshold {
			t.Errorf("mix with diversity: a pair %.2f similar, above the threshold %g", diverse, threshold)
		}
		want, _ := sampling.ParseSpec(sampling.Mix)
		want.Cluster, want.Beta, want.Diverse, want.Threshold = false, 0, true, threshold
		if c, err = e.svc.SelectSamples(e.ctx, e.sci, in); err != nil || c.SelectionStrategy != want.String() {
			t.Errorf("mix with diversity: cycle strategy %q, %v; want %q", c.SelectionStrategy, err, want)
		}
	})
}

// TestSkippedCompoundsStayOut: a compound a labeler skipped is not selected
// again by the lineage unless IncludeSkipped asks for it.
func TestSkippedCompoundsStayOut(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		pool, _ := e.st.CompoundSetMemberIDs(e.ctx, e.poolSet)
		list := pool[:3]
		if _, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, CompoundIDs: list, Strategy: "uncertainty", BatchSize: 3}); err != nil {
			t.Fatal(err)
		}
		it, err := e.svc.ClaimNextItem(e.ctx, e.sci, e.model.ID)
		if err != nil || it == nil {
			t.Fatalf("claim: %v, %v", it, err)
		}
		if _, err := e.svc.SkipItem(e.ctx, e.sci, it.ID, "not available"); err != nil {
			t.Fatal(err)
		}
		without := activelearning.SelectInput{ModelID: e.model.ID, CompoundIDs: list, Strategy: "uncertainty", BatchSize: 3}
		if cands, err := e.svc.PreviewSelection(e.ctx, e.sci, without); err != nil || len(cands) != 0 {
			t.Errorf("preview: %+v, %v; want nothing (the skipped compound stays out)", cands, err)
		}
		_, err = e.svc.SelectSamples(e.ctx, e.sci, without)
		var ie *activelearning.InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Msg, "skipped") {
			t.Errorf("select: %v, want the empty-pool input error naming skipped compounds", err)
		}
		again := activelearning.SelectInput{ModelID: e.model.ID, CompoundIDs: list, Strategy: "uncertainty", BatchSize: 3, IncludeSkipped: true}
		cands, err := e.svc.PreviewSelection(e.ctx, e.sci, again)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) != 1 || cands[0].CompoundID != it.CompoundID {
			t.Errorf("with IncludeSkipped: %+v, want only the skipped compound %d", cands, it.CompoundID)
		}
		c, err := e.svc.SelectSamples(e.ctx, e.sci, again)
		if err != nil || c.ItemsSelected != 1 {
			t.Fatalf("select with IncludeSkipped: %+v, %v", c, err)
		}
	})
}
