-- The audit history of every queue item's label: the first label, each
-- correction (amendLabel) and each retraction (retractLabel), with who,
-- when, why, and the value before and after. Rows are never updated.
CREATE TABLE label_history (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_item_id  INTEGER NOT NULL REFERENCES label_queue (id) ON DELETE CASCADE,
    action         TEXT NOT NULL CONSTRAINT ck_label_history_action CHECK (action IN ('labeled', 'amended', 'retracted')),
    value          REAL,
    previous_value REAL,
    source         TEXT,
    confidence     TEXT,
    notes          TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_label_history_item ON label_history (queue_item_id, id);
