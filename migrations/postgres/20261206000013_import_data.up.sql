-- Imports keep their data (issue 14, part 3). A measurement's qualifier:
-- '' for an exact value, '<', '<=', '>' or '>=' for a censored value (a
-- bound: shown, but left out of training and of the endpoint's observed
-- range), '~' for an approximate value (trained as exact). A compound's
-- properties: every CSV/XLSX column or SDF data item it was imported with,
-- as a JSON array of {"name", "value"} objects in file order.
ALTER TABLE measurements ADD COLUMN qualifier TEXT NOT NULL DEFAULT ''
    CONSTRAINT ck_measurements_qualifier CHECK (qualifier IN ('', '<', '<=', '>', '>=', '~'));
ALTER TABLE compounds ADD COLUMN properties TEXT NOT NULL DEFAULT '[]';
