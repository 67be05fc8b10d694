-- One row per day again: the person's own entry where there is one, else
-- the source whose name sorts first. The other sources' rows of such a
-- day are deleted; a later sync delivers them again.
DELETE FROM work_days w
WHERE EXISTS (
    SELECT 1 FROM work_days o
    WHERE o.user_id = w.user_id AND o.day = w.day AND o.source <> w.source
      AND (o.source = 'manual' OR (w.source <> 'manual' AND o.source < w.source))
);
ALTER TABLE work_days DROP CONSTRAINT work_days_pkey;
ALTER TABLE work_days ALTER COLUMN source TYPE varchar(32) COLLATE "default";
ALTER TABLE work_days ADD PRIMARY KEY (user_id, day);
ALTER TABLE work_days DROP CONSTRAINT work_days_source_named;
ALTER TABLE work_days ALTER COLUMN source SET DEFAULT '';
