DROP TABLE achievements;
DROP TABLE occurrence_events;
DROP TABLE xp_ledger;
DROP TABLE daily_scores;
