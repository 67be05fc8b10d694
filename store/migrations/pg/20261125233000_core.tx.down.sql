DROP TABLE work_days;
DROP TABLE sync_state;
DROP TABLE heart_rate;
DROP TABLE health_days;
DROP TABLE raw_documents;
DROP TABLE credentials;
DROP TABLE goals;
DROP TABLE users;
