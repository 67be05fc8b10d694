-- Computed daily scores, the game layer and the timeline. Decimals are exact text.

CREATE TABLE daily_scores (
    user_id                TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                    TEXT NOT NULL CHECK (length(day) = 10),
    life                   TEXT,
    life_contributors      TEXT CHECK (json_valid(life_contributors)),
    sleep                  TEXT,
    sleep_contributors     TEXT CHECK (json_valid(sleep_contributors)),
    activity               TEXT,
    activity_contributors  TEXT CHECK (json_valid(activity_contributors)),
    work_life              TEXT,
    work_life_contributors TEXT CHECK (json_valid(work_life_contributors)),
    habits                 TEXT,
    habits_contributors    TEXT CHECK (json_valid(habits_contributors)),
    computed_at            TEXT NOT NULL CHECK (length(computed_at) = 27),
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE xp_ledger (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    day        TEXT    NOT NULL CHECK (length(day) = 10),
    kind       TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
    points     INTEGER NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
    parts      TEXT CHECK (json_valid(parts)),
    item_id    TEXT CHECK (length(item_id) = 36),
    code       TEXT    NOT NULL DEFAULT '' CHECK (length(code) <= 64),
    created_at TEXT    NOT NULL CHECK (length(created_at) = 27),
    PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX xp_ledger_user_day ON xp_ledger (user_id, day, created_at, key);

CREATE TABLE achievements (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code        TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
    day         TEXT NOT NULL CHECK (length(day) = 10),
    unlocked_at TEXT NOT NULL CHECK (length(unlocked_at) = 27),
    PRIMARY KEY (user_id, code)
) STRICT, WITHOUT ROWID;

CREATE TABLE timeline_items (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    difficulty TEXT NOT NULL DEFAULT '' CHECK (length(difficulty) <= 16),
    definition TEXT NOT NULL CHECK (json_valid(definition)),
    created_at TEXT NOT NULL CHECK (length(created_at) = 27),
    updated_at TEXT NOT NULL CHECK (length(updated_at) = 27),
    UNIQUE (user_id, id)
) STRICT;
CREATE INDEX timeline_items_user ON timeline_items (user_id, created_at, id);

CREATE TABLE occurrence_events (
    id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id      TEXT NOT NULL CHECK (length(item_id) = 36),
    day          TEXT NOT NULL CHECK (length(day) = 10),
    kind         TEXT NOT NULL CHECK (kind IN ('completed', 'skipped', 'postponed')),
    slot         TEXT NOT NULL CHECK (slot IN ('outcome', 'postponed')),
    at           TEXT NOT NULL CHECK (length(at) = 27),
    reason       TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    postponed_to TEXT CHECK (length(postponed_to) = 27),
    postponed_to_date TEXT CHECK (length(postponed_to_date) = 10),
    created_at   TEXT NOT NULL CHECK (length(created_at) = 27),
    UNIQUE (item_id, day, slot),
    FOREIGN KEY (user_id, item_id) REFERENCES timeline_items (user_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX occurrence_events_user_day ON occurrence_events (user_id, day, created_at, id);
