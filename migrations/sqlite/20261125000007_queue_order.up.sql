-- Indexes for the queue's orders: ListQueue and ClaimNextItem walk
-- (priority_score DESC, id) across a lineage's versions, and ListQueue's
-- created_at orders walk (created_at, id) per model version.
CREATE INDEX ix_label_queue_priority_id ON label_queue (priority_score DESC, id);
CREATE INDEX ix_label_queue_model_created ON label_queue (model_id, created_at, id);
