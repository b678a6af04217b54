CREATE INDEX ix_label_queue_assigned_to ON label_queue (assigned_to);
CREATE INDEX ix_label_queue_model_priority ON label_queue (model_id, status, priority_score);
DROP INDEX ix_label_queue_assignee_priority_id;
DROP INDEX ix_label_queue_model_status_priority_id;
DROP INDEX ix_label_queue_model_priority_id;
