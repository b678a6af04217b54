-- Gated promotion (issue 11, part 3). A retrained version that is worse
-- than the active one on the validation set by more than the model's
-- tolerance is kept as a candidate: the status check gains 'candidate' (the
-- one-active partial index is unchanged). promotion_tolerance is the
-- lineage's tolerance, set on its version 1 (NULL: the default for its
-- task); a cycle's promotion_note says why its version was or was not
-- activated.
--
-- SQLite cannot alter a CHECK constraint: the table is rebuilt (SQLite's
-- documented 12-step procedure). Foreign keys are off meanwhile, else the
-- DROP would cascade to label_queue and active_learning_cycles; bun runs
-- this file outside a transaction on the store's one connection, so the
-- pragma applies.
PRAGMA foreign_keys = OFF;
CREATE TABLE ml_models_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    endpoint          TEXT NOT NULL,
    task              TEXT NOT NULL CONSTRAINT ck_ml_models_task CHECK (task IN ('regression', 'classification')),
    version           INTEGER NOT NULL DEFAULT 1,
    parent_id         INTEGER REFERENCES ml_models (id) ON DELETE RESTRICT,
    status            TEXT NOT NULL DEFAULT 'training' CONSTRAINT ck_ml_models_status CHECK (status IN ('training', 'active', 'superseded', 'failed', 'candidate')),
    params            TEXT,
    artifact          BLOB,
    metrics           TEXT,
    training_size     INTEGER NOT NULL DEFAULT 0,
    seed              INTEGER NOT NULL DEFAULT 0,
    validation_set_id INTEGER REFERENCES validation_sets (id) ON DELETE RESTRICT,
    validation_hash   TEXT NOT NULL DEFAULT '',
    error             TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    activated_at      TIMESTAMP,
    lineage_id        INTEGER,
    promotion_tolerance REAL
);
INSERT INTO ml_models_new (id, name, endpoint, task, version, parent_id, status, params, artifact, metrics, training_size, seed, validation_set_id, validation_hash, error, created_at, activated_at, lineage_id) SELECT id, name, endpoint, task, version, parent_id, status, params, artifact, metrics, training_size, seed, validation_set_id, validation_hash, error, created_at, activated_at, lineage_id FROM ml_models;
DROP TABLE ml_models;
ALTER TABLE ml_models_new RENAME TO ml_models;
CREATE UNIQUE INDEX ux_ml_models_name_version ON ml_models (name, version);
CREATE UNIQUE INDEX ux_ml_models_one_active ON ml_models (name) WHERE status = 'active';
CREATE INDEX ix_ml_models_endpoint ON ml_models (endpoint);
CREATE INDEX ix_ml_models_parent ON ml_models (parent_id);
CREATE INDEX ix_ml_models_lineage ON ml_models (lineage_id, version);
PRAGMA foreign_keys = ON;
ALTER TABLE active_learning_cycles ADD COLUMN promotion_note TEXT NOT NULL DEFAULT '';
