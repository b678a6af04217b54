-- The outbox of domain events: every state change writes one row in the same
-- transaction; seq is the monotonic position subscribers resume from.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    type       TEXT NOT NULL,
    model_id   INTEGER,
    item_id    INTEGER,
    cycle_id   INTEGER,
    actor_id   INTEGER,
    payload    TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_events_model_seq ON events (model_id, seq);
CREATE INDEX ix_events_cycle_seq ON events (cycle_id, seq);
