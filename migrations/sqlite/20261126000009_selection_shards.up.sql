-- The top candidates each shard job of a large selection found: a pool
-- over Config.ShardSize is scored in shard jobs, and the last one to finish
-- hands the cycle to the merge, which ranks the union of these candidates.
-- Rows are removed when the merge enqueues the batch.
CREATE TABLE selection_shards (
    cycle_id     INTEGER NOT NULL REFERENCES active_learning_cycles (id) ON DELETE CASCADE,
    shard        INTEGER NOT NULL,
    compound_ids TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (cycle_id, shard)
);
