-- How people reach their data from outside: devices signed in through the
-- HTTP API, the chain of refresh tokens of each device, pairing codes, and
-- personal access tokens (scripts, calendar feeds). Only SHA-256 hashes of
-- the secrets are kept, each unique across every user, since a token is
-- all a request carries.
CREATE TABLE devices (
    id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at   TEXT NOT NULL CHECK (length(created_at) = 27),
    last_used_at TEXT CHECK (length(last_used_at) = 27),
    revoked_at   TEXT CHECK (length(revoked_at) = 27)
) STRICT;
CREATE INDEX devices_user ON devices (user_id, created_at, id);

CREATE TABLE refresh_tokens (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id  TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at TEXT NOT NULL CHECK (length(created_at) = 27),
    expires_at TEXT NOT NULL CHECK (length(expires_at) = 27),
    used_at    TEXT CHECK (length(used_at) = 27),
    successor  TEXT CHECK (length(successor) = 36),
    CHECK ((used_at IS NULL) = (successor IS NULL))
) STRICT;
CREATE INDEX refresh_tokens_device ON refresh_tokens (device_id, expires_at);

CREATE TABLE pairing_codes (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at TEXT NOT NULL CHECK (length(created_at) = 27),
    expires_at TEXT NOT NULL CHECK (length(expires_at) = 27),
    used_at    TEXT CHECK (length(used_at) = 27)
) STRICT;
CREATE INDEX pairing_codes_user ON pairing_codes (user_id, expires_at);

CREATE TABLE personal_tokens (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'write', 'calendar')),
    hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at TEXT NOT NULL CHECK (length(created_at) = 27),
    expires_at TEXT CHECK (length(expires_at) = 27)
) STRICT;
CREATE INDEX personal_tokens_user ON personal_tokens (user_id, created_at, id);
