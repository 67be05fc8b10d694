-- Units of work and state kept by the writes.
--
-- users.version and timeline_items.version count the changes of a
-- profile and an item: a conditional update of a stale version is a
-- conflict (an HTTP layer's ETag and If-Match). users.xp_total is the sum
-- of the person's ledger, kept by every write of the ledger in the same
-- transaction, so reading it never sums the ledger. daily_scores.state is
-- what the Service counted through the end of a day (streaks, achievement
-- measures, habit strength), kept as written; reads count on from the
-- latest one instead of from the person's first day.
ALTER TABLE users ADD COLUMN version bigint NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE users ADD COLUMN xp_total bigint NOT NULL DEFAULT 0;
UPDATE users SET xp_total = COALESCE((SELECT SUM(points) FROM xp_ledger WHERE xp_ledger.user_id = users.id), 0);
ALTER TABLE timeline_items ADD COLUMN version bigint NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE daily_scores ADD COLUMN state json;
CREATE INDEX daily_scores_state ON daily_scores (user_id, day) WHERE state IS NOT NULL;
