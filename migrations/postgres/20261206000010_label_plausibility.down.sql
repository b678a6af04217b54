ALTER TABLE measurements DROP COLUMN implausible;
ALTER TABLE label_queue DROP COLUMN label_implausible;
