-- Meeting and break minutes are optional: NULL is "not entered", which
-- the work-life score leaves out, while 0 is a day without meetings or
-- breaks. Rows already stored keep their numbers.
ALTER TABLE work_days
    ALTER COLUMN meeting_minutes DROP NOT NULL,
    ALTER COLUMN break_minutes DROP NOT NULL;
