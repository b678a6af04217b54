package activelearning_test

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestConcurrentLabelers: 50 labelers claim and label one queue at once. No
// item is labeled twice, none is lost, and the counts add up.
func TestConcurrentLabelers(t *testing.T) {
	const labelers, batch = 50, 60
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c := e.selectBatch(t, "uncertainty", batch)
		users := make([]*store.User, labelers)
		for i := range users {
			users[i] = storetest.User(e.ctx, t, e.st, nil)
		}
		var mu sync.Mutex
		labeledBy := map[store.ID]store.ID{} // item -> user
		var wg sync.WaitGroup
		errs := make(chan error, labelers)
		for _, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					it, err := e.svc.ClaimNextItem(e.ctx, u, e.model.ID)
					if err != nil {
						errs <- err
						return
					}
					if it == nil {
						return
					}
					if it.Status != store.QueueInProgress || *it.AssignedTo != u.ID {
						errs <- errors.New("claimed item not held by the claimer")
						return
					}
					if _, err := e.svc.SubmitLabel(e.ctx, u, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -2}); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					if prev, dup := labeledBy[it.ID]; dup {
						errs <- errors.New("item handed out twice")
						_ = prev
					}
					labeledBy[it.ID] = u.ID
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if len(labeledBy) != batch {
			t.Errorf("%d items labeled, want %d", len(labeledBy), batch)
		}
		for _, it := range e.items(t, "") {
			if it.Status != store.QueueLabeled || it.LabeledBy == nil || labeledBy[it.ID] != *it.LabeledBy {
				t.Errorf("item %d: %s by %v, the labeler recorded %d", it.ID, it.Status, it.LabeledBy, labeledBy[it.ID])
			}
		}
		n, _ := e.st.DB().NewSelect().Model((*store.Measurement)(nil)).Where("origin = ?", store.OriginLabel).Count(e.ctx)
		if n != batch {
			t.Errorf("%d label measurements, want %d", n, batch)
		}
		c, _ = e.svc.Cycle(e.ctx, c.ID)
		stats, err := e.svc.Stats(e.ctx, e.model.ID)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, l := range stats.Labelers {
			total += l.Labeled
		}
		if c.ItemsLabeled != batch || stats.Counts[store.QueueLabeled] != batch || total != batch {
			t.Errorf("cycle labeled %d, stats %d, per labeler %d; want %d", c.ItemsLabeled, stats.Counts[store.QueueLabeled], total, batch)
		}
		if got := len(e.events(t, activelearning.EventItemLabeled)); got != batch {
			t.Errorf("%d item_labeled events", got)
		}
	})
}

