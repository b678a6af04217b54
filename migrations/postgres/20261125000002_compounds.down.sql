DROP TABLE compound_set_members;
DROP TABLE compound_sets;
DROP TABLE compounds;
