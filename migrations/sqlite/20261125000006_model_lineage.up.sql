-- A model in the API is a lineage: every version of one model. lineage_id is
-- the id of the lineage's version-1 row (its root), set on every version,
-- the root included; existing rows get their root through parent_id.
-- No REFERENCES clause here (PostgreSQL has one): SQLite cannot DROP a
-- column that takes part in a foreign key, which the down migration needs.
ALTER TABLE ml_models ADD COLUMN lineage_id INTEGER;

WITH RECURSIVE chain (id, root) AS (
    SELECT id, id FROM ml_models WHERE parent_id IS NULL
    UNION ALL
    SELECT m.id, c.root FROM ml_models m JOIN chain c ON m.parent_id = c.id
)
UPDATE ml_models SET lineage_id = chain.root FROM chain WHERE chain.id = ml_models.id;

UPDATE ml_models SET lineage_id = id WHERE lineage_id IS NULL;

CREATE INDEX ix_ml_models_lineage ON ml_models (lineage_id, version);
