package activelearning_test

import (
	"errors"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/store"
	"activelab/store/storetest"
)

// TestAmendAndRetract: a labeler corrects and takes back labels within the
// correction window, an admin after it, nobody else; the measurement that
// trains later versions follows; the history keeps every value, who, when
// and why.
func TestAmendAndRetract(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c := e.selectBatch(t, "uncertainty", 4)
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		a, b := items[0], items[1]
		for _, it := range []*store.LabelQueueItem{a, b} {
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -2,
				Source: store.SourceLiterature, Confidence: store.ConfidenceMedium, Notes: "first"}); err != nil {
				t.Fatal(err)
			}
		}
		measured := func(it *store.LabelQueueItem) []*store.Measurement {
			t.Helper()
			ms, err := e.st.MeasurementsByEndpoint(e.ctx, "logS", store.MeasurementQuery{})
			if err != nil {
				t.Fatal(err)
			}
			var out []*store.Measurement
			for _, m := range ms {
				if m.QueueItemID != nil && *m.QueueItemID == it.ID {
					out = append(out, m)
				}
			}
			return out
		}
		amend := func(u *store.User, it *store.LabelQueueItem, v float64, reason string) (*store.LabelQueueItem, error) {
			return e.svc.AmendLabel(e.ctx, u, activelearning.AmendLabelInput{ItemID: it.ID, Value: v, Reason: reason})
		}
		// Refused: no reason; another scientist; an unlabeled item.
		var ie *activelearning.InputError
		if _, err := amend(e.sci, a, -2.5, " "); !errors.As(err, &ie) || ie.Field != "reason" {
			t.Errorf("amend without a reason = %v", err)
		}
		if _, err := amend(e.sci2, a, -2.5, "typo"); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("amend by another scientist = %v, want forbidden", err)
		}
		if _, err := amend(e.sci, items[2], -2.5, "typo"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("amend of a pending item = %v, want conflict", err)
		}
		// The labeler corrects a sign; source, confidence and notes stay.
		got, err := amend(e.sci, a, 2, "sign typo")
		if err != nil || *got.Label != 2 || *got.LabelSource != store.SourceLiterature || got.Notes != "first" || *got.LabeledBy != e.sci.ID {
			t.Fatalf("amended item = %+v, %v", got, err)
		}
		if ms := measured(a); len(ms) != 1 || ms[0].Value != 2 || ms[0].Confidence != store.ConfidenceMedium {
			t.Errorf("measurement after amend = %+v, want one of value 2", ms)
		}
		// After the window only an admin may.
		e.clock.Advance(25 * time.Hour)
		if _, err := amend(e.sci, a, 3, "again"); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("amend after the window = %v, want forbidden", err)
		}
		if _, err := amend(e.admin, a, 2.25, "checked the lab book"); err != nil {
			t.Fatalf("admin amend after the window: %v", err)
		}
		// Retract: pending again, no measurement, one label fewer.
		before, _ := e.st.Cycle(e.ctx, c.ID)
		got, err = e.svc.RetractLabel(e.ctx, e.admin, b.ID, "wrong compound")
		if err != nil || got.Status != store.QueuePending || got.Label != nil || got.LabeledBy != nil || got.AssignedTo != nil {
			t.Fatalf("retracted item = %+v, %v", got, err)
		}
		if ms := measured(b); len(ms) != 0 {
			t.Errorf("measurements of a retracted label: %+v", ms)
		}
		if after, _ := e.st.Cycle(e.ctx, c.ID); after.ItemsLabeled != before.ItemsLabeled-1 {
			t.Errorf("cycle labels %d after a retraction, %d before", after.ItemsLabeled, before.ItemsLabeled)
		}
		if _, err := e.svc.RetractLabel(e.ctx, e.admin, b.ID, "again"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("retracting a pending item = %v, want conflict", err)
		}
		// Labeled anew by someone else.
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci2, activelearning.SubmitLabelInput{ItemID: b.ID, Value: -4}); err != nil {
			t.Fatalf("relabel after retraction: %v", err)
		}
		if ms := measured(b); len(ms) != 1 || ms[0].Value != -4 {
			t.Errorf("measurement after relabel = %+v", ms)
		}
		// The histories, oldest first.
		hs, err := e.svc.LabelHistory(e.ctx, []store.ID{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		type step struct {
			action      store.LabelAction
			value, prev *float64
			user        store.ID
			reason      string
		}
		f := func(v float64) *float64 { return &v }
		want := map[store.ID][]step{
			a.ID: {{store.LabelLabeled, f(-2), nil, e.sci.ID, ""}, {store.LabelAmended, f(2), f(-2), e.sci.ID, "sign typo"},
				{store.LabelAmended, f(2.25), f(2), e.admin.ID, "checked the lab book"}},
			b.ID: {{store.LabelLabeled, f(-2), nil, e.sci.ID, ""}, {store.LabelRetracted, nil, f(-2), e.admin.ID, "wrong compound"},
				{store.LabelLabeled, f(-4), nil, e.sci2.ID, ""}},
		}
		eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
		for id, steps := range want {
			got := hs[id]
			if len(got) != len(steps) {
				t.Fatalf("item %d history has %d entries, want %d: %+v", id, len(got), len(steps), got)
			}
			for i, w := range steps {
				g := got[i]
				if g.Action != w.action || !eq(g.Value, w.value) || !eq(g.PreviousValue, w.prev) || *g.UserID != w.user || g.Reason != w.reason {
					t.Errorf("item %d entry %d = %+v (value %v, previous %v), want %+v", id, i, g, g.Value, g.PreviousValue, w)
				}
			}
		}
		// The next retrain trains on the corrected values: the version's
		// training set holds a's amended value and b's new one.
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 1); err != nil {
			t.Fatal(err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		cyc, _ := e.st.Cycle(e.ctx, c.ID)
		if cyc.Status != store.CycleComplete {
			t.Fatalf("cycle after retrain: %+v", cyc)
		}
		rows, err := activelearning.TrainingRows(e.svc, e.ctx, e.model.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rows[a.CompoundID] != 2.25 || rows[b.CompoundID] != -4 {
			t.Errorf("training rows of the amended and relabeled compounds = %v and %v, want 2.25 and -4", rows[a.CompoundID], rows[b.CompoundID])
		}
	})
}
