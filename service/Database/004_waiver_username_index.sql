-- Finds one user's waivers ("waiverdb-cli list --username", GET /waivers/?username=)
-- without reading the table; upstream indexes subjects and test cases but not users.
-- CONCURRENTLY keeps writes flowing while it is built on a large existing table, and so
-- must be the only statement in its file (it cannot run inside a transaction).
CREATE INDEX CONCURRENTLY IF NOT EXISTS waiverdb_waiver_username_idx
    ON waiver (username)
