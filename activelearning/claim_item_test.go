package activelearning_test

import (
	"errors"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// TestClaimAndReleaseItem: a labeler claims the row they opened, not the
// queue's next; someone else's item is a conflict until its lease lapses;
// Next hands it back unlabeled.
func TestClaimAndReleaseItem(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c := e.selectBatch(t, "uncertainty", 4)
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		last := items[len(items)-1] // not the highest priority
		got, err := e.svc.ClaimItem(e.ctx, e.sci, last.ID)
		if err != nil || got.Status != store.QueueInProgress || *got.AssignedTo != e.sci.ID || got.LeaseExpiresAt == nil {
			t.Fatalf("ClaimItem = %+v, %v", got, err)
		}
		if _, err := e.svc.ClaimItem(e.ctx, e.sci, last.ID); err != nil {
			t.Errorf("claiming my own item again = %v", err)
		}
		if _, err := e.svc.ClaimItem(e.ctx, e.sci2, last.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("claiming another's item = %v, want conflict", err)
		}
		if _, err := e.svc.ReleaseItem(e.ctx, e.sci2, last.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("releasing another's item = %v, want conflict", err)
		}
		// The lease lapses: someone else may take it.
		e.clock.Advance(16 * time.Minute)
		if got, err := e.svc.ClaimItem(e.ctx, e.sci2, last.ID); err != nil || *got.AssignedTo != e.sci2.ID {
			t.Fatalf("claiming a lapsed item = %+v, %v", got, err)
		}
		got, err = e.svc.ReleaseItem(e.ctx, e.sci2, last.ID)
		if err != nil || got.Status != store.QueuePending || got.AssignedTo != nil || got.LeaseExpiresAt != nil {
			t.Fatalf("ReleaseItem = %+v, %v", got, err)
		}
		if _, err := e.svc.ReleaseItem(e.ctx, e.sci2, last.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("releasing a pending item = %v, want conflict", err)
		}
		// Labeled items cannot be claimed.
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: items[0].ID, Value: *items[0].Prediction}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ClaimItem(e.ctx, e.sci, items[0].ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("claiming a labeled item = %v, want conflict", err)
		}
		n := len(e.events(t, activelearning.EventItemReleased))
		if n != 2 {
			t.Errorf("%d item_released events, want 2 (the lapsed lease and the release)", n)
		}
	})
}
