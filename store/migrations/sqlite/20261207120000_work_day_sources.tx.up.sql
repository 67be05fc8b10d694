-- A work day is kept per source: the person's own entry ("manual") and
-- what each work-stats source delivered are separate rows, merged field by
-- field when they are read, so an entry never hides a source's other
-- fields and removing it brings the source's values back. Rows stored
-- without a source were entered by hand.
--
-- SQLite cannot change a primary key, so the table is rebuilt in this
-- transaction: renamed aside, created anew under the real name (STRICT,
-- the same checks and cascading foreign key), every row copied, the old
-- one dropped. No index, trigger, view or foreign key refers to work_days.
ALTER TABLE work_days RENAME TO work_days_before_sources;

CREATE TABLE work_days (
    user_id             TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                 TEXT    NOT NULL CHECK (length(day) = 10),
    work_minutes        INTEGER NOT NULL,
    after_hours_minutes INTEGER NOT NULL,
    meeting_minutes     INTEGER,
    break_minutes       INTEGER,
    source              TEXT    NOT NULL CHECK (length(source) BETWEEN 1 AND 32),
    updated_at          TEXT    NOT NULL CHECK (length(updated_at) = 27),
    PRIMARY KEY (user_id, day, source)
) STRICT, WITHOUT ROWID;

INSERT INTO work_days (user_id, day, work_minutes, after_hours_minutes, meeting_minutes, break_minutes, source, updated_at)
SELECT user_id, day, work_minutes, after_hours_minutes, meeting_minutes, break_minutes,
       CASE WHEN source = '' THEN 'manual' ELSE source END, updated_at
FROM work_days_before_sources;

DROP TABLE work_days_before_sources;
