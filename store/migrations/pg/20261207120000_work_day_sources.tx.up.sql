-- A work day is kept per source: the person's own entry ("manual") and
-- what each work-stats source delivered are separate rows, merged field by
-- field when they are read, so an entry never hides a source's other
-- fields and removing it brings the source's values back. Rows stored
-- without a source were entered by hand. Sources order by byte order
-- (COLLATE "C"), as on SQLite.
UPDATE work_days SET source = 'manual' WHERE source = '';
ALTER TABLE work_days ALTER COLUMN source DROP DEFAULT;
ALTER TABLE work_days DROP CONSTRAINT work_days_pkey;
ALTER TABLE work_days ALTER COLUMN source TYPE varchar(32) COLLATE "C";
ALTER TABLE work_days ADD CONSTRAINT work_days_source_named CHECK (source <> '');
ALTER TABLE work_days ADD PRIMARY KEY (user_id, day, source);
