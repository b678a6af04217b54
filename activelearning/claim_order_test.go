package activelearning_test

import (
	"slices"
	"testing"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestClaimAssignedFirst: a labeler's claims hand out the items assigned to
// them first (even below the queue's top), then unassigned items by
// priority; an item assigned to another labeler is never handed out.
func TestClaimAssignedFirst(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		e.selectBatch(t, "uncertainty", 5)
		items := e.items(t, "")
		byPriority := slices.Clone(items)
		slices.SortStableFunc(byPriority, func(a, b *store.LabelQueueItem) int {
			if a.PriorityScore != b.PriorityScore {
				if a.PriorityScore > b.PriorityScore {
					return -1
				}
				return 1
			}
			return ident.Compare(a.ID, b.ID)
		})
		lowest, top := byPriority[len(byPriority)-1], byPriority[0]
		if _, err := e.svc.AssignItems(e.ctx, e.sci, []store.ID{lowest.ID}, e.sci.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AssignItems(e.ctx, e.admin, []store.ID{top.ID}, e.sci2.ID); err != nil {
			t.Fatal(err)
		}
		var got []store.ID
		for {
			it, err := e.svc.ClaimNextItem(e.ctx, e.sci, e.model.ID)
			if err != nil {
				t.Fatal(err)
			}
			if it == nil {
				break
			}
			got = append(got, it.ID)
		}
		want := []store.ID{lowest.ID}
		for _, it := range byPriority[1 : len(byPriority)-1] {
			want = append(want, it.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("sci's claims = %v, want %v (own item first, then by priority, never sci2's %d)", got, want, top.ID)
		}
		it, err := e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID)
		if err != nil || it == nil || it.ID != top.ID {
			t.Errorf("sci2's claim = %+v, %v; want the item assigned to sci2 (%d)", it, err, top.ID)
		}
	})
}
