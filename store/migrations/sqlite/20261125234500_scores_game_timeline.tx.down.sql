DROP TABLE occurrence_events;
DROP TABLE timeline_items;
DROP TABLE achievements;
DROP TABLE xp_ledger;
DROP TABLE daily_scores;
