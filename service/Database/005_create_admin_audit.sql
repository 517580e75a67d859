-- The administrators' audit log: one row per revoke or remove, written in the
-- transaction that does it. Only the waiver's id and key are kept (not its comment or
-- user), so a waiver removed for its content leaves none of that content here. No
-- foreign key to waiver: the row outlives a removed waiver.
CREATE TABLE IF NOT EXISTS waiverdb_admin_audit (
    id                  BIGSERIAL PRIMARY KEY,
    action              TEXT NOT NULL CHECK (action IN ('revoke', 'remove')),
    admin               TEXT NOT NULL,
    reason              TEXT NOT NULL CHECK (btrim(reason) <> ''),
    "timestamp"         TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC'),
    waiver_id           INTEGER NOT NULL,
    subject_type        TEXT NOT NULL,
    subject_identifier  TEXT NOT NULL,
    testcase            TEXT NOT NULL,
    scenario            TEXT,
    product_version     TEXT NOT NULL,
    revocation_id       INTEGER
);

-- What happened to one waiver, for operators answering "who removed 1234?".
CREATE INDEX IF NOT EXISTS waiverdb_admin_audit_waiver_idx ON waiverdb_admin_audit (waiver_id);
