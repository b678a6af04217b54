-- The model's dense feature vector in binary (float32 little-endian) and
-- the feature layout it follows, next to the fingerprint: scoring a pool
-- reads these instead of decoding the descriptors JSON. Rows stored before
-- this migration keep NULL and are read from their descriptors.
ALTER TABLE compounds ADD COLUMN features BLOB;
ALTER TABLE compounds ADD COLUMN feature_set TEXT NOT NULL DEFAULT '';
