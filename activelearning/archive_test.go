package activelearning_test

import (
	"encoding/json"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// queueIDs lists the lineage's labelQueue (oldest first) under archived.
func (e *env) queueIDs(t *testing.T, archived *bool) map[store.ID]bool {
	t.Helper()
	page, err := e.svc.LabelQueue(e.ctx, activelearning.QueueFilter{ModelID: e.model.ID, Archived: archived},
		activelearning.OrderCreatedAtAsc, 100, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != len(page.Items) {
		t.Fatalf("total %d for a page of %d", page.Total, len(page.Items))
	}
	out := map[store.ID]bool{}
	for _, it := range page.Items {
		out[it.ID] = true
	}
	return out
}

// TestRetrainArchivesLabeledItems (issue 11, part 4): a retrain whose
// version becomes active archives the labeled items it trained on, with
// that version and the time; skipped and pending items are not archived;
// labelQueue's archived filter splits them; the cycle_updated event counts
// them; a retraction takes an item out of the archive.
func TestRetrainArchivesLabeledItems(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		e.clock.Advance(time.Minute)
		c := e.selectBatch(t, "uncertainty", 10)
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		labeled := map[store.ID]bool{}
		for i, it := range items[:6] {
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -2 - float64(i)/4}); err != nil {
				t.Fatal(err)
			}
			labeled[it.ID] = true
		}
		if _, err := e.svc.SkipItem(e.ctx, e.sci, items[6].ID, "salt"); err != nil {
			t.Fatal(err)
		}
		no, yes := false, true
		if got := e.queueIDs(t, &yes); len(got) != 0 {
			t.Fatalf("archived before the retrain: %v", got)
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 6); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		if err := e.svc.Retrain(e.ctx, c.ID, nil); err != nil {
			t.Fatal(err)
		}
		vs, err := e.svc.ModelVersions(e.ctx, e.model.ID)
		if err != nil || len(vs) != 2 || vs[1].Status != store.ModelActive {
			t.Fatalf("versions after the retrain: %d, %v", len(vs), err)
		}
		at := e.clock.Now()
		for _, it := range e.items(t, "selection_batch = ?", c.CycleNumber) {
			archived := it.ArchivedAt != nil
			if archived != labeled[it.ID] {
				t.Errorf("item %d (%s): archived %v, want %v", it.ID, it.Status, archived, labeled[it.ID])
				continue
			}
			if archived && (!it.ArchivedAt.Equal(at) || it.ArchivedVersionID == nil || *it.ArchivedVersionID != vs[1].ID || it.ModelID != vs[0].ID) {
				t.Errorf("item %d archived at %v with %v on version %d; want %v, version %d, staying on %d",
					it.ID, it.ArchivedAt, it.ArchivedVersionID, it.ModelID, at, vs[1].ID, vs[0].ID)
			}
		}
		if got := e.queueIDs(t, &yes); len(got) != 6 || !sameKeys(got, labeled) {
			t.Errorf("labelQueue(archived: true) = %v, want the 6 labeled items", got)
		}
		notArchived := e.queueIDs(t, &no)
		if len(notArchived) != 4 || notArchived[items[0].ID] || !notArchived[items[6].ID] || !notArchived[items[9].ID] {
			t.Errorf("labelQueue(archived: false) = %v, want the skipped and 3 pending items", notArchived)
		}
		if got := e.queueIDs(t, nil); len(got) != 10 {
			t.Errorf("labelQueue(archived: null) has %d items, want 10", len(got))
		}
		evs := e.events(t, activelearning.EventCycleUpdated)
		if p := payloadOf(t, evs[len(evs)-1]); p["items_archived"] != float64(6) {
			t.Errorf("last cycle_updated payload %v: items_archived want 6", p)
		}
		// An admin retracts one archived label: the item is open again.
		if _, err := e.svc.RetractLabel(e.ctx, e.admin, items[0].ID, "wrong vial"); err != nil {
			t.Fatal(err)
		}
		if got := e.queueIDs(t, &yes); len(got) != 5 || got[items[0].ID] {
			t.Errorf("archived after a retraction: %v, want 5 without item %d", got, items[0].ID)
		}
	})
}

// TestCandidateArchivesOnPromotion: a retrain kept as a candidate archives
// nothing (its labels wait, visible, for review) but records which items it
// trained on; promoting it archives exactly those, with it.
func TestCandidateArchivesOnPromotion(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		c, items, _ := e.poisonedCandidate(t)
		vs, err := e.svc.ModelVersions(e.ctx, e.model.ID)
		if err != nil || len(vs) != 2 || vs[1].Status != store.ModelCandidate {
			t.Fatalf("versions: %d, %v", len(vs), err)
		}
		cand := vs[1]
		labeled := map[store.ID]bool{}
		for _, it := range items[:8] {
			labeled[it.ID] = true
		}
		for _, it := range e.items(t, "selection_batch = ?", c.CycleNumber) {
			if it.ArchivedAt != nil {
				t.Errorf("item %d archived by a candidate", it.ID)
			}
			trained := it.ArchivedVersionID != nil && *it.ArchivedVersionID == cand.ID
			if trained != labeled[it.ID] {
				t.Errorf("item %d (%s): trained by the candidate %v, want %v", it.ID, it.Status, trained, labeled[it.ID])
			}
		}
		e.clock.Advance(time.Hour)
		if _, err := e.svc.PromoteVersion(e.ctx, e.admin, cand.ID, "outliers confirmed"); err != nil {
			t.Fatal(err)
		}
		yes := true
		if got := e.queueIDs(t, &yes); !sameKeys(got, labeled) {
			t.Errorf("archived after promotion = %v, want the 8 labeled items", got)
		}
		for _, it := range e.items(t, "archived_at IS NOT NULL") {
			if !it.ArchivedAt.Equal(e.clock.Now()) {
				t.Errorf("item %d archived at %v, want the promotion's %v", it.ID, it.ArchivedAt, e.clock.Now())
			}
		}
		evs := e.events(t, activelearning.EventModelActivated)
		if p := payloadOf(t, evs[len(evs)-1]); p["items_archived"] != float64(8) {
			t.Errorf("model_activated payload %v: items_archived want 8", p)
		}
	})
}

func sameKeys(a, b map[store.ID]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func payloadOf(t *testing.T, ev *store.Event) map[string]any {
	t.Helper()
	p := map[string]any{}
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		t.Fatalf("event %d payload: %v", ev.Seq, err)
	}
	return p
}
