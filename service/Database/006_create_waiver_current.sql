-- The current waivers: for each key of GET /waivers/ (subject, test case, scenario, user
-- and product version), the id of its newest waiver, kept by triggers on waiver in the
-- same transaction as the change. A list with no subject, test case or user (the start
-- page, `waiverdb-cli list` with no filter) pages through this table by time instead of
-- reading every waiver and probing for newer ones.
--
-- The `last` link needs how many there are. waiverdb_waiver_current_count holds that as
-- rows of changes (+1 for a new key, -1 for a key gone) per product version: writers
-- only ever insert into it, so they never wait on each other for a counter, and the
-- service folds the rows into one per product version every few seconds
-- (CurrentCountCompactor). A list with no filter, or only a product version, sums them.
--
-- The triggers keep it right whoever writes to waiver (this service, upstream's during
-- a switch-over, an operator's SQL); no row of waiver is changed. NULL scenarios are one
-- group, as in upstream's GROUP BY: the unique key is (scenario IS NULL,
-- coalesce(scenario, '')) rather than NULLS NOT DISTINCT, which needs PostgreSQL 15.
BEGIN;

-- Writers wait while the table is filled, so no waiver is missed or counted twice.
LOCK TABLE waiver IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE waiverdb_waiver_current (
    id                 INTEGER PRIMARY KEY,
    subject_type       TEXT NOT NULL,
    subject_identifier TEXT NOT NULL,
    testcase           TEXT NOT NULL,
    scenario           TEXT,
    username           TEXT NOT NULL,
    proxied_by         TEXT,
    product_version    TEXT NOT NULL,
    "timestamp"        TIMESTAMP WITHOUT TIME ZONE
);

CREATE UNIQUE INDEX waiverdb_waiver_current_key_idx ON waiverdb_waiver_current
    (subject_identifier, testcase, subject_type, (scenario IS NULL), (coalesce(scenario, '')), username, product_version);

-- The list's order (newest first), walked for a page without sorting the table.
CREATE INDEX waiverdb_waiver_current_timestamp_idx ON waiverdb_waiver_current ("timestamp" DESC NULLS LAST, id DESC);

CREATE TABLE waiverdb_waiver_current_count (
    id              BIGSERIAL PRIMARY KEY,
    product_version TEXT NOT NULL,
    n               BIGINT NOT NULL
);

-- Both tables computed afresh from waiver: the first fill here, and after an UPDATE by hand.
CREATE FUNCTION waiverdb_waiver_current_fill() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM waiverdb_waiver_current;
    DELETE FROM waiverdb_waiver_current_count;
    INSERT INTO waiverdb_waiver_current (id, subject_type, subject_identifier, testcase, scenario, username, proxied_by, product_version, "timestamp")
    SELECT DISTINCT ON (subject_identifier, testcase, subject_type, scenario, username, product_version)
           id, subject_type, subject_identifier, testcase, scenario, username, proxied_by, product_version, "timestamp"
    FROM waiver
    ORDER BY subject_identifier, testcase, subject_type, scenario, username, product_version, id DESC;
    INSERT INTO waiverdb_waiver_current_count (product_version, n)
    SELECT product_version, count(*) FROM waiverdb_waiver_current GROUP BY product_version;
END
$$;

SELECT waiverdb_waiver_current_fill();

-- New waivers replace the current one of their key when newer. Rows go in key order, so
-- two transactions writing overlapping lists take the key locks in the same order and
-- cannot deadlock; the newer id wins whichever commits first.
CREATE FUNCTION waiverdb_waiver_current_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- xmax is 0 on a row the upsert inserted (a new key), not on one it updated.
    WITH upserted AS (
        INSERT INTO waiverdb_waiver_current AS c
               (id, subject_type, subject_identifier, testcase, scenario, username, proxied_by, product_version, "timestamp")
        SELECT DISTINCT ON (subject_identifier, testcase, subject_type, scenario, username, product_version)
               id, subject_type, subject_identifier, testcase, scenario, username, proxied_by, product_version, "timestamp"
        FROM inserted
        ORDER BY subject_identifier, testcase, subject_type, scenario, username, product_version, id DESC
        ON CONFLICT (subject_identifier, testcase, subject_type, (scenario IS NULL), (coalesce(scenario, '')), username, product_version)
        DO UPDATE SET id = excluded.id, proxied_by = excluded.proxied_by, "timestamp" = excluded."timestamp"
        WHERE c.id < excluded.id
        RETURNING c.product_version, c.xmax = 0 AS added)
    INSERT INTO waiverdb_waiver_current_count (product_version, n)
    SELECT product_version, count(*) FROM upserted WHERE added GROUP BY product_version;
    RETURN NULL;
