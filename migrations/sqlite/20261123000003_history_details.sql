-- History entries keep structured details (times as UTC seconds) next to their note, so
-- that each viewer reads times in their own zone instead of the zone of whoever wrote them.
ALTER TABLE application_events ADD COLUMN detail_json TEXT;
