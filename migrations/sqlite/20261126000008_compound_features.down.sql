ALTER TABLE compounds DROP COLUMN feature_set;
ALTER TABLE compounds DROP COLUMN features;
