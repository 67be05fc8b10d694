-- Computed daily scores, the game layer and the timeline.

-- One row per scored day. A NULL domain had no data that day; each
-- domain's contributors are a JSON array whose decimals are strings, so
-- they stay exact.
CREATE TABLE daily_scores (
    user_id                uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                    date        NOT NULL,
    life                   numeric,
    life_contributors      json,
    sleep                  numeric,
    sleep_contributors     json,
    activity               numeric,
    activity_contributors  json,
    work_life              numeric,
    work_life_contributors json,
    habits                 numeric,
    habits_contributors    json,
    computed_at            timestamptz NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- The XP ledger: (user, key) is the idempotency key, so an award is
-- inserted once however often it is requested.
CREATE TABLE xp_ledger (
    user_id    uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        varchar(200) COLLATE "C" NOT NULL,
    day        date         NOT NULL,
    kind       varchar(32)  NOT NULL,
    points     bigint       NOT NULL,
    reason     varchar(200) NOT NULL DEFAULT '',
    parts      json,
    item_id    uuid,
    code       varchar(64)  NOT NULL DEFAULT '',
    created_at timestamptz  NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX xp_ledger_user_day ON xp_ledger (user_id, day, created_at, key);

CREATE TABLE achievements (
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code        varchar(64) COLLATE "C" NOT NULL,
    day         date        NOT NULL,
    unlocked_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, code)
);

-- Timeline items: the definition (schedule, anchor, offset, duration, …)
-- is the timeline package's JSON; the columns are what queries need.
CREATE TABLE timeline_items (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    difficulty varchar(16) NOT NULL DEFAULT '',
    definition json        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (user_id, id)
);
CREATE INDEX timeline_items_user ON timeline_items (user_id, created_at, id);

-- What happened to timeline occurrences. Completed and skipped share the
-- slot "outcome", postponed has its own: one event per (item, day, slot).
CREATE TABLE occurrence_events (
    id           uuid         PRIMARY KEY,
    user_id      uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id      uuid         NOT NULL,
    day          date         NOT NULL,
    kind         varchar(16)  NOT NULL CHECK (kind IN ('completed', 'skipped', 'postponed')),
    slot         varchar(16)  NOT NULL CHECK (slot IN ('outcome', 'postponed')),
    at           timestamptz  NOT NULL,
    reason       varchar(500) NOT NULL DEFAULT '',
    postponed_to timestamptz,
    postponed_to_date date,
    created_at   timestamptz  NOT NULL,
    UNIQUE (item_id, day, slot),
    FOREIGN KEY (user_id, item_id) REFERENCES timeline_items (user_id, id) ON DELETE CASCADE
);
CREATE INDEX occurrence_events_user_day ON occurrence_events (user_id, day, created_at, id);
