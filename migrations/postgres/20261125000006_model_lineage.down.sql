DROP INDEX ix_ml_models_lineage;
ALTER TABLE ml_models DROP COLUMN lineage_id;
