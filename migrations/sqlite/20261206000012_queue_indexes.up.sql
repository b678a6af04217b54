-- Indexes for the hot queue reads (issue 15): each walks the queue's
-- priority order (priority_score DESC, id) within one model version, so
-- labelQueue's first page and a claim's pick read ~limit index entries
-- instead of sorting the model's whole queue.
--   ListQueue by priority for a model version:
CREATE INDEX ix_label_queue_model_priority_id ON label_queue (model_id, priority_score DESC, id);
--   ... with a status filter (supersedes (model_id, status, priority_score),
--   whose ascending priority cannot serve priority DESC, id ASC):
CREATE INDEX ix_label_queue_model_status_priority_id ON label_queue (model_id, status, priority_score DESC, id);
DROP INDEX ix_label_queue_model_priority;
--   ... with an assignee (claim's first pass: the user's own pending items;
--   the queue filtered to one labeller). Supersedes (assigned_to), which
--   remains its prefix for the users foreign key.
CREATE INDEX ix_label_queue_assignee_priority_id ON label_queue (assigned_to, status, model_id, priority_score DESC, id);
DROP INDEX ix_label_queue_assigned_to;
