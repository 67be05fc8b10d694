-- Each person's settings for their work-stats sources (a time tracker, a
-- calendar): the source's settings as JSON, kept as written, which hold
-- no secret, and its secrets (a calendar's private feed URLs) as one
-- JSON object sealed with AES-256-GCM by the application, like the
-- tokens of credentials (key_id names the key). Sources order by byte
-- order.
CREATE TABLE work_sources (
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source     varchar(32) COLLATE "C" NOT NULL CHECK (source <> ''),
    settings   json        NOT NULL,
    secrets    bytea,
    key_id     varchar(32),
    version    bigint      NOT NULL CHECK (version >= 0),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, source),
    CHECK ((secrets IS NULL) = (key_id IS NULL))
);
CREATE INDEX work_sources_key ON work_sources (key_id) WHERE key_id IS NOT NULL;
