-- Meeting and break minutes are optional: NULL is "not entered", which
-- the work-life score leaves out, while 0 is a day without meetings or
-- breaks. Rows already stored keep their numbers.
--
-- SQLite cannot drop NOT NULL from a column, so the table is rebuilt in
-- this transaction: the old one is renamed aside, the new one created
-- under the real name (STRICT, the same checks, keys and cascading
-- foreign key), every row copied, and the old one dropped. No index,
-- trigger, view or foreign key refers to work_days.
ALTER TABLE work_days RENAME TO work_days_before_optional_minutes;

CREATE TABLE work_days (
    user_id             TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                 TEXT    NOT NULL CHECK (length(day) = 10),
    work_minutes        INTEGER NOT NULL,
    after_hours_minutes INTEGER NOT NULL,
    meeting_minutes     INTEGER,
    break_minutes       INTEGER,
    source              TEXT    NOT NULL DEFAULT '' CHECK (length(source) <= 32),
    updated_at          TEXT    NOT NULL CHECK (length(updated_at) = 27),
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;

INSERT INTO work_days (user_id, day, work_minutes, after_hours_minutes, meeting_minutes, break_minutes, source, updated_at)
SELECT user_id, day, work_minutes, after_hours_minutes, meeting_minutes, break_minutes, source, updated_at
FROM work_days_before_optional_minutes;

DROP TABLE work_days_before_optional_minutes;
