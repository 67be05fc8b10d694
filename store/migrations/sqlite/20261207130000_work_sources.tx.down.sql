DROP TABLE work_sources;
