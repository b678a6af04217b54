-- Gated promotion (issue 11, part 3). A retrained version that is worse
-- than the active one on the validation set by more than the model's
-- tolerance is kept as a candidate: the status check gains 'candidate' (the
-- one-active partial index is unchanged). promotion_tolerance is the
-- lineage's tolerance, set on its version 1 (NULL: the default for its
-- task); a cycle's promotion_note says why its version was or was not
-- activated.
ALTER TABLE ml_models DROP CONSTRAINT ck_ml_models_status;
ALTER TABLE ml_models ADD CONSTRAINT ck_ml_models_status
    CHECK (status IN ('training', 'active', 'superseded', 'failed', 'candidate'));
ALTER TABLE ml_models ADD COLUMN promotion_tolerance DOUBLE PRECISION;
ALTER TABLE active_learning_cycles ADD COLUMN promotion_note TEXT NOT NULL DEFAULT '';
