-- Who started a cycle (issue 13, the cycle history's "who started"): the
-- user whose selectSamples created it; NULL for a cycle started by no one
-- in particular (the demo seed, a simulation) and once that user is deleted.
-- Cycles started before this column are given the actor of their
-- cycle_started event, when it names a user that still exists.
ALTER TABLE active_learning_cycles ADD COLUMN created_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
UPDATE active_learning_cycles SET created_by = (
    SELECT e.actor_id FROM events e
    WHERE e.type = 'cycle_started' AND e.cycle_id = active_learning_cycles.id
      AND e.actor_id IN (SELECT id FROM users)
    ORDER BY e.seq LIMIT 1);