END
$$;

-- A removed waiver (DELETE /admin/waivers/{id}, or SQL) that was current hands over to
-- the newest one left of its key, if any.
CREATE FUNCTION waiverdb_waiver_current_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH removed AS (
        DELETE FROM waiverdb_waiver_current c USING deleted d WHERE c.id = d.id
        RETURNING c.product_version)
    INSERT INTO waiverdb_waiver_current_count (product_version, n)
    SELECT product_version, -count(*) FROM removed GROUP BY product_version;

    WITH upserted AS (
        INSERT INTO waiverdb_waiver_current AS c
               (id, subject_type, subject_identifier, testcase, scenario, username, proxied_by, product_version, "timestamp")
        SELECT DISTINCT ON (w.subject_identifier, w.testcase, w.subject_type, w.scenario, w.username, w.product_version)
               w.id, w.subject_type, w.subject_identifier, w.testcase, w.scenario, w.username, w.proxied_by, w.product_version, w."timestamp"
        FROM (SELECT DISTINCT subject_identifier, testcase, subject_type, scenario, username, product_version FROM deleted) AS k
        JOIN waiver w
          ON w.subject_identifier = k.subject_identifier AND w.testcase = k.testcase AND w.subject_type = k.subject_type
         AND w.scenario IS NOT DISTINCT FROM k.scenario AND w.username = k.username AND w.product_version = k.product_version
        ORDER BY w.subject_identifier, w.testcase, w.subject_type, w.scenario, w.username, w.product_version, w.id DESC
        ON CONFLICT (subject_identifier, testcase, subject_type, (scenario IS NULL), (coalesce(scenario, '')), username, product_version)
        DO UPDATE SET id = excluded.id, proxied_by = excluded.proxied_by, "timestamp" = excluded."timestamp"
        WHERE c.id < excluded.id
        RETURNING c.product_version, c.xmax = 0 AS added)
    INSERT INTO waiverdb_waiver_current_count (product_version, n)
    SELECT product_version, count(*) FROM upserted WHERE added GROUP BY product_version;
    RETURN NULL;
END
$$;

-- Neither this service nor upstream updates a waiver; an UPDATE by hand of a key column,
-- the proxy or the time rebuilds both tables from scratch rather than reasoning key by
-- key (an edited comment does not fire it). Make such an UPDATE while no one else writes.
CREATE FUNCTION waiverdb_waiver_current_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM waiverdb_waiver_current_fill();
    RETURN NULL;
END
$$;

CREATE FUNCTION waiverdb_waiver_current_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE waiverdb_waiver_current, waiverdb_waiver_current_count;
    RETURN NULL;
END
$$;

CREATE TRIGGER waiverdb_waiver_current_insert AFTER INSERT ON waiver
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION waiverdb_waiver_current_insert();
CREATE TRIGGER waiverdb_waiver_current_delete AFTER DELETE ON waiver
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION waiverdb_waiver_current_delete();
CREATE TRIGGER waiverdb_waiver_current_update
    AFTER UPDATE OF id, subject_type, subject_identifier, testcase, scenario, username, proxied_by, product_version, "timestamp" ON waiver
    FOR EACH STATEMENT EXECUTE FUNCTION waiverdb_waiver_current_rebuild();
CREATE TRIGGER waiverdb_waiver_current_truncate AFTER TRUNCATE ON waiver
    FOR EACH STATEMENT EXECUTE FUNCTION waiverdb_waiver_current_truncate();

COMMIT;
