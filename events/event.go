package events

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"activelab/ident"
)

// Event is one committed state change, as stored in the outbox.
type Event struct {
	Seq       int64           `json:"seq"`
	Type      string          `json:"type"`
	ModelID   ident.ID        `json:"model_id,omitzero"`
	ItemID    ident.ID        `json:"item_id,omitzero"`
	CycleID   ident.ID        `json:"cycle_id,omitzero"`
	ActorID   ident.ID        `json:"actor_id,omitzero"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}

// Source reads committed events from the outbox.
type Source interface {
	// EventsAfter returns up to limit events with Seq > after, in Seq order.
	EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error)
	// LastSeq returns the highest committed sequence number (0 if none).
	LastSeq(ctx context.Context) (int64, error)
}

// Filter selects the events a subscriber receives. The zero Filter selects
// every event.
type Filter struct {
	ModelID ident.ID // ident.Nil for any model
	CycleID ident.ID // ident.Nil for any cycle
	Types   []string // empty for any type
}

// Match reports whether e passes the filter.
func (f Filter) Match(e *Event) bool {
	if f.ModelID != ident.Nil && e.ModelID != f.ModelID {
		return false
	}
	if f.CycleID != ident.Nil && e.CycleID != f.CycleID {
		return false
	}
	if len(f.Types) == 0 {
		return true
	}
	for _, t := range f.Types {
		if t == e.Type {
			return true
		}
	}
	return false
}

// ErrSlowSubscriber ends a subscription whose buffer overflowed. The
// subscriber should reconnect with the last sequence it received.
var ErrSlowSubscriber = errors.New("events: subscriber fell behind; reconnect with the last sequence seen")

// ErrClosed is returned by Subscribe after the broker was closed.
var ErrClosed = errors.New("events: broker closed")
