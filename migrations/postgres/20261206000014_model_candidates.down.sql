-- Candidates become superseded versions: the older check allows no other.
UPDATE ml_models SET status = 'superseded' WHERE status = 'candidate';
ALTER TABLE active_learning_cycles DROP COLUMN promotion_note;
ALTER TABLE ml_models DROP COLUMN promotion_tolerance;
ALTER TABLE ml_models DROP CONSTRAINT ck_ml_models_status;
ALTER TABLE ml_models ADD CONSTRAINT ck_ml_models_status
    CHECK (status IN ('training', 'active', 'superseded', 'failed'));
