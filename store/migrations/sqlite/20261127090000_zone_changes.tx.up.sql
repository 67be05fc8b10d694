-- Each person's zone changes, in the order they happened. Streaks need
-- them: a flight east can jump the calendar past a day, which then cannot
-- break a streak. (user, at) is the idempotency key, so a retried move is
-- recorded once.
CREATE TABLE zone_changes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at        TEXT NOT NULL CHECK (length(at) = 27),
    from_zone TEXT NOT NULL CHECK (length(from_zone) BETWEEN 1 AND 64),
    to_zone   TEXT NOT NULL CHECK (length(to_zone) BETWEEN 1 AND 64),
    PRIMARY KEY (user_id, at),
    CHECK (from_zone <> to_zone)
) STRICT, WITHOUT ROWID;
