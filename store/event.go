package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"activelab/events"
)

// Event is a row of the events outbox: a domain state change, written in
// the transaction that made it. Seq increases with every event.
type Event struct {
	bun.BaseModel `bun:"table:events,alias:ev"`

	Seq     int64  `bun:"seq,pk,autoincrement"`
	Type    string `bun:"type,notnull"`
	ModelID *ID    `bun:"model_id"`
	ItemID  *ID    `bun:"item_id"`
	CycleID *ID    `bun:"cycle_id"`
	ActorID *ID    `bun:"actor_id"`
	// Payload is the event's JSON body ({} when empty).
	Payload   json.RawMessage `bun:"payload,notnull"`
	CreatedAt time.Time       `bun:"created_at,notnull"`
}

// AppendEvent inserts e and sets its Seq; pass the transaction that makes
// the change. ErrInvalid for an empty type or a payload that is not JSON.
//
// On PostgreSQL it first takes a transaction-scoped advisory lock
// (pg_advisory_xact_lock), so transactions that append events commit in
// the order of their sequence numbers and a reader that resumes from the
// last Seq it saw never skips one; and it issues pg_notify(events.Channel,
// ”) in the same transaction, delivered to listeners at commit. The lock
// serialises event-writing transactions from their first AppendEvent to
// their commit: append events last, after the transaction's other writes.
// When db is not a transaction, AppendEvent runs in one of its own. SQLite
// has one writer already and needs neither.
func (s *conn) AppendEvent(ctx context.Context, e *Event) error {
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
	what := fmt.Sprintf("append event %s", e.Type)
	insert := func(ctx context.Context, tx bun.IDB) error {
		if err := s.be.lockEvents(ctx, tx); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if _, err := tx.NewInsert().Model(e).Returning("seq").Exec(ctx); err != nil {
			return s.wrapErr(err, what)
		}
		if err := s.be.notifyEvents(ctx, tx); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return insert(ctx, tx) })
}

// EventSource returns the events outbox as an events.Source, for the
// events.Broker.
func (s *Store) EventSource() events.Source { return eventSource{s} }

// eventSource adapts the Store to events.Source.
type eventSource struct{ s *Store }

// EventsAfter returns up to limit events with Seq > after, in Seq order.
func (es eventSource) EventsAfter(ctx context.Context, after int64, limit int) ([]events.Event, error) {
	rows, err := es.s.EventsAfter(ctx, after, nil, limit)
	if err != nil {
		return nil, err
	}
	out := make([]events.Event, len(rows))
	for i, r := range rows {
		out[i] = events.Event{Seq: r.Seq, Type: r.Type, ModelID: deref(r.ModelID), ItemID: deref(r.ItemID),
			CycleID: deref(r.CycleID), ActorID: deref(r.ActorID), Payload: r.Payload, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// LastSeq returns the highest committed sequence number (0 when there are
// no events).
func (es eventSource) LastSeq(ctx context.Context) (int64, error) { return es.s.LastEventSeq(ctx) }

// LastEventSeq returns the highest committed event sequence number (0 when
// there are no events).
func (s *conn) LastEventSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := s.reads().NewSelect().Model((*Event)(nil)).ColumnExpr("COALESCE(MAX(?), 0)", bun.Ident("seq")).Scan(ctx, &seq)
	if err != nil {
		return 0, s.wrapErr(err, "last event seq")
	}
	return seq, nil
}

// LastCycleActor returns the user of cycle id's most recent event of type
// typ that has one (NilID when none): for example who triggered its retrain.
func (s *conn) LastCycleActor(ctx context.Context, cycleID ID, typ string) (ID, error) {
	var actors []ID
	err := s.db.NewSelect().Model((*Event)(nil)).Column("actor_id").Where("cycle_id = ?", cycleID).
		Where("? = ?", bun.Ident("type"), typ).Where("actor_id IS NOT NULL").OrderExpr("seq DESC").Limit(1).Scan(ctx, &actors)
	if err != nil {
		return NilID, s.wrapErr(err, fmt.Sprintf("last %s actor of cycle %d", typ, cycleID))
	}
	if len(actors) == 0 {
		return NilID, nil
	}
	return actors[0], nil
}

func deref(p *ID) ID {
	if p == nil {
		return NilID
	}
	return *p
}

// EventsAfter returns up to limit events with Seq > afterSeq, oldest first,
// only the model's when modelID is not nil.
//
// Events become visible in Seq order on both databases (see AppendEvent),
// so a reader may resume from the last Seq it saw.
func (s *conn) EventsAfter(ctx context.Context, afterSeq int64, modelID *ID, limit int) ([]*Event, error) {
	evs := []*Event{}
	q := s.reads().NewSelect().Model(&evs).Where("? > ?", bun.Ident("seq"), afterSeq).Order("seq").Limit(int64(limit))
	if modelID != nil {
		q = q.Where("? = ?", bun.Ident("model_id"), *modelID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("events after %d", afterSeq))
	}
	return evs, nil
}
