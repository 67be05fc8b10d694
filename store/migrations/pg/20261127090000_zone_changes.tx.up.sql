-- Each person's zone changes, in the order they happened. Streaks need
-- them: a flight east can jump the calendar past a day, which then cannot
-- break a streak. (user, at) is the idempotency key, so a retried move is
-- recorded once.
CREATE TABLE zone_changes (
    user_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at        timestamptz NOT NULL,
    from_zone varchar(64) NOT NULL CHECK (from_zone <> ''),
    to_zone   varchar(64) NOT NULL CHECK (to_zone <> ''),
    PRIMARY KEY (user_id, at),
    CHECK (from_zone <> to_zone)
);
