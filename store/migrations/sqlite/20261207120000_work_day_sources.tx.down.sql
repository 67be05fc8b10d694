-- One row per day again: the person's own entry where there is one, else
-- the source whose name sorts first. The other sources' rows of such a
-- day are not copied; a later sync delivers them again.
ALTER TABLE work_days RENAME TO work_days_by_source;

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
FROM work_days_by_source w
WHERE NOT EXISTS (
    SELECT 1 FROM work_days_by_source o
    WHERE o.user_id = w.user_id AND o.day = w.day AND o.source <> w.source
      AND (o.source = 'manual' OR (w.source <> 'manual' AND o.source < w.source))
);

DROP TABLE work_days_by_source;
