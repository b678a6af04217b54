-- Active-learning cycles, the label queue and measurements (the labels that
-- train models). label_queue and active_learning_cycles have the
-- specification's columns plus version (optimistic concurrency),
-- lease_expires_at and skip_reason (queue), error, params and seed (cycles).
CREATE TABLE active_learning_cycles (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id           INTEGER NOT NULL REFERENCES ml_models (id) ON DELETE CASCADE,
    cycle_number       INTEGER NOT NULL,
    selection_strategy TEXT NOT NULL,
    batch_size         INTEGER NOT NULL CONSTRAINT ck_active_learning_cycles_batch_size CHECK (batch_size > 0),
    status             TEXT NOT NULL DEFAULT 'selecting' CONSTRAINT ck_active_learning_cycles_status CHECK (status IN ('selecting', 'labeling', 'training', 'complete', 'failed')),
    metrics_before     TEXT,
    metrics_after      TEXT,
    items_selected     INTEGER NOT NULL DEFAULT 0,
    items_labeled      INTEGER NOT NULL DEFAULT 0,
    items_skipped      INTEGER NOT NULL DEFAULT 0,
    started_at         TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at       TIMESTAMP,
    version            INTEGER NOT NULL DEFAULT 1,
    error              TEXT NOT NULL DEFAULT '',
    params             TEXT,
    seed               INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ux_active_learning_cycles_model_number ON active_learning_cycles (model_id, cycle_number);

CREATE TABLE label_queue (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id            INTEGER NOT NULL REFERENCES compounds (id) ON DELETE CASCADE,
    model_id               INTEGER NOT NULL REFERENCES ml_models (id) ON DELETE CASCADE,
    prediction             REAL,
    uncertainty            REAL,
    applicability_distance REAL,
    selection_strategy     TEXT NOT NULL,
    selection_batch        INTEGER NOT NULL,
    priority_score         REAL NOT NULL DEFAULT 0,
    status                 TEXT NOT NULL DEFAULT 'pending' CONSTRAINT ck_label_queue_status CHECK (status IN ('pending', 'in_progress', 'labeled', 'skipped')),
    assigned_to            INTEGER REFERENCES users (id) ON DELETE SET NULL,
    assigned_at            TIMESTAMP,
    label                  REAL,
    label_source           TEXT CONSTRAINT ck_label_queue_label_source CHECK (label_source IN ('experimental', 'literature', 'expert_estimate')),
    label_confidence       TEXT CONSTRAINT ck_label_queue_label_confidence CHECK (label_confidence IN ('high', 'medium', 'low')),
    labeled_at             TIMESTAMP,
    labeled_by             INTEGER REFERENCES users (id) ON DELETE SET NULL,
    notes                  TEXT NOT NULL DEFAULT '',
    created_at             TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at             TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version                INTEGER NOT NULL DEFAULT 1,
    lease_expires_at       TIMESTAMP,
    skip_reason            TEXT NOT NULL DEFAULT ''
);
-- SQLite cannot name a table's UNIQUE constraint in its catalog; a unique
-- index of the same name is equivalent (PostgreSQL has the constraint).
CREATE UNIQUE INDEX uq_label_queue_compound_model_batch ON label_queue (compound_id, model_id, selection_batch);
CREATE INDEX ix_label_queue_status_model ON label_queue (status, model_id);
CREATE INDEX ix_label_queue_model_priority ON label_queue (model_id, status, priority_score);
CREATE INDEX ix_label_queue_assigned_to ON label_queue (assigned_to);

CREATE TABLE measurements (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id   INTEGER NOT NULL REFERENCES compounds (id) ON DELETE CASCADE,
    endpoint      TEXT NOT NULL,
    value         REAL NOT NULL,
    source        TEXT NOT NULL CONSTRAINT ck_measurements_source CHECK (source IN ('experimental', 'literature', 'expert_estimate')),
    confidence    TEXT NOT NULL DEFAULT 'high' CONSTRAINT ck_measurements_confidence CHECK (confidence IN ('high', 'medium', 'low')),
    user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    origin        TEXT NOT NULL CONSTRAINT ck_measurements_origin CHECK (origin IN ('import', 'label', 'manual')),
    queue_item_id INTEGER REFERENCES label_queue (id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_measurements_compound_endpoint ON measurements (compound_id, endpoint);
CREATE INDEX ix_measurements_endpoint ON measurements (endpoint);
CREATE UNIQUE INDEX ux_measurements_queue_item ON measurements (queue_item_id);
