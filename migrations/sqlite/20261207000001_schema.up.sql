-- The application's schema. Every entity is identified by a UUID (a
-- time-ordered version 7, made in Go when the row is created; see package
-- ident): PostgreSQL's native uuid, canonical text here (declared UUID: its
-- numeric affinity keeps a UUID's text as text). The
-- events outbox keeps an integer sequence: it is a log position that
-- subscribers resume from, not an entity.

-- Users, API tokens and sessions. Secrets are stored hashed (SHA-256).
CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CONSTRAINT ck_users_role CHECK (role IN ('viewer', 'scientist', 'admin')),
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    disabled_at   TIMESTAMP
);
CREATE UNIQUE INDEX ux_users_email ON users (lower(email));

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL DEFAULT '',
    hash         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX ux_api_tokens_hash ON api_tokens (hash);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_sessions_hash ON sessions (hash);
CREATE INDEX ix_sessions_user ON sessions (user_id);
CREATE INDEX ix_sessions_expires ON sessions (expires_at);

-- Compounds (unique by canonical SMILES) and compound sets (pools,
-- datasets, lists). features is the model's dense feature vector (float32
-- little-endian) in the layout feature_set names; properties is every
-- column or SDF data item a compound was imported with, as a JSON array of
-- {"name", "value"} objects in file order.
CREATE TABLE compounds (
    id               UUID PRIMARY KEY,
    input_smiles     TEXT NOT NULL,
    canonical_smiles TEXT NOT NULL,
    name             TEXT NOT NULL DEFAULT '',
    descriptors      TEXT,
    fingerprint      BLOB,
    features         BLOB,
    feature_set      TEXT NOT NULL DEFAULT '',
    properties       TEXT NOT NULL DEFAULT '[]',
    created_at       TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_compounds_canonical_smiles ON compounds (canonical_smiles);
CREATE INDEX ix_compounds_name ON compounds (name);

CREATE TABLE compound_sets (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'pool' CONSTRAINT ck_compound_sets_kind CHECK (kind IN ('pool', 'dataset', 'list')),
    description TEXT NOT NULL DEFAULT '',
    created_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_compound_sets_name ON compound_sets (name);

CREATE TABLE compound_set_members (
    set_id      UUID NOT NULL REFERENCES compound_sets (id) ON DELETE CASCADE,
    compound_id UUID NOT NULL REFERENCES compounds (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (set_id, compound_id)
);
CREATE INDEX ix_compound_set_members_compound ON compound_set_members (compound_id);

-- Held-out validation sets and model versions. A model (in the API) is a
-- lineage: versions 1, 2, ... share its name and lineage_id (the id of
-- version 1, itself included), at most one of them is active, and a
-- retrained version links to the one it was retrained from by parent_id.
-- A retrained version worse than the active one by more than the lineage's
-- promotion_tolerance (set on version 1; NULL: the task's default) is kept
-- as a candidate.
CREATE TABLE validation_sets (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    endpoint   TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_validation_sets_name ON validation_sets (name);

CREATE TABLE validation_set_members (
    validation_set_id UUID NOT NULL REFERENCES validation_sets (id) ON DELETE CASCADE,
    compound_id       UUID NOT NULL REFERENCES compounds (id) ON DELETE RESTRICT,
    value             REAL NOT NULL,
    PRIMARY KEY (validation_set_id, compound_id)
);
CREATE INDEX ix_validation_set_members_compound ON validation_set_members (compound_id);

CREATE TABLE ml_models (
    id                  UUID PRIMARY KEY,
    name                TEXT NOT NULL,
    endpoint            TEXT NOT NULL,
    task                TEXT NOT NULL CONSTRAINT ck_ml_models_task CHECK (task IN ('regression', 'classification')),
    version             INTEGER NOT NULL DEFAULT 1,
    parent_id           UUID REFERENCES ml_models (id) ON DELETE RESTRICT,
    lineage_id          UUID NOT NULL REFERENCES ml_models (id) ON DELETE RESTRICT,
    status              TEXT NOT NULL DEFAULT 'training' CONSTRAINT ck_ml_models_status CHECK (status IN ('training', 'active', 'superseded', 'failed', 'candidate')),
    params              TEXT,
    artifact            BLOB,
    metrics             TEXT,
    training_size       INTEGER NOT NULL DEFAULT 0,
    -- trained_labels: training rows that carry a label (origin label), as trained
    trained_labels      INTEGER NOT NULL DEFAULT 0,
    seed                INTEGER NOT NULL DEFAULT 0,
    validation_set_id   UUID REFERENCES validation_sets (id) ON DELETE RESTRICT,
    validation_hash     TEXT NOT NULL DEFAULT '',
    error               TEXT NOT NULL DEFAULT '',
    promotion_tolerance REAL,
    -- classes: a classification model's class names as a JSON array, in
    -- index order (a label's value is its class index); NULL for
    -- regression and for the binary default ["0", "1"]
    classes             TEXT,
    created_at          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    activated_at        TIMESTAMP
);
CREATE UNIQUE INDEX ux_ml_models_name_version ON ml_models (name, version);
CREATE UNIQUE INDEX ux_ml_models_one_active ON ml_models (name) WHERE status = 'active';
CREATE INDEX ix_ml_models_endpoint ON ml_models (endpoint);
CREATE INDEX ix_ml_models_parent ON ml_models (parent_id);
CREATE INDEX ix_ml_models_lineage ON ml_models (lineage_id, version);

-- Active-learning cycles, the label queue, measurements (the labels that
-- train models) and the audit history of every label. label_queue and
-- active_learning_cycles have the specification's columns plus version
-- (optimistic concurrency), lease_expires_at, skip_reason,
-- label_implausible (a label the labeler confirmed against the
-- plausibility check) and lineage_id (queue); error, params, seed and
-- promotion_note and created_by (cycles: who started it with selectSamples;
-- NULL for a cycle nobody in particular started, or once that user is
-- deleted).
CREATE TABLE active_learning_cycles (
    id                 UUID PRIMARY KEY,
    model_id           UUID NOT NULL REFERENCES ml_models (id) ON DELETE CASCADE,
    cycle_number       INTEGER NOT NULL,
    selection_strategy TEXT NOT NULL,
    batch_size         INTEGER NOT NULL CONSTRAINT ck_active_learning_cycles_batch_size CHECK (batch_size > 0),
    status             TEXT NOT NULL DEFAULT 'selecting' CONSTRAINT ck_active_learning_cycles_status CHECK (status IN ('selecting', 'labeling', 'training', 'complete', 'failed', 'cancelled')),
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
    seed               INTEGER NOT NULL DEFAULT 0,
    promotion_note     TEXT NOT NULL DEFAULT '',
    created_by         UUID REFERENCES users (id) ON DELETE SET NULL,
    -- trained_version_id: the version its retrain produced (active or candidate)
    trained_version_id UUID REFERENCES ml_models (id) ON DELETE SET NULL,
    -- label_gain: the retrain's gain check (models created with gain_check):
    -- the validation metric with only the strategy's or only the random picks
    label_gain         TEXT
);
CREATE UNIQUE INDEX ux_active_learning_cycles_model_number ON active_learning_cycles (model_id, cycle_number);

CREATE TABLE label_queue (
    id                     UUID PRIMARY KEY,
    compound_id            UUID NOT NULL REFERENCES compounds (id) ON DELETE CASCADE,
    model_id               UUID NOT NULL REFERENCES ml_models (id) ON DELETE CASCADE,
    lineage_id             UUID NOT NULL REFERENCES ml_models (id) ON DELETE CASCADE,
    prediction             REAL,
    uncertainty            REAL,
    applicability_distance REAL,
    selection_strategy     TEXT NOT NULL,
    selection_batch        INTEGER NOT NULL,
    priority_score         REAL NOT NULL DEFAULT 0,
    status                 TEXT NOT NULL DEFAULT 'pending' CONSTRAINT ck_label_queue_status CHECK (status IN ('pending', 'in_progress', 'labeled', 'skipped')),
    assigned_to            UUID REFERENCES users (id) ON DELETE SET NULL,
    assigned_at            TIMESTAMP,
    label                  REAL,
    label_source           TEXT CONSTRAINT ck_label_queue_label_source CHECK (label_source IN ('experimental', 'literature', 'expert_estimate')),
    label_confidence       TEXT CONSTRAINT ck_label_queue_label_confidence CHECK (label_confidence IN ('high', 'medium', 'low')),
    label_implausible      BOOLEAN NOT NULL DEFAULT FALSE,
    labeled_at             TIMESTAMP,
    labeled_by             UUID REFERENCES users (id) ON DELETE SET NULL,
    notes                  TEXT NOT NULL DEFAULT '',
    created_at             TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at             TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version                INTEGER NOT NULL DEFAULT 1,
    lease_expires_at       TIMESTAMP,
    skip_reason            TEXT NOT NULL DEFAULT '',
    archived_at            TIMESTAMP,
    archived_version_id    UUID REFERENCES ml_models (id) ON DELETE SET NULL,
    explore                BOOLEAN NOT NULL DEFAULT FALSE,
    interval_low           REAL,
    interval_high          REAL,
    -- class_probabilities: per-class probabilities (JSON array, class index
    -- order) of the version that scored the item, for a model of more than
    -- two classes; NULL otherwise (binary: prediction is p(class 1))
    class_probabilities    TEXT
);
CREATE UNIQUE INDEX uq_label_queue_compound_model_batch ON label_queue (compound_id, model_id, selection_batch);
CREATE INDEX ix_label_queue_status_model ON label_queue (status, model_id);
-- The queue's orders: ListQueue and ClaimNextItem walk (priority_score
-- DESC, id) within a model version (with a status filter, or an assignee:
-- claim's first pass looks at the user's own pending items) or across a
-- lineage's versions; ListQueue's created_at orders walk (created_at, id).
CREATE INDEX ix_label_queue_priority_id ON label_queue (priority_score DESC, id);
CREATE INDEX ix_label_queue_model_created ON label_queue (model_id, created_at, id);
CREATE INDEX ix_label_queue_model_priority_id ON label_queue (model_id, priority_score DESC, id);
CREATE INDEX ix_label_queue_model_status_priority_id ON label_queue (model_id, status, priority_score DESC, id);
-- labelQueue(filter: {modelId}) walks a lineage's items (every version's)
-- in priority order by the item's own lineage_id, with no lookup of the
-- lineage's versions first.
CREATE INDEX ix_label_queue_lineage_priority_id ON label_queue (lineage_id, priority_score DESC, id);
CREATE INDEX ix_label_queue_assignee_priority_id ON label_queue (assigned_to, status, model_id, priority_score DESC, id);
-- One open item per compound and lineage, as a database guarantee: two
-- selections running at once could each find a compound free.
CREATE UNIQUE INDEX ux_label_queue_open_compound ON label_queue (lineage_id, compound_id) WHERE status IN ('pending', 'in_progress');
-- A labeled item is archived when a version trained on its label becomes
-- active: archived_version_id is the version that trained on it (set by the
-- retrain, even when that version stays a candidate), archived_at when such
-- a version was activated (NULL: not archived).
CREATE INDEX ix_label_queue_archived_version ON label_queue (archived_version_id);
-- explore marks an item its selection picked at random (the explore share
-- of a batch, or any pick of the random strategy): the control group
-- against which a cycle's strategy picks are judged (Cycle.diagnosis).
-- interval_low and interval_high are the 90 % prediction interval of the
-- version that scored the item (NULL: classification or an uncalibrated
-- version), set with prediction and uncertainty. A cycle's items are found
-- by lineage and selection batch.
CREATE INDEX ix_label_queue_lineage_batch ON label_queue (lineage_id, selection_batch);

-- A measurement's qualifier: '' for an exact value, '<', '<=', '>' or '>='
-- for a censored value (a bound: shown, but left out of training and of the
-- endpoint's observed range), '~' for an approximate value (trained as
-- exact). implausible marks a label confirmed against the plausibility
-- check (the endpoint's observed range ignores it).
CREATE TABLE measurements (
    id            UUID PRIMARY KEY,
    compound_id   UUID NOT NULL REFERENCES compounds (id) ON DELETE CASCADE,
    endpoint      TEXT NOT NULL,
    value         REAL NOT NULL,
    qualifier     TEXT NOT NULL DEFAULT '' CONSTRAINT ck_measurements_qualifier CHECK (qualifier IN ('', '<', '<=', '>', '>=', '~')),
    source        TEXT NOT NULL CONSTRAINT ck_measurements_source CHECK (source IN ('experimental', 'literature', 'expert_estimate')),
    confidence    TEXT NOT NULL DEFAULT 'high' CONSTRAINT ck_measurements_confidence CHECK (confidence IN ('high', 'medium', 'low')),
    implausible   BOOLEAN NOT NULL DEFAULT FALSE,
    user_id       UUID REFERENCES users (id) ON DELETE SET NULL,
    origin        TEXT NOT NULL CONSTRAINT ck_measurements_origin CHECK (origin IN ('import', 'label', 'manual')),
    queue_item_id UUID REFERENCES label_queue (id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_measurements_compound_endpoint ON measurements (compound_id, endpoint);
CREATE INDEX ix_measurements_endpoint ON measurements (endpoint);
CREATE UNIQUE INDEX ux_measurements_queue_item ON measurements (queue_item_id);

-- The audit history of every queue item's label: the first label, each
-- correction (amendLabel) and each retraction (retractLabel), with who,
-- when, why, and the value before and after. Rows are never updated.
CREATE TABLE label_history (
    id             UUID PRIMARY KEY,
    queue_item_id  UUID NOT NULL REFERENCES label_queue (id) ON DELETE CASCADE,
    action         TEXT NOT NULL CONSTRAINT ck_label_history_action CHECK (action IN ('labeled', 'amended', 'retracted')),
    value          REAL,
    previous_value REAL,
    source         TEXT,
    confidence     TEXT,
    notes          TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    user_id        UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at     TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_label_history_item ON label_history (queue_item_id, id);

-- The top candidates each shard job of a large selection found (a pool
-- over Config.ShardSize is scored in shard jobs; the last one to finish
-- hands the cycle to the merge, which ranks the union). Rows are removed
-- when the merge enqueues the batch.
CREATE TABLE selection_shards (
    cycle_id     UUID NOT NULL REFERENCES active_learning_cycles (id) ON DELETE CASCADE,
    shard        INTEGER NOT NULL,
    compound_ids TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (cycle_id, shard)
);

-- The outbox of domain events: every state change writes one row in the
-- same transaction; seq is the monotonic position subscribers resume from.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    type       TEXT NOT NULL,
    model_id   UUID,
    item_id    UUID,
    cycle_id   UUID,
    actor_id   UUID,
    payload    TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_events_model_seq ON events (model_id, seq);
CREATE INDEX ix_events_cycle_seq ON events (cycle_id, seq);

-- One row per import: what it has applied so far, committed with the rows
-- themselves (rows_done input rows, in input order, ending at last_row), so
-- a killed import is known to stop exactly there and can be resumed. job_id
-- is the import_compounds job's (River's integer) id when it runs as one.
CREATE TABLE imports (
    id           UUID PRIMARY KEY,
    set_id       UUID REFERENCES compound_sets (id) ON DELETE SET NULL,
    user_id      UUID REFERENCES users (id) ON DELETE SET NULL,
    via          TEXT NOT NULL CONSTRAINT ck_imports_via CHECK (via IN ('cli', 'upload', 'job')),
    job_id       INTEGER,
    file         TEXT NOT NULL DEFAULT '',
    digest       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'running' CONSTRAINT ck_imports_state CHECK (state IN ('running', 'complete', 'failed')),
    rows_total   INTEGER,
    rows_done    INTEGER NOT NULL DEFAULT 0,
    last_row     INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    existing     INTEGER NOT NULL DEFAULT 0,
    measurements INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 1,
    error        TEXT NOT NULL DEFAULT '',
    started_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    heartbeat_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    finished_at  TIMESTAMP
);
CREATE INDEX ix_imports_set ON imports (set_id, id);
CREATE INDEX ix_imports_job ON imports (job_id);
CREATE INDEX ix_imports_digest ON imports (digest, id);
CREATE INDEX ix_imports_user ON imports (user_id);

-- The rows an import rejected (the first 10,000; imports.rejected counts all).
CREATE TABLE import_rejects (
    id          UUID PRIMARY KEY,
    import_id   UUID NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row_number  INTEGER NOT NULL,
    column_name TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    char_offset INTEGER
);
CREATE INDEX ix_import_rejects_import ON import_rejects (import_id, id);
