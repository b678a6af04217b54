ALTER TABLE compounds DROP COLUMN properties;
ALTER TABLE measurements DROP COLUMN qualifier;
