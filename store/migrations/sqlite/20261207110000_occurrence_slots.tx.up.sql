-- An item can be due several times a day: an occurrence is (item, day,
-- slot), slot being its place among the item's occurrences that day (0
-- for an item due once). The column that kept an event's role on its
-- occurrence (an outcome, completed or skipped, or a postponement) is
-- renamed role; an occurrence holds at most one event per role.
--
-- SQLite cannot change a table's unique constraint, so the table is
-- rebuilt in this transaction: renamed aside, created anew under the real
-- name (STRICT, the same checks and cascading foreign key), every row
-- copied, the old one dropped, and its index made again. No other table
-- refers to occurrence_events.
ALTER TABLE occurrence_events RENAME TO occurrence_events_before_slots;
DROP INDEX occurrence_events_user_day;

CREATE TABLE occurrence_events (
    id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id      TEXT NOT NULL CHECK (length(item_id) = 36),
    day          TEXT NOT NULL CHECK (length(day) = 10),
    slot         INTEGER NOT NULL DEFAULT 0 CHECK (slot BETWEEN 0 AND 47),
    kind         TEXT NOT NULL CHECK (kind IN ('completed', 'skipped', 'postponed')),
    role         TEXT NOT NULL CHECK (role IN ('outcome', 'postponed')),
    at           TEXT NOT NULL CHECK (length(at) = 27),
    reason       TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    postponed_to TEXT CHECK (length(postponed_to) = 27),
    postponed_to_date TEXT CHECK (length(postponed_to_date) = 10),
    created_at   TEXT NOT NULL CHECK (length(created_at) = 27),
    UNIQUE (item_id, day, slot, role),
    FOREIGN KEY (user_id, item_id) REFERENCES timeline_items (user_id, id) ON DELETE CASCADE
) STRICT;

INSERT INTO occurrence_events (id, user_id, item_id, day, slot, kind, role, at, reason, postponed_to, postponed_to_date, created_at)
SELECT id, user_id, item_id, day, 0, kind, slot, at, reason, postponed_to, postponed_to_date, created_at
FROM occurrence_events_before_slots;

DROP TABLE occurrence_events_before_slots;
CREATE INDEX occurrence_events_user_day ON occurrence_events (user_id, day, created_at, id);
