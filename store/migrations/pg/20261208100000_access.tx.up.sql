-- How people reach their data from outside: devices signed in through the
-- HTTP API, the chain of refresh tokens of each device, pairing codes, and
-- personal access tokens (scripts, calendar feeds). Only SHA-256 hashes of
-- the secrets are kept, each unique across every user, since a token is
-- all a request carries.
CREATE TABLE devices (
    id           uuid         PRIMARY KEY,
    user_id      uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         varchar(100) NOT NULL CHECK (name <> ''),
    created_at   timestamptz  NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX devices_user ON devices (user_id, created_at, id);

CREATE TABLE refresh_tokens (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id  uuid        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    hash       bytea       NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    successor  uuid,
    CHECK ((used_at IS NULL) = (successor IS NULL))
);
CREATE INDEX refresh_tokens_device ON refresh_tokens (device_id, expires_at);

CREATE TABLE pairing_codes (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash       bytea       NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX pairing_codes_user ON pairing_codes (user_id, expires_at);

CREATE TABLE personal_tokens (
    id         uuid         PRIMARY KEY,
    user_id    uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       varchar(100) NOT NULL CHECK (name <> ''),
    scope      varchar(16)  NOT NULL CHECK (scope IN ('read', 'write', 'calendar')),
    hash       bytea        NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at timestamptz  NOT NULL,
    expires_at timestamptz
);
CREATE INDEX personal_tokens_user ON personal_tokens (user_id, created_at, id);
