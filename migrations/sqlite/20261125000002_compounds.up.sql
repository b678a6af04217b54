-- Compounds (unique by canonical SMILES) and compound sets (pools, datasets, lists).
CREATE TABLE compounds (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    input_smiles     TEXT NOT NULL,
    canonical_smiles TEXT NOT NULL,
    name             TEXT NOT NULL DEFAULT '',
    descriptors      TEXT,
    fingerprint      BLOB,
    created_at       TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_compounds_canonical_smiles ON compounds (canonical_smiles);
CREATE INDEX ix_compounds_name ON compounds (name);

CREATE TABLE compound_sets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'pool' CONSTRAINT ck_compound_sets_kind CHECK (kind IN ('pool', 'dataset', 'list')),
    description TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_compound_sets_name ON compound_sets (name);

CREATE TABLE compound_set_members (
    set_id      INTEGER NOT NULL REFERENCES compound_sets (id) ON DELETE CASCADE,
    compound_id INTEGER NOT NULL REFERENCES compounds (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (set_id, compound_id)
);
CREATE INDEX ix_compound_set_members_compound ON compound_set_members (compound_id);
