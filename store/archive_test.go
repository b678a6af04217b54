package store_test

import (
	"testing"
	"time"

	"activelab/store"
	"activelab/store/storetest"
)

// TestArchiveItems checks archiving (issue 11, part 4): only labeled items
// labeled up to the retrain's read are candidates; MarkTrainedItems of an
// active version archives them, of a candidate only records the version
// until ArchiveItemsTrainedBy (its activation); the queue filter splits
// archived from not archived; a retracted (reopened) item is no longer
// archived; each archiving increases the item's version.
func TestArchiveItems(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 6)
		u := storetest.User(ctx, t, st, nil)
		t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
		// Items 0-3 labeled at t0, t0+1m, t0+2m, t0+3m; 4 skipped; 5 pending.
		for i, it := range f.items[:4] {
			l := store.ItemLabel{Value: float64(-i), Source: store.SourceExperimental, Confidence: store.ConfidenceHigh, By: u.ID}
			if err := st.LabelItem(ctx, it.ID, it.Version, l, t0.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.SkipQueueItem(ctx, f.items[4].ID, f.items[4].Version, u.ID, "salt", t0); err != nil {
			t.Fatal(err)
		}
		got, err := st.UnarchivedLabeledItems(ctx, f.versions(), t0.Add(90*time.Second))
		if err != nil || len(got) != 2 || got[0].ID != f.items[0].ID || got[1].ID != f.items[1].ID {
			t.Fatalf("UnarchivedLabeledItems(up to t0+90s) = %v, %v; want items 0 and 1", ids(got), err)
		}

		// A candidate v3 trained on items 0 and 1 (and the skipped and
		// pending ones, which are left alone): recorded, not archived.
		v3 := storetest.Model(ctx, t, st, &store.MLModel{Name: f.v1.Name, Version: 3, ParentID: &f.v2.ID, Status: store.ModelCandidate})
		at := t0.Add(time.Hour)
		trained := []store.ID{f.items[0].ID, f.items[1].ID, f.items[4].ID, f.items[5].ID}
		if n, err := st.MarkTrainedItems(ctx, trained, v3.ID, false, at); err != nil || n != 2 {
			t.Fatalf("MarkTrainedItems(candidate) = %d, %v; want 2", n, err)
		}
		before, _ := st.QueueItem(ctx, f.items[0].ID)
		if before.ArchivedAt != nil || before.ArchivedVersionID == nil || *before.ArchivedVersionID != v3.ID {
			t.Fatalf("item trained by a candidate: archived %v with %v; want not archived, version %d", before.ArchivedAt, before.ArchivedVersionID, v3.ID)
		}
		no, yes := false, true
		count := func(archived *bool) int {
			t.Helper()
			n, err := st.CountQueue(ctx, store.QueueFilter{ModelIDs: f.versions(), Archived: archived})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if a, b, all := count(&yes), count(&no), count(nil); a != 0 || b != 6 || all != 6 {
			t.Errorf("before activation: archived %d, not %d, all %d; want 0, 6, 6", a, b, all)
		}
		// v3 activated: its two items are archived.
		if n, err := st.ArchiveItemsTrainedBy(ctx, v3.ID, at); err != nil || n != 2 {
			t.Fatalf("ArchiveItemsTrainedBy = %d, %v; want 2", n, err)
		}
		after, _ := st.QueueItem(ctx, f.items[0].ID)
		if after.ArchivedAt == nil || !after.ArchivedAt.Equal(at) || after.Version != before.Version+1 {
			t.Errorf("archived item: at %v, version %d; want %v, %d", after.ArchivedAt, after.Version, at, before.Version+1)
		}
		if n, _ := st.ArchiveItemsTrainedBy(ctx, v3.ID, at.Add(time.Minute)); n != 0 {
			t.Errorf("ArchiveItemsTrainedBy again archived %d, want 0", n)
		}
		// An active v4 trained on item 2: archived at once; items 0 and 1
		// keep v3.
		v4 := storetest.Model(ctx, t, st, &store.MLModel{Name: f.v1.Name, Version: 4, ParentID: &v3.ID, Status: store.ModelSuperseded})
		if n, err := st.MarkTrainedItems(ctx, []store.ID{f.items[0].ID, f.items[2].ID}, v4.ID, true, at.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("MarkTrainedItems(active) = %d, %v; want 1 (item 0 is archived already)", n, err)
		}
		if it, _ := st.QueueItem(ctx, f.items[0].ID); *it.ArchivedVersionID != v3.ID {
			t.Errorf("item 0 re-archived with %d, want %d", *it.ArchivedVersionID, v3.ID)
		}
		page, err := st.ListQueue(ctx, store.QueueFilter{ModelIDs: f.versions(), Archived: &yes}, store.QueueByCreatedAsc, nil, 10)
		if err != nil || len(page.Items) != 3 {
			t.Fatalf("archived page = %v, %v; want items 0, 1, 2", ids(page.Items), err)
		}
		if a, b := count(&yes), count(&no); a != 3 || b != 3 {
			t.Errorf("archived %d, not %d; want 3 and 3", a, b)
		}
		// Retracting item 2 reopens it, no longer archived.
		it2, _ := st.QueueItem(ctx, f.items[2].ID)
		if err := st.ReopenItem(ctx, it2.ID, it2.Version, at.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if it, _ := st.QueueItem(ctx, it2.ID); it.ArchivedAt != nil || it.ArchivedVersionID != nil || it.Status != store.QueuePending {
			t.Errorf("reopened item: %s, archived %v with %v; want pending, not archived", it.Status, it.ArchivedAt, it.ArchivedVersionID)
		}
		if a := count(&yes); a != 2 {
			t.Errorf("archived after the retraction: %d, want 2", a)
		}
	})
}

func ids(items []*store.LabelQueueItem) []store.ID {
	out := make([]store.ID, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}
