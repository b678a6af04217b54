DROP TABLE selection_shards;
