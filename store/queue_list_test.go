package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"activelab/store"
	"activelab/store/storetest"
)

// pageAll pages through ListQueue with page size size, calling between(page
// number) after each page, and returns the IDs in the order seen.
func pageAll(t *testing.T, st *store.Store, f store.QueueFilter, order store.QueueOrder, size int, between func(int)) []store.ID {
	t.Helper()
	var ids []store.ID
	var after *store.QueueCursor
	for n := 0; ; n++ {
		p, err := st.ListQueue(t.Context(), f, order, after, size)
		if err != nil {
			t.Fatalf("ListQueue page %d: %v", n, err)
		}
		for _, it := range p.Items {
			ids = append(ids, it.ID)
		}
		if !p.HasNext {
			return ids
		}
		c := store.QueueCursorOf(p.Items[len(p.Items)-1])
		after = &c
		if between != nil {
			between(n)
		}
	}
}

// TestListQueueOrders checks the three orders, filters and totals: pages
// of 3 concatenate to the full order, with ties broken by ID.
func TestListQueueOrders(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 10) // priorities 0,0,1,1,...,4,4
		// created_at: items 0-4 share one instant, 5-9 another later one.
		t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		for i, it := range f.items {
			_, err := st.DB().NewUpdate().Model(it).Set("created_at = ?", t0.Add(time.Duration(i/5)*time.Second)).
				Where("id = ?", it.ID).Exec(ctx)
			if err != nil {
				t.Fatal(err)
			}
		}
		ids := make([]store.ID, len(f.items))
		for i, it := range f.items {
			ids[i] = it.ID
		}
		byPriority := []store.ID{ids[8], ids[9], ids[6], ids[7], ids[4], ids[5], ids[2], ids[3], ids[0], ids[1]}
		createdDesc := slices.Clone(ids)
		slices.Reverse(createdDesc)
		all := store.QueueFilter{ModelIDs: f.versions()}
		if got := pageAll(t, st, all, store.QueueByPriority, 3, nil); !slices.Equal(got, byPriority) {
			t.Errorf("by priority = %v, want %v", got, byPriority)
		}
		if got := pageAll(t, st, all, store.QueueByCreatedAsc, 3, nil); !slices.Equal(got, ids) {
			t.Errorf("created asc = %v, want %v", got, ids)
		}
		if got := pageAll(t, st, all, store.QueueByCreatedDesc, 3, nil); !slices.Equal(got, createdDesc) {
			t.Errorf("created desc = %v, want %v", got, createdDesc)
		}
		// The lineage's items by their lineage_id: the same as by its
		// versions' ids; another lineage has none of them.
		lineage := store.QueueFilter{LineageID: &f.v1.ID}
		if got := pageAll(t, st, lineage, store.QueueByPriority, 3, nil); !slices.Equal(got, byPriority) {
			t.Errorf("lineage by priority = %v, want %v", got, byPriority)
		}
		if n, err := st.CountQueue(ctx, lineage); err != nil || n != 10 {
			t.Errorf("lineage count = %d, %v; want 10", n, err)
		}
		// With compounds: the same pages, each item's compound (one
		// query) without its computed columns.
		var withC []store.ID
		var after *store.QueueCursor
		for {
			p, cs, err := st.ListQueueWithCompounds(ctx, lineage, store.QueueByPriority, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range p.Items {
				withC = append(withC, it.ID)
				c := cs[it.CompoundID]
				if c == nil || c.CanonicalSMILES == "" || c.Descriptors != nil || c.Fingerprint != nil || c.Features != nil {
					t.Errorf("item %v: compound %+v, want its summary", it.ID, c)
				}
			}
			if len(cs) != len(p.Items) {
				t.Errorf("%d compounds for %d items", len(cs), len(p.Items))
			}
			if !p.HasNext {
				break
			}
			c := store.QueueCursorOf(p.Items[len(p.Items)-1])
			after = &c
		}
		if !slices.Equal(withC, byPriority) {
			t.Errorf("with compounds by priority = %v, want %v", withC, byPriority)
		}
		if _, _, err := st.ListQueueWithCompounds(ctx, lineage, store.QueueOrder(9), nil, 1); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("with compounds, unknown order = %v, want ErrInvalid", err)
		}
		other := storetest.Model(ctx, t, st, nil)
		if got := pageAll(t, st, store.QueueFilter{LineageID: &other.ID}, store.QueueByPriority, 3, nil); len(got) != 0 {
			t.Errorf("another lineage's page = %v, want none", got)
		}
		if got := pageAll(t, st, store.QueueFilter{LineageID: &f.v2.ID}, store.QueueByPriority, 3, nil); len(got) != 0 {
			t.Errorf("by version 2's id as a lineage = %v, want none (version 1's id is the lineage's)", got)
		}
		p, err := st.ListQueue(ctx, all, store.QueueByPriority, nil, 4)
		if err != nil || len(p.Items) != 4 || !p.HasNext {
			t.Errorf("first page = %d items, next %v, %v", len(p.Items), p.HasNext, err)
		}
		if n, err := st.CountQueue(ctx, all); err != nil || n != 10 {
			t.Errorf("count = %d, %v; want 10", n, err)
		}
		// Filters: one version; a status; an assignee.
		u := storetest.User(ctx, t, st, nil)
		it := f.items[4]
		it.Status, it.AssignedTo = store.QueueSkipped, &u.ID
		if err := st.UpdateQueueItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		if n, err := st.CountQueue(ctx, store.QueueFilter{ModelIDs: []store.ID{f.v2.ID}}); err != nil || n != 5 {
			t.Errorf("count of version 2 = %d, %v; want 5", n, err)
		}
		p, err = st.ListQueue(ctx, store.QueueFilter{ModelIDs: f.versions(), Statuses: []store.QueueStatus{store.QueueSkipped}, AssignedTo: &u.ID},
			store.QueueByCreatedAsc, nil, 10)
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != it.ID || p.HasNext {
			t.Errorf("skipped by user = %+v, %v", p, err)
		}
		if _, err := st.ListQueue(ctx, store.QueueFilter{Statuses: []store.QueueStatus{"nope"}}, store.QueueByPriority, nil, 1); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown status filter = %v, want ErrInvalid", err)
		}
		if _, err := st.ListQueue(ctx, all, store.QueueByPriority, nil, 0); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("limit 0 = %v, want ErrInvalid", err)
		}
		if _, err := st.ListQueue(ctx, all, store.QueueOrder(9), nil, 1); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown order = %v, want ErrInvalid", err)
		}
	})
}

