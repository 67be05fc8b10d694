-- The core records: people, their goals, and what health providers send.
-- Instants are timestamptz, days are date, zones are IANA names.

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

CREATE TABLE goals (
    user_id             uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sleep_minutes       integer     NOT NULL,
    steps               integer     NOT NULL,
    work_minutes        integer     NOT NULL,
    after_hours_minutes integer     NOT NULL,
    updated_at          timestamptz NOT NULL
);

-- Every provider document byte for byte (json keeps the exact text),
-- replaced in place when the provider revises it.
CREATE TABLE raw_documents (
    user_id    uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   varchar(32)  NOT NULL,
    kind       varchar(64)  NOT NULL,
    doc_id     varchar(200) NOT NULL,
    day        date,
    deleted    boolean      NOT NULL DEFAULT false,
    data       json         NOT NULL,
    fetched_at timestamptz  NOT NULL,
    PRIMARY KEY (user_id, provider, kind, doc_id)
);
CREATE INDEX raw_documents_user_day ON raw_documents (user_id, day);

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
    kind      varchar(32) NOT NULL,
    through   date        NOT NULL,
    synced_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind)
);