func TestSubmitLabelRules(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		e.selectBatch(t, "uncertainty", 5)
		items := e.items(t, "")
		held, labeled, skipped := items[0], items[1], items[2]
		if _, err := e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID); err != nil { // takes items[0], the top priority
			t.Fatal(err)
		}
		in := activelearning.SubmitLabelInput{ItemID: labeled.ID, Value: -3.5, Source: store.SourceLiterature, Confidence: store.ConfidenceMedium, Notes: "ref"}
		first, err := e.svc.SubmitLabel(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SkipItem(e.ctx, e.sci, skipped.ID, "insoluble in DMSO"); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot(t)
		// The same submission again is the same label.
		again, err := e.svc.SubmitLabel(e.ctx, e.sci, in)
		if err != nil || again.Version != first.Version {
			t.Fatalf("idempotent resubmission: %v (version %d, first %d)", err, again.Version, first.Version)
		}
		cases := []struct {
			name   string
			actor  *store.User
			in     activelearning.SubmitLabelInput
			field  string
			target error
		}{
			{"NaN", e.sci, activelearning.SubmitLabelInput{ItemID: items[3].ID, Value: math.NaN()}, "value", nil},
			{"+Inf", e.sci, activelearning.SubmitLabelInput{ItemID: items[3].ID, Value: math.Inf(1)}, "value", nil},
			{"-Inf", e.sci, activelearning.SubmitLabelInput{ItemID: items[3].ID, Value: math.Inf(-1)}, "value", nil},
			{"bad source", e.sci, activelearning.SubmitLabelInput{ItemID: items[3].ID, Value: 1, Source: "rumour"}, "source", nil},
			{"bad confidence", e.sci, activelearning.SubmitLabelInput{ItemID: items[3].ID, Value: 1, Confidence: "certain"}, "confidence", nil},
			{"unknown item", e.sci, activelearning.SubmitLabelInput{ItemID: ident.New(), Value: 1}, "", store.ErrNotFound},
			{"different value on labeled item", e.sci, activelearning.SubmitLabelInput{ItemID: labeled.ID, Value: -1}, "", store.ErrConflict},
			{"other labeler on labeled item", e.sci2, in, "", store.ErrConflict},
			{"skipped item", e.sci, activelearning.SubmitLabelInput{ItemID: skipped.ID, Value: -1}, "", store.ErrConflict},
			{"item held by someone else", e.sci, activelearning.SubmitLabelInput{ItemID: held.ID, Value: -1}, "", store.ErrConflict},
			{"viewer", e.view, activelearning.SubmitLabelInput{ItemID: items[3].ID, Value: -1}, "", auth.ErrForbidden},
		}
		for _, tc := range cases {
			_, err := e.svc.SubmitLabel(e.ctx, tc.actor, tc.in)
			if tc.target != nil {
				if !errors.Is(err, tc.target) {
					t.Errorf("%s: %v, want %v", tc.name, err, tc.target)
				}
				continue
			}
			var ie *activelearning.InputError
			if !errors.As(err, &ie) || ie.Field != tc.field {
				t.Errorf("%s: %v, want InputError on %s", tc.name, err, tc.field)
			}
		}
		// Skip rules: a labeled item cannot be skipped, a reason is required.
		if _, err := e.svc.SkipItem(e.ctx, e.sci, labeled.ID, "changed my mind"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("skip labeled: %v", err)
		}
		var ie *activelearning.InputError
		if _, err := e.svc.SkipItem(e.ctx, e.sci, items[3].ID, " "); !errors.As(err, &ie) {
			t.Errorf("skip without reason: %v", err)
		}
		if after := e.snapshot(t); after != before {
			t.Errorf("rejected submissions changed state:\n%s\n%s", before, after)
		}
		// The label became a measurement with its source and confidence.
		ms, _ := e.st.MeasurementsByCompound(e.ctx, labeled.CompoundID, "logS")
		if len(ms) != 1 || ms[0].Value != -3.5 || ms[0].Origin != store.OriginLabel || ms[0].Confidence != store.ConfidenceMedium || *ms[0].QueueItemID != labeled.ID {
			t.Errorf("measurements of the labeled compound: %+v", ms)
		}
	})
}

func TestClassificationLabelsAreZeroOrOne(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		// A binary endpoint: soluble when logS > -3 (ESOL values).
		m, _ := e.solubleModel(t, activelearning.SplitInput{Seed: 1})
		// Its validation metrics carry the specification's names (auc,
		// ece), with roc_auc kept as auc's alias.
		v, err := e.svc.Model(e.ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := metricsOf(t, v.Metrics)
		for _, name := range []string{"auc", "ece", "roc_auc", "accuracy", "log_loss"} {
			if _, ok := got[name]; !ok {
				t.Errorf("classification metrics %v lack %s", got, name)
			}
		}
		if got["auc"] != got["roc_auc"] || got["ece"] < 0 || got["ece"] > 1 {
			t.Errorf("auc %v, roc_auc %v, ece %v", got["auc"], got["roc_auc"], got["ece"])
		}
		e.selectBatch(t, "margin", 3)
		it := e.items(t, "")[0]
		before := e.snapshot(t)
		var ie *activelearning.InputError
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: 0.5}); !errors.As(err, &ie) || ie.Field != "value" {
			t.Errorf("0.5 for classification: %v", err)
		}
		if after := e.snapshot(t); after != before {
			t.Errorf("rejected label changed state")
		}
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: 1}); err != nil {
			t.Errorf("label 1: %v", err)
		}
	})
}

