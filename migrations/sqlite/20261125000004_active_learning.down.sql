DROP TABLE measurements;
DROP TABLE label_queue;
DROP TABLE active_learning_cycles;
