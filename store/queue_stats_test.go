package store_test

import (
	"slices"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestQueueCountsAndLabelers checks CountQueueByStatus (every status
// present) and LabelsPerLabeler (labels by labeled_by, skips by assignee).
func TestQueueCountsAndLabelers(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 6)
		other := newQueueFixture(ctx, t, st, 2) // another lineage: not counted
		alice := storetest.User(ctx, t, st, nil)
		bob := storetest.User(ctx, t, st, nil)
		set := func(i int, status store.QueueStatus, by *store.User) {
			it := f.items[i]
			it.Status, it.AssignedTo = status, &by.ID
			if status == store.QueueLabeled {
				it.LabeledBy, it.Label = &by.ID, ptr(0.5)
			}
			if err := st.UpdateQueueItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		set(0, store.QueueLabeled, alice)
		set(1, store.QueueLabeled, alice)
		set(2, store.QueueLabeled, bob)
		set(3, store.QueueSkipped, bob)
		set(4, store.QueueInProgress, bob)
		counts, err := st.CountQueueByStatus(ctx, store.QueueFilter{ModelIDs: f.versions()})
		want := map[store.QueueStatus]int{store.QueuePending: 1, store.QueueInProgress: 1, store.QueueLabeled: 3, store.QueueSkipped: 1}
		if err != nil || len(counts) != 4 || counts[store.QueuePending] != 1 || counts[store.QueueInProgress] != 1 || counts[store.QueueLabeled] != 3 || counts[store.QueueSkipped] != 1 {
			t.Errorf("CountQueueByStatus = %v, %v; want %v", counts, err, want)
		}
		counts, err = st.CountQueueByStatus(ctx, store.QueueFilter{})
		if err != nil || counts[store.QueuePending] != 1+len(other.items) {
			t.Errorf("CountQueueByStatus(all) = %v, %v", counts, err)
		}
		ls, err := st.LabelsPerLabeler(ctx, f.versions())
		wantLs := []store.LabelerCount{{UserID: alice.ID, Labeled: 2}, {UserID: bob.ID, Labeled: 1, Skipped: 1}}
		if err != nil || !slices.Equal(ls, wantLs) {
			t.Errorf("LabelsPerLabeler = %+v, %v; want %+v", ls, err, wantLs)
		}
		if ls, err := st.LabelsPerLabeler(ctx, other.versions()); err != nil || len(ls) != 0 {
			t.Errorf("LabelsPerLabeler(no labels) = %+v, %v; want empty", ls, err)
		}
	})
}

// TestQueueItemsByIDsAndMove checks the dataloader read (order kept, nil for
// unknown) and a retrain's move: open items of the old version move to the
// new one with new scores, finished items stay.
func TestQueueItemsByIDsAndMove(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 4)
		u := storetest.User(ctx, t, st, nil)
		got, err := st.QueueItemsByIDs(ctx, []store.ID{f.items[2].ID, ident.New(), f.items[0].ID})
		if err != nil || len(got) != 3 || got[0].ID != f.items[2].ID || got[1] != nil || got[2].ID != f.items[0].ID {
			t.Errorf("QueueItemsByIDs = %v, %v", got, err)
		}
		// Version 1 has items 0 and 2: label item 0, leave 2 pending.
		done := f.items[0]
		done.Status, done.Label, done.LabeledBy = store.QueueLabeled, ptr(2.0), &u.ID
		if err := st.UpdateQueueItem(ctx, done); err != nil {
			t.Fatal(err)
		}
		open, err := st.OpenItems(ctx, []store.ID{f.v1.ID})
		if err != nil || len(open) != 1 || open[0].ID != f.items[2].ID {
			t.Fatalf("OpenItems(v1) = %v, %v; want item %d", open, err, f.items[2].ID)
		}
		v3 := storetest.Model(ctx, t, st, &store.MLModel{Name: f.v1.Name, Version: 3, ParentID: &f.v2.ID})
		moved, err := st.MoveOpenItems(ctx, v3.ID, []store.Rescore{
			{ItemID: f.items[2].ID, Prediction: ptr(-3.0), Uncertainty: ptr(0.25), PriorityScore: 9},
			{ItemID: done.ID, PriorityScore: 8}, // labelled: stays
		}, time.Now())
		if err != nil || moved != 1 {
			t.Fatalf("MoveOpenItems = %d, %v; want 1", moved, err)
		}
		it, err := st.QueueItem(ctx, f.items[2].ID)
		if err != nil || it.ModelID != v3.ID || *it.Prediction != -3 || *it.Uncertainty != 0.25 || it.ApplicabilityDistance != nil ||
			it.PriorityScore != 9 || it.Version != 2 || it.Status != store.QueuePending {
			t.Errorf("moved item = %+v, %v", it, err)
		}
		it, err = st.QueueItem(ctx, done.ID)
		if err != nil || it.ModelID != f.v1.ID || it.PriorityScore != 0 {
			t.Errorf("labelled item after move = %+v, %v; want it on version 1 unchanged", it, err)
		}
	})
}
