-- An item can be due several times a day: an occurrence is (item, day,
-- slot), slot being its place among the item's occurrences that day (0
-- for an item due once). The column that kept an event's role on its
-- occurrence (an outcome, completed or skipped, or a postponement) is
-- renamed role; an occurrence holds at most one event per role.
ALTER TABLE occurrence_events RENAME COLUMN slot TO role;
ALTER TABLE occurrence_events RENAME CONSTRAINT occurrence_events_slot_check TO occurrence_events_role_check;
ALTER TABLE occurrence_events ADD COLUMN slot smallint NOT NULL DEFAULT 0 CHECK (slot BETWEEN 0 AND 47);
ALTER TABLE occurrence_events DROP CONSTRAINT occurrence_events_item_id_day_slot_key;
ALTER TABLE occurrence_events ADD CONSTRAINT occurrence_events_item_id_day_slot_role_key UNIQUE (item_id, day, slot, role);
