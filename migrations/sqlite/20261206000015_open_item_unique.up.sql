-- One open queue item per compound and lineage, as a database guarantee:
-- two selections running at once (jobs on PostgreSQL) could each find a
-- compound free and both queue it. Items carry their lineage (a retrain
-- moves them between versions of one lineage), and a partial unique index
-- covers the open statuses.
ALTER TABLE label_queue ADD COLUMN lineage_id INTEGER REFERENCES ml_models (id) ON DELETE CASCADE;
UPDATE label_queue SET lineage_id = (SELECT m.lineage_id FROM ml_models AS m WHERE m.id = label_queue.model_id);
CREATE UNIQUE INDEX ux_label_queue_open_compound ON label_queue (lineage_id, compound_id) WHERE status IN ('pending', 'in_progress');
