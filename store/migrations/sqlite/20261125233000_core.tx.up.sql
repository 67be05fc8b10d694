-- The core records: people, their goals and credentials, and what health
-- providers send. Tables are STRICT. Instants are UTC text of fixed width
-- (2006-01-02T15:04:05.000000Z), so text order is time order; days are
-- YYYY-MM-DD text; zones are IANA names; decimals are text (exact); UUIDs
-- are canonical lowercase text. Strings carry the length limits of the
-- Postgres schema as checks.

CREATE TABLE users (
    id             TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    zone           TEXT    NOT NULL CHECK (length(zone) BETWEEN 1 AND 64),
    day_start_hour INTEGER NOT NULL CHECK (day_start_hour BETWEEN 0 AND 23),
    wake_minute    INTEGER NOT NULL CHECK (wake_minute BETWEEN 0 AND 1439),
    bed_minute     INTEGER NOT NULL CHECK (bed_minute BETWEEN 0 AND 1439),
    created_at     TEXT    NOT NULL CHECK (length(created_at) = 27),
    updated_at     TEXT    NOT NULL CHECK (length(updated_at) = 27)
) STRICT;
CREATE INDEX users_created ON users (created_at, id);

CREATE TABLE goals (
    user_id             TEXT    NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sleep_minutes       INTEGER NOT NULL,
    steps               INTEGER NOT NULL,
    work_minutes        INTEGER NOT NULL,
    after_hours_minutes INTEGER NOT NULL,
    resting_heart_rate  INTEGER NOT NULL,
    day_goal_percent    INTEGER NOT NULL,
    weight_sleep        TEXT    NOT NULL,
    weight_activity     TEXT    NOT NULL,
    weight_work_life    TEXT    NOT NULL,
    weight_habits       TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL CHECK (length(updated_at) = 27)
) STRICT;

CREATE TABLE credentials (
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider      TEXT NOT NULL CHECK (length(provider) BETWEEN 1 AND 32),
    external_id   TEXT CHECK (length(external_id) <= 200),
    access_token  BLOB NOT NULL,
    refresh_token BLOB,
    key_id        TEXT NOT NULL CHECK (length(key_id) BETWEEN 1 AND 32),
    token_type    TEXT NOT NULL DEFAULT '' CHECK (length(token_type) <= 32),
    expiry        TEXT CHECK (length(expiry) = 27),
    scopes        TEXT CHECK (json_valid(scopes)),
    updated_at    TEXT NOT NULL CHECK (length(updated_at) = 27),
    PRIMARY KEY (user_id, provider)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX credentials_external ON credentials (provider, external_id);
CREATE INDEX credentials_key ON credentials (key_id);

CREATE TABLE raw_documents (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT    NOT NULL CHECK (length(provider) BETWEEN 1 AND 32),
    kind       TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
    doc_id     TEXT    NOT NULL CHECK (length(doc_id) BETWEEN 1 AND 200),
    day        TEXT             CHECK (length(day) = 10),
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    data       TEXT    NOT NULL CHECK (json_valid(data)),
    fetched_at TEXT    NOT NULL CHECK (length(fetched_at) = 27),
    PRIMARY KEY (user_id, provider, kind, doc_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX raw_documents_user_day ON raw_documents (user_id, day, kind, doc_id);

CREATE TABLE health_days (
    user_id                TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                    TEXT    NOT NULL CHECK (length(day) = 10),
    source                 TEXT    NOT NULL DEFAULT '' CHECK (length(source) <= 32),
    sleep_score            INTEGER,
    sleep_contributors     TEXT CHECK (json_valid(sleep_contributors)),
    readiness_score        INTEGER,
    readiness_contributors TEXT CHECK (json_valid(readiness_contributors)),
    activity_score         INTEGER,
    activity_contributors  TEXT CHECK (json_valid(activity_contributors)),
    steps                  INTEGER,
    total_sleep_seconds    INTEGER,
    efficiency             INTEGER,
    resting_heart_rate     INTEGER,
    hrv                    INTEGER,
    bedtime                TEXT CHECK (length(bedtime) = 27),
    wake_time              TEXT CHECK (length(wake_time) = 27),
    updated_at             TEXT    NOT NULL CHECK (length(updated_at) = 27),
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE heart_rate (
    user_id TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      TEXT    NOT NULL CHECK (length(at) = 27),
    bpm     INTEGER NOT NULL,
    source  TEXT    NOT NULL DEFAULT '' CHECK (length(source) <= 32),
    PRIMARY KEY (user_id, at)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_state (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
    through   TEXT NOT NULL CHECK (length(through) = 10),
    synced_at TEXT NOT NULL CHECK (length(synced_at) = 27),
    PRIMARY KEY (user_id, kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE work_days (
    user_id             TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                 TEXT    NOT NULL CHECK (length(day) = 10),
    work_minutes        INTEGER NOT NULL,
    after_hours_minutes INTEGER NOT NULL,
    meeting_minutes     INTEGER NOT NULL,
    break_minutes       INTEGER NOT NULL,
    source              TEXT    NOT NULL DEFAULT '' CHECK (length(source) <= 32),
    updated_at          TEXT    NOT NULL CHECK (length(updated_at) = 27),
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;
