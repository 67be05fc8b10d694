-- The core records: people, their goals and credentials, and what health
-- providers send. Instants are timestamptz, days are date, zones are IANA
-- names, decimals are numeric (exact, any scale). Text keys that listings
-- order by use COLLATE "C", so order is byte order on every server, as on
-- SQLite.

CREATE TABLE users (
    id             uuid         PRIMARY KEY,
    name           varchar(100) NOT NULL CHECK (name <> ''),
    zone           varchar(64)  NOT NULL CHECK (zone <> ''),
    day_start_hour smallint     NOT NULL CHECK (day_start_hour BETWEEN 0 AND 23),
    wake_minute    smallint     NOT NULL CHECK (wake_minute BETWEEN 0 AND 1439),
    bed_minute     smallint     NOT NULL CHECK (bed_minute BETWEEN 0 AND 1439),
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL
);
CREATE INDEX users_created ON users (created_at, id);

CREATE TABLE goals (
    user_id             uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sleep_minutes       integer     NOT NULL,
    steps               integer     NOT NULL,
    work_minutes        integer     NOT NULL,
    after_hours_minutes integer     NOT NULL,
    resting_heart_rate  integer     NOT NULL,
    day_goal_percent    integer     NOT NULL,
    weight_sleep        numeric     NOT NULL,
    weight_activity     numeric     NOT NULL,
    weight_work_life    numeric     NOT NULL,
    weight_habits       numeric     NOT NULL,
    updated_at          timestamptz NOT NULL
);

-- Provider credentials. Tokens are sealed with AES-256-GCM by the
-- application (key_id names the key); the database never sees plaintext.
CREATE TABLE credentials (
    user_id       uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider      varchar(32)  NOT NULL,
    external_id   varchar(200),
    access_token  bytea        NOT NULL,
    refresh_token bytea,
    key_id        varchar(32)  NOT NULL,
    token_type    varchar(32)  NOT NULL DEFAULT '',
    expiry        timestamptz,
    scopes        json,
    updated_at    timestamptz  NOT NULL,
    PRIMARY KEY (user_id, provider)
);
CREATE UNIQUE INDEX credentials_external ON credentials (provider, external_id);
CREATE INDEX credentials_key ON credentials (key_id);

-- Every provider document byte for byte (json keeps the exact text),
-- replaced in place when the provider revises it.
CREATE TABLE raw_documents (
    user_id    uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   varchar(32)  COLLATE "C" NOT NULL,
    kind       varchar(64)  COLLATE "C" NOT NULL,
    doc_id     varchar(200) COLLATE "C" NOT NULL,
    day        date,
    deleted    boolean      NOT NULL DEFAULT false,
    data       json         NOT NULL,
    fetched_at timestamptz  NOT NULL,
    PRIMARY KEY (user_id, provider, kind, doc_id)
);
CREATE INDEX raw_documents_user_day ON raw_documents (user_id, day, kind, doc_id);

-- The typed per-day record beside the raw documents.
CREATE TABLE health_days (
    user_id                uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                    date        NOT NULL,
    source                 varchar(32) NOT NULL DEFAULT '',
    sleep_score            smallint,
    sleep_contributors     json,
    readiness_score        smallint,
    readiness_contributors json,
    activity_score         smallint,
    activity_contributors  json,
    steps                  integer,
    total_sleep_seconds    integer,
    efficiency             smallint,
    resting_heart_rate     smallint,
    hrv                    smallint,
    bedtime                timestamptz,
    wake_time              timestamptz,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE TABLE heart_rate (
    user_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL,
    bpm     smallint    NOT NULL,
    source  varchar(32) NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, at)
);

CREATE TABLE sync_state (
    user_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind      varchar(32) COLLATE "C" NOT NULL,
    through   date        NOT NULL,
    synced_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE work_days (
    user_id             uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                 date        NOT NULL,
    work_minutes        integer     NOT NULL,
    after_hours_minutes integer     NOT NULL,
    meeting_minutes     integer     NOT NULL,
    break_minutes       integer     NOT NULL,
    source              varchar(32) NOT NULL DEFAULT '',
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (user_id, day)
);
