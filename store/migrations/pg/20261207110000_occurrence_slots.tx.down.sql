-- The events of slots after the first have no place in the older schema.
DELETE FROM occurrence_events WHERE slot > 0;
ALTER TABLE occurrence_events DROP CONSTRAINT occurrence_events_item_id_day_slot_role_key;
ALTER TABLE occurrence_events DROP COLUMN slot;
ALTER TABLE occurrence_events RENAME CONSTRAINT occurrence_events_role_check TO occurrence_events_slot_check;
ALTER TABLE occurrence_events RENAME COLUMN role TO slot;
ALTER TABLE occurrence_events ADD CONSTRAINT occurrence_events_item_id_day_slot_key UNIQUE (item_id, day, slot);