// TestListQueueByLabeledAt checks QueueByLabeledDesc (a labeler's
// history): most recently labeled first, ties by ID descending, items
// never labeled last; pages of 1 to 4 concatenate to the same order on
// both databases (whose NULL orderings differ).
func TestListQueueByLabeledAt(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 10)
		ids := make([]store.ID, len(f.items))
		for i, it := range f.items {
			ids[i] = it.ID
		}
		t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		for i, at := range map[int]time.Time{2: t0.Add(time.Second), 5: t0.Add(3 * time.Second), 7: t0.Add(3 * time.Second), 9: t0.Add(2 * time.Second)} {
			if _, err := st.DB().NewUpdate().Model((*store.LabelQueueItem)(nil)).Set("labeled_at = ?", at).Where("id = ?", ids[i]).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		want := []store.ID{ids[7], ids[5], ids[9], ids[2], ids[8], ids[6], ids[4], ids[3], ids[1], ids[0]}
		for size := 1; size <= 4; size++ {
			if got := pageAll(t, st, store.QueueFilter{ModelIDs: f.versions()}, store.QueueByLabeledDesc, size, nil); !slices.Equal(got, want) {
				t.Errorf("labeled desc, pages of %d = %v, want %v", size, got, want)
			}
		}
	})
}

// TestListQueuePagingStable changes items' status between pages (claims,
// labels) and adds items: paging the unfiltered queue still returns each
// original item exactly once, in order; paging a status filter never
// repeats an item.
func TestListQueuePagingStable(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := newQueueFixture(ctx, t, st, 30)
		u := storetest.User(ctx, t, st, nil)
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		for _, order := range []store.QueueOrder{store.QueueByPriority, store.QueueByCreatedAsc, store.QueueByCreatedDesc, store.QueueByLabeledDesc} {
			want := pageAll(t, st, store.QueueFilter{ModelIDs: f.versions()}, order, 30, nil)
			got := pageAll(t, st, store.QueueFilter{ModelIDs: f.versions()}, order, 4, func(int) {
				// Between pages two items are claimed and one claim is labelled.
				for range 2 {
					c, err := st.ClaimNextItem(ctx, f.versions(), u.ID, now, now.Add(time.Hour))
					if err != nil {
						t.Fatal(err)
					}
					if c != nil {
						c.Item.Status, c.Item.Label, c.Item.LabeledBy = store.QueueLabeled, ptr(1.0), &u.ID
						if err := st.UpdateQueueItem(ctx, c.Item); err != nil {
							t.Fatal(err)
						}
					}
				}
			})
			if !slices.Equal(got, want) {
				t.Errorf("order %d: paged while changing = %v, want %v", order, got, want)
			}
			// Reset for the next order.
			if _, err := st.DB().NewUpdate().Model((*store.LabelQueueItem)(nil)).Set("status = 'pending'").Set("assigned_to = NULL").
				Set("label = NULL").Set("labeled_by = NULL").Where("model_id IN (?)", bunList(f.versions())).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		// A status filter while items leave it: no item twice.
		seen := map[store.ID]bool{}
		for _, id := range pageAll(t, st, store.QueueFilter{ModelIDs: f.versions(), Statuses: []store.QueueStatus{store.QueuePending}}, store.QueueByPriority, 5, func(int) {
			if _, err := st.ClaimNextItem(ctx, f.versions(), u.ID, now, now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}) {
			if seen[id] {
				t.Errorf("item %d listed twice", id)
			}
			seen[id] = true
		}
	})
}

func bunList(ids []store.ID) any { return bun.List(ids) }
