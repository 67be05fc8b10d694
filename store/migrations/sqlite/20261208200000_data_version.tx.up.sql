-- users.data_version counts the units of work of a person: every
-- lifeops Update raises it in the statement that takes the person's lock,
-- in the same transaction as its writes. A reader that finds the number
-- unchanged knows that nothing written through a unit of work changed,
-- and may answer from what it computed before.
ALTER TABLE users ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;
