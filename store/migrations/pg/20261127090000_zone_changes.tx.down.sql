DROP TABLE zone_changes;
