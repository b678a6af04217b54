-- The top candidates each shard job of a large selection found: a pool
-- over Config.ShardSize is scored in shard jobs, and the last one to finish
-- hands the cycle to the merge, which ranks the union of these candidates.
-- Rows are removed when the merge enqueues the batch.
CREATE TABLE selection_shards (
    cycle_id     BIGINT NOT NULL REFERENCES active_learning_cycles (id) ON DELETE CASCADE,
    shard        INTEGER NOT NULL,
    compound_ids JSONB NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, shard)
);
