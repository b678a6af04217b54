ALTER TABLE active_learning_cycles DROP COLUMN created_by;
