-- The waiver table as upstream WaiverDB's Alembic migrations leave it (without the
-- legacy result_id and subject columns, which only upstream-created databases carry).
-- On a database upstream created, the table exists and nothing here touches it.
DO $$
BEGIN
    IF to_regclass('waiver') IS NULL THEN
        CREATE TABLE waiver (
            id                 SERIAL PRIMARY KEY,
            subject_type       TEXT NOT NULL,
            subject_identifier TEXT NOT NULL,
            testcase           TEXT NOT NULL,
            username           VARCHAR(255) NOT NULL,
            proxied_by         VARCHAR(255),
            product_version    VARCHAR(200) NOT NULL,
            waived             BOOLEAN NOT NULL,
            scenario           VARCHAR(255),
            comment            TEXT,
            "timestamp"        TIMESTAMP WITHOUT TIME ZONE
        );
        CREATE INDEX ix_waiver_subject_type ON waiver (subject_type);
        CREATE INDEX ix_waiver_subject_identifier ON waiver (subject_identifier);
        CREATE INDEX ix_waiver_subject_type_identifier ON waiver (subject_type, subject_identifier);
        CREATE INDEX ix_waiver_testcase ON waiver (testcase);
    END IF;
END
$$;
