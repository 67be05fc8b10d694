DROP TABLE sync_state;
DROP TABLE heart_rate;
DROP TABLE health_days;
DROP TABLE raw_documents;
DROP TABLE goals;
DROP TABLE users;
