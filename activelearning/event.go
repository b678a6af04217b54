package activelearning

import (
	"context"
	"encoding/json"
	"fmt"

	"activelab/store"
)

// Event types written to the outbox (store.Event.Type).
const (
	EventItemEnqueued    = "item_enqueued"
	EventItemClaimed     = "item_claimed"
	EventItemReleased    = "item_released"
	EventItemLabeled     = "item_labeled"
	EventItemSkipped     = "item_skipped"
	EventItemAssigned    = "item_assigned"
	EventItemAmended     = "item_amended"
	EventItemRetracted   = "item_retracted"
	EventCycleStarted    = "cycle_started"
	EventCycleUpdated    = "cycle_updated"
	EventRetrainProgress = "retrain_progress"
	EventModelTrained    = "model_trained"
	EventModelActivated  = "model_activated"
	EventImportProgress  = "import_progress"
)

// evt is one event to append: ids of 0 are left NULL.
type evt struct {
	Type                      string
	Model, Item, Cycle, Actor store.ID
	Payload                   any
}

func ptr(id store.ID) *store.ID {
	if id == store.NilID {
		return nil
	}
	return &id
}

// emit adds events to tx (the transaction of the change), which writes them
// at its end and announces them after its commit (store.Tx.Emit).
func (s *Service) emit(_ context.Context, tx *store.Tx, es ...evt) error {
	for _, e := range es {
		var payload json.RawMessage
		if e.Payload != nil {
			b, err := json.Marshal(e.Payload)
			if err != nil {
				return fmt.Errorf("event %s payload: %w", e.Type, err)
			}
			payload = b
		}
		row := &store.Event{Type: e.Type, ModelID: ptr(e.Model), ItemID: ptr(e.Item), CycleID: ptr(e.Cycle),
			ActorID: ptr(e.Actor), Payload: payload, CreatedAt: s.now()}
		tx.Emit(row)
	}
	return nil
}

func actorID(u *store.User) store.ID {
	if u == nil {
		return store.NilID
	}
	return u.ID
}
