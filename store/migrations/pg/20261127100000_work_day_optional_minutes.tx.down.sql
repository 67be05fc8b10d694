-- Back to NOT NULL. The old schema cannot say "not entered": a NULL
-- becomes 0, which is what the code of that schema read a missing value
-- as. Every row is kept.
UPDATE work_days SET meeting_minutes = coalesce(meeting_minutes, 0), break_minutes = coalesce(break_minutes, 0)
WHERE meeting_minutes IS NULL OR break_minutes IS NULL;
ALTER TABLE work_days
    ALTER COLUMN meeting_minutes SET NOT NULL,
    ALTER COLUMN break_minutes SET NOT NULL;
