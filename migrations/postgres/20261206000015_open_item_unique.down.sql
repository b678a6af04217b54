DROP INDEX ux_label_queue_open_compound;
ALTER TABLE label_queue DROP COLUMN lineage_id;
