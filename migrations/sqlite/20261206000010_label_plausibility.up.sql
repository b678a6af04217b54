-- A label far outside its endpoint's observed range and the model's
-- prediction is refused unless its labeler confirms it (submitLabel with
-- confirm: true); a confirmed one is kept with this flag, on the queue item
-- and on the measurement it became, so the web app can show it and the
-- endpoint's observed range ignores it.
ALTER TABLE label_queue ADD COLUMN label_implausible BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE measurements ADD COLUMN implausible BOOLEAN NOT NULL DEFAULT FALSE;
