-- Held-out validation sets and model versions. A model lineage is its name:
-- versions 1, 2, ... share it, and at most one of them is active.
CREATE TABLE validation_sets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    endpoint   TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_validation_sets_name ON validation_sets (name);

CREATE TABLE validation_set_members (
    validation_set_id INTEGER NOT NULL REFERENCES validation_sets (id) ON DELETE CASCADE,
    compound_id       INTEGER NOT NULL REFERENCES compounds (id) ON DELETE RESTRICT,
    value             REAL NOT NULL,
    PRIMARY KEY (validation_set_id, compound_id)
);
CREATE INDEX ix_validation_set_members_compound ON validation_set_members (compound_id);

CREATE TABLE ml_models (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    endpoint          TEXT NOT NULL,
    task              TEXT NOT NULL CONSTRAINT ck_ml_models_task CHECK (task IN ('regression', 'classification')),
    version           INTEGER NOT NULL DEFAULT 1,
    parent_id         INTEGER REFERENCES ml_models (id) ON DELETE RESTRICT,
    status            TEXT NOT NULL DEFAULT 'training' CONSTRAINT ck_ml_models_status CHECK (status IN ('training', 'active', 'superseded', 'failed')),
    params            TEXT,
    artifact          BLOB,
    metrics           TEXT,
    training_size     INTEGER NOT NULL DEFAULT 0,
    seed              INTEGER NOT NULL DEFAULT 0,
    validation_set_id INTEGER REFERENCES validation_sets (id) ON DELETE RESTRICT,
    validation_hash   TEXT NOT NULL DEFAULT '',
    error             TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    activated_at      TIMESTAMP
);
CREATE UNIQUE INDEX ux_ml_models_name_version ON ml_models (name, version);
CREATE UNIQUE INDEX ux_ml_models_one_active ON ml_models (name) WHERE status = 'active';
CREATE INDEX ix_ml_models_endpoint ON ml_models (endpoint);
CREATE INDEX ix_ml_models_parent ON ml_models (parent_id);
