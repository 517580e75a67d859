-- Finds the newest waiver of a (subject, test case) key without reading the table: the
-- obsolescence check and Greenwave's +filtered lookups both walk it. CONCURRENTLY keeps
-- writes flowing while it is built on a large existing table, and so must be the only
-- statement in its file (it cannot run inside a transaction).
CREATE INDEX CONCURRENTLY IF NOT EXISTS waiverdb_waiver_key_idx
    ON waiver (subject_identifier, testcase, subject_type, id)