func TestLeaseExpiresAndCanBeRenewed(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		e.selectBatch(t, "uncertainty", 2)
		a, err := e.svc.ClaimNextItem(e.ctx, e.sci, e.model.ID)
		if err != nil || a == nil {
			t.Fatal(err)
		}
		e.clock.Advance(10 * time.Minute)
		renewed, err := e.svc.RenewLease(e.ctx, e.sci, a.ID)
		if err != nil || !renewed.LeaseExpiresAt.After(*a.LeaseExpiresAt) {
			t.Fatalf("renew: %v", err)
		}
		if _, err := e.svc.RenewLease(e.ctx, e.sci2, a.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("renew by another: %v", err)
		}
		// sci2 gets the other item, then nothing while sci's lease runs.
		b, _ := e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID)
		if b == nil || b.ID == a.ID {
			t.Fatalf("second claim: %+v", b)
		}
		if c, err := e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID); c != nil || err != nil {
			t.Fatalf("claim with every item held: %+v %v", c, err)
		}
		// After the lease lapses the item can be reclaimed; the first holder loses it.
		e.clock.Advance(16 * time.Minute)
		c, err := e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID)
		if err != nil || c == nil || c.ID != a.ID {
			t.Fatalf("reclaim: %+v %v", c, err)
		}
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: a.ID, Value: -1}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("label by the lapsed holder: %v", err)
		}
		if n := len(e.events(t, activelearning.EventItemReleased)); n != 1 {
			t.Errorf("%d item_released events, want 1", n)
		}
	})
}

func TestAssignItems(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		e.selectBatch(t, "uncertainty", 4)
		items := e.items(t, "")
		before := e.snapshot(t)
		if _, err := e.svc.AssignItems(e.ctx, e.sci, []store.ID{items[0].ID}, e.sci2.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("scientist assigning to another: %v", err)
		}
		if _, err := e.svc.AssignItems(e.ctx, e.view, []store.ID{items[0].ID}, e.view.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("viewer: %v", err)
		}
		if _, err := e.svc.AssignItems(e.ctx, e.admin, []store.ID{items[0].ID, ident.New()}, e.sci2.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown item: %v", err)
		}
		if e.snapshot(t) != before {
			t.Fatal("rejected assignment changed state")
		}
		got, err := e.svc.AssignItems(e.ctx, e.admin, []store.ID{items[0].ID, items[1].ID}, e.sci2.ID)
		if err != nil || len(got) != 2 || *got[0].AssignedTo != e.sci2.ID || got[0].Status != store.QueuePending {
			t.Fatalf("admin assigns: %v", err)
		}
		if _, err := e.svc.AssignItems(e.ctx, e.sci, []store.ID{items[2].ID}, e.sci.ID); err != nil {
			t.Fatalf("self-assign: %v", err)
		}
		// sci's claim skips sci2's items and gets its own, then the free one.
		c, _ := e.svc.ClaimNextItem(e.ctx, e.sci, e.model.ID)
		if c == nil || c.ID != items[2].ID {
			t.Fatalf("sci claimed %+v, want its assigned item %d", c, items[2].ID)
		}
		pend, err := e.svc.PendingItems(e.ctx, e.sci2.ID, 10)
		if err != nil || len(pend) != 2 {
			t.Fatalf("pending for sci2: %d %v", len(pend), err)
		}
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: items[0].ID, Value: -1}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("labeling someone else's item: %v", err)
		}
		sk, err := e.svc.SkipItems(e.ctx, e.sci2, []store.ID{items[0].ID, items[1].ID}, "duplicate structure")
		if err != nil || len(sk) != 2 || sk[1].Status != store.QueueSkipped {
			t.Fatalf("bulk skip: %v", err)
		}
		if n := len(e.events(t, activelearning.EventItemAssigned)); n != 3 {
			t.Errorf("%d item_assigned events, want 3", n)
		}
	})
}

