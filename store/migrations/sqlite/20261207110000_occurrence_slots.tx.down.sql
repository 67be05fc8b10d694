-- The events of slots after the first have no place in the older schema;
-- the table is rebuilt as it was.
ALTER TABLE occurrence_events RENAME TO occurrence_events_with_slots;
DROP INDEX occurrence_events_user_day;

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

INSERT INTO occurrence_events (id, user_id, item_id, day, kind, slot, at, reason, postponed_to, postponed_to_date, created_at)
SELECT id, user_id, item_id, day, kind, role, at, reason, postponed_to, postponed_to_date, created_at
FROM occurrence_events_with_slots WHERE slot = 0;

DROP TABLE occurrence_events_with_slots;
