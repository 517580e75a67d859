-- Seeds the waiver table with :rows waivers shaped like Fedora's (psql -v rows=N).
--
-- Subjects grow with the table (one per ten waivers), so a question about one subject
-- has the same answer at any size, while test cases (300) are shared across subjects
-- and users (2,000) and product versions (12) are few: the table's size shows only in
-- how many rows a query must not read. Each subject is waived for three of its test
-- cases, so a key has three to four waivers and obsolescence hides most of them.
-- Ids follow time, as in production, over five years. Values come from hashes of the
-- row number: every run seeds the same data.
\set ON_ERROR_STOP on
TRUNCATE waiver RESTART IDENTITY;
INSERT INTO waiver (subject_type, subject_identifier, testcase, scenario, username, proxied_by,
                    product_version, waived, comment, "timestamp")
SELECT CASE WHEN s % 20 = 0 THEN 'bodhi_update' ELSE 'koji_build' END,
       CASE WHEN s % 20 = 0 THEN format('FEDORA-%s-%s', 2021 + s % 5, lpad(to_hex(s), 10, '0'))
            ELSE format('pkg%s-%s.%s-1.fc%s', s, 1 + s % 7, s % 13, 30 + s % 12) END,
       format('fedora-ci.koji-build.tier%s.test%s', t % 3, t),
       CASE WHEN h % 10 = 0 THEN 'x86_64.uefi' END,
       format('user%s', (s * 13 + h % 3) % 2000),
       CASE WHEN h % 3 = 0 THEN 'bodhi' END,
       format('fedora-%s', 30 + s % 12),
       h % 50 <> 0,
       format('Waived after review of run %s: known flaky test', i),
       timestamp '2021-11-01' + (i::float8 / :rows) * interval '1826 days'
FROM generate_series(1, :rows) AS i,
     LATERAL (SELECT i / 10 AS s, abs(hashint4(i)) AS h) AS r,
     -- the subject's three test cases, picked from the 300 by the subject's number
     LATERAL (SELECT ((s * 37) + (abs(hashint4(i + 7)) % 3) * 101) % 300 AS t) AS c;
ANALYZE waiver;
ANALYZE waiverdb_waiver_current;
