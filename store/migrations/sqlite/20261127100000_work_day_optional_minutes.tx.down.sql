-- Back to NOT NULL. The old schema cannot say "not entered": a NULL
-- becomes 0, which is what the code of that schema read a missing value
-- as. Every row is kept. The table is rebuilt as the up rebuilt it, into
-- the definition of the core migration.
ALTER TABLE work_days RENAME TO work_days_with_optional_minutes;

CREATE TABLE work_days (
    user_id             TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                 TEXT    NOT NULL CHECK (length(day) = 10),
    work_minutes        INTEGER NOT NULL,
    after_hours_minutes INTEGER NOT NULL,
    meeting_minutes     INTEGER NOT NULL,
    break_minutes       INTEGER NOT NULL,
    source              TEXT    NOT NULL DEFAULT '' CHECK (length(source) <= 32),
    updated_at          TEXT    NOT NULL CHECK (length(updated_at) = 27),
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;

INSERT INTO work_days (user_id, day, work_minutes, after_hours_minutes, meeting_minutes, break_minutes, source, updated_at)
SELECT user_id, day, work_minutes, after_hours_minutes, coalesce(meeting_minutes, 0), coalesce(break_minutes, 0), source, updated_at
FROM work_days_with_optional_minutes;

DROP TABLE work_days_with_optional_minutes;
