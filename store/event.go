package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Event is a row of the events outbox: a domain state change, written in
// the transaction that made it. Seq increases with every event.
type Event struct {
	bun.BaseModel `bun:"table:events,alias:ev"`

	Seq     int64  `bun:"seq,pk,autoincrement"`
	Type    string `bun:"type,notnull"`
	ModelID *int64 `bun:"model_id"`
	ItemID  *int64 `bun:"item_id"`
	CycleID *int64 `bun:"cycle_id"`
	ActorID *int64 `bun:"actor_id"`
	// Payload is the event's JSON body ({} when empty).
	Payload   json.RawMessage `bun:"payload,notnull"`
	CreatedAt time.Time       `bun:"created_at,notnull"`
}

// AppendEvent inserts e and sets its Seq; pass the transaction that makes
// the change. ErrInvalid for an empty type or a payload that is not JSON.
func (s *Store) AppendEvent(ctx context.Context, db bun.IDB, e *Event) error {
	if e.Type == "" {
		return fmt.Errorf("append event: empty type: %w", ErrInvalid)
	}
	if len(e.Payload) == 0 {
		e.Payload = json.RawMessage("{}")
	}
	if !json.Valid(e.Payload) {
		return fmt.Errorf("append event %s: payload is not JSON: %w", e.Type, ErrInvalid)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now()
	}
	e.CreatedAt = dbTime(e.CreatedAt)
	_, err := s.idb(db).NewInsert().Model(e).Returning("seq").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("append event %s", e.Type))
}

// EventsAfter returns up to limit events with Seq > afterSeq, oldest first,
// only the model's when modelID is not nil.
//
// On PostgreSQL sequence numbers are assigned at insert, not commit, so a
// transaction that commits later can make a smaller Seq visible after a
// larger one; readers that resume from a Seq should allow for that.
func (s *Store) EventsAfter(ctx context.Context, afterSeq int64, modelID *int64, limit int) ([]*Event, error) {
	evs := []*Event{}
	q := s.db.NewSelect().Model(&evs).Where("? > ?", bun.Ident("seq"), afterSeq).Order("seq").Limit(int64(limit))
	if modelID != nil {
		q = q.Where("? = ?", bun.Ident("model_id"), *modelID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("events after %d", afterSeq))
	}
	return evs, nil
}
