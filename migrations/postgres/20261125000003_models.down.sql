DROP TABLE ml_models;
DROP TABLE validation_set_members;
DROP TABLE validation_sets;