func TestLabelQueuePagesAreStable(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		e.selectBatch(t, "uncertainty", 25)
		for _, order := range []activelearning.QueueOrder{activelearning.OrderPriorityDesc, activelearning.OrderCreatedAtAsc, activelearning.OrderCreatedAtDesc, activelearning.OrderLabeledAtDesc} {
			seen := map[store.ID]bool{}
			after := ""
			pages := 0
			for {
				p, err := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{ModelID: e.model.ID}, order, 10, after, true)
				if err != nil {
					t.Fatal(err)
				}
				if order == activelearning.OrderLabeledAtDesc && pages == 0 && p.Items[0].Status != store.QueueLabeled {
					t.Errorf("%s: first item is %s, want the labeled one", order, p.Items[0].Status)
				}
				if p.Total != 25 {
					t.Errorf("total %d", p.Total)
				}
				for _, it := range p.Items {
					if seen[it.ID] {
						t.Errorf("%s: item %d on two pages", order, it.ID)
					}
					seen[it.ID] = true
				}
				// Every item's cursor resumes right after it.
				if len(p.Cursors) != len(p.Items) || (len(p.Items) > 0 && p.Cursors[len(p.Items)-1] != p.EndCursor) {
					t.Fatalf("%s: %d cursors for %d items", order, len(p.Cursors), len(p.Items))
				}
				for i := 0; i+1 < len(p.Items) && pages == 0; i++ {
					rest, err := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{ModelID: e.model.ID}, order, 1, p.Cursors[i], true)
					if err != nil || len(rest.Items) != 1 || rest.Items[0].ID != p.Items[i+1].ID {
						t.Fatalf("%s: after item %d's cursor: %v (%v), want item %d", order, i, rest, err, p.Items[i+1].ID)
					}
				}
				pages++
				if pages == 1 && order == activelearning.OrderPriorityDesc {
					// The queue changes between pages: an item of the next page is labeled.
					next, _ := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{ModelID: e.model.ID}, order, 1, p.EndCursor, true)
					if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: next.Items[0].ID, Value: -2}); err != nil {
						t.Fatal(err)
					}
				}
				if !p.HasNext {
					break
				}
				after = p.EndCursor
			}
			if len(seen) != 25 || pages != 3 {
				t.Errorf("%s: %d items on %d pages", order, len(seen), pages)
			}
		}
		p, err := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{ModelID: e.model.ID, Status: []store.QueueStatus{store.QueueLabeled}}, "", 0, "", true)
		if err != nil || p.Total != 1 || len(p.Items) != 1 {
			t.Errorf("labeled filter: %v", err)
		}
		var ie *activelearning.InputError
		if _, err := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{}, "", 10, "bogus", true); !errors.As(err, &ie) {
			t.Errorf("bad cursor: %v", err)
		}
		big, _ := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{}, "", 1000, "", false)
		if len(big.Items) != 25 || big.Total != -1 {
			t.Errorf("first=1000 without the total returned %d items, total %d (want 25, -1)", len(big.Items), big.Total)
		}
		// A model id that is no lineage is NOT_FOUND, with or without a
		// cursor; a lineage with an empty queue has an empty page.
		for _, after := range []string{"", p.EndCursor} {
			if _, err := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{ModelID: ident.New()}, "", 10, after, false); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown model (after %q): %v, want ErrNotFound", after, err)
			}
		}
		empty := storetest.Model(e.ctx, t, e.st, nil)
		if p, err := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{ModelID: empty.ID}, "", 10, "", true); err != nil || len(p.Items) != 0 || p.Total != 0 {
			t.Errorf("a lineage with no items: %+v, %v; want an empty page", p, err)
		}
	})
}
