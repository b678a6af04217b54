-- Candidates become superseded versions: the older check allows no other.
ALTER TABLE active_learning_cycles DROP COLUMN promotion_note;
PRAGMA foreign_keys = OFF;
UPDATE ml_models SET status = 'superseded' WHERE status = 'candidate';
CREATE TABLE ml_models_new (
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
    activated_at      TIMESTAMP,
    lineage_id        INTEGER
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
