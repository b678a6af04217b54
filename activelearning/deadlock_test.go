package activelearning_test

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// TestBulkChangesRaceClaims runs bulk AssignItems and SkipItems (several
// items each, in shuffled order) against labelers claiming and labeling the
// same queue. Every transaction writes its rows first (items in ID order,
// then cycles) and appends its events last, so none may fail with a
// deadlock (PostgreSQL SQLSTATE 40P01): the only acceptable failure is
// ErrConflict (an item changed meanwhile). Afterwards no item is labeled
// twice and the cycle's counts match the items.
func TestBulkChangesRaceClaims(t *testing.T) {
	const (
		batch     = 30
		labelers  = 6
		bulkers   = 4
		rounds    = 12
		maxClaims = 200
	)
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c := e.selectBatch(t, "uncertainty", batch)
		items := e.items(t, "")
		ids := make([]store.ID, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		users := []*store.User{e.sci, e.sci2}
		for range labelers - len(users) {
			users = append(users, storetest.User(e.ctx, t, e.st, &store.User{Role: store.RoleScientist}))
		}

		var (
			mu        sync.Mutex
			unexpect  []error
			conflicts int
			labeledBy = map[store.ID]store.ID{}
		)
		check := func(what string, err error) bool {
			if err == nil {
				return true
			}
			mu.Lock()
			defer mu.Unlock()
			var pg *pgconn.PgError
			switch {
			case errors.As(err, &pg) && pg.Code == "40P01":
				unexpect = append(unexpect, errors.New(what+": DEADLOCK: "+err.Error()))
			case errors.Is(err, store.ErrConflict):
				conflicts++
			default:
				unexpect = append(unexpect, errors.New(what+": "+err.Error()))
			}
			return false
		}

		var wg sync.WaitGroup
		for b := range bulkers {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(b), 42))
				for round := range rounds {
					sub := make([]store.ID, 3+r.IntN(5))
					for i := range sub {
						sub[i] = ids[r.IntN(len(ids))]
					}
					if (b+round)%3 == 0 {
						_, err := e.svc.SkipItems(e.ctx, e.admin, sub, "racing skip")
						check("skip", err)
					} else {
						to := users[r.IntN(len(users))]
						_, err := e.svc.AssignItems(e.ctx, e.admin, sub, to.ID)
						check("assign", err)
					}
				}
			})
		}
		for _, u := range users {
			wg.Go(func() {
				for range maxClaims {
					it, err := e.svc.ClaimNextItem(e.ctx, u, e.model.ID)
					if !check("claim", err) {
						continue
					}
					if it == nil {
						return
					}
					if _, err := e.svc.SubmitLabel(e.ctx, u, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -1.5}); !check("label", err) {
						continue
					}
					mu.Lock()
					if prev, dup := labeledBy[it.ID]; dup {
						unexpect = append(unexpect, errors.New("item labeled twice"))
						_ = prev
					}
					labeledBy[it.ID] = u.ID
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for _, err := range unexpect {
			t.Error(err)
		}
		t.Logf("%d ErrConflict (expected under contention), %d items labeled", conflicts, len(labeledBy))

		status := map[store.QueueStatus]int{}
		for _, it := range e.items(t, "") {
			status[it.Status]++
			if it.Status == store.QueueLabeled && (it.LabeledBy == nil || labeledBy[it.ID] != *it.LabeledBy) {
				t.Errorf("item %d labeled by %v, the labeler recorded %d", it.ID, it.LabeledBy, labeledBy[it.ID])
			}
		}
		if status[store.QueueLabeled] != len(labeledBy) {
			t.Errorf("%d labeled items, %d successful submissions", status[store.QueueLabeled], len(labeledBy))
		}
		n, err := e.st.DB().NewSelect().Model((*store.Measurement)(nil)).Where("origin = ?", store.OriginLabel).Count(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if int(n) != status[store.QueueLabeled] {
			t.Errorf("%d label measurements for %d labeled items", n, status[store.QueueLabeled])
		}
		c, err = e.svc.Cycle(e.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.ItemsLabeled != status[store.QueueLabeled] || c.ItemsSkipped != status[store.QueueSkipped] {
			t.Errorf("cycle counts labeled %d skipped %d; items labeled %d skipped %d",
				c.ItemsLabeled, c.ItemsSkipped, status[store.QueueLabeled], status[store.QueueSkipped])
		}
		if got := len(e.events(t, activelearning.EventItemLabeled)); got != status[store.QueueLabeled] {
			t.Errorf("%d item_labeled events for %d labeled items", got, status[store.QueueLabeled])
		}
		if got := len(e.events(t, activelearning.EventItemSkipped)); got != status[store.QueueSkipped] {
			t.Errorf("%d item_skipped events for %d skipped items", got, status[store.QueueSkipped])
		}
	})
}
