-- Each person's settings for their work-stats sources (a time tracker, a
-- calendar): the source's settings as JSON, kept as written, which hold
-- no secret, and its secrets (a calendar's private feed URLs) as one
-- JSON object sealed with AES-256-GCM by the application, like the
-- tokens of credentials (key_id names the key).
CREATE TABLE work_sources (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source     TEXT    NOT NULL CHECK (length(source) BETWEEN 1 AND 32),
    settings   TEXT    NOT NULL CHECK (json_valid(settings)),
    secrets    BLOB,
    key_id     TEXT    CHECK (length(key_id) BETWEEN 1 AND 32),
    version    INTEGER NOT NULL CHECK (version >= 0),
    updated_at TEXT    NOT NULL CHECK (length(updated_at) = 27),
    PRIMARY KEY (user_id, source),
    CHECK ((secrets IS NULL) = (key_id IS NULL))
) STRICT, WITHOUT ROWID;
CREATE INDEX work_sources_key ON work_sources (key_id) WHERE key_id IS NOT NULL;
