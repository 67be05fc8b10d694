DROP INDEX daily_scores_state;
ALTER TABLE daily_scores DROP COLUMN state;
ALTER TABLE timeline_items DROP COLUMN version;
ALTER TABLE users DROP COLUMN xp_total;
ALTER TABLE users DROP COLUMN version;
