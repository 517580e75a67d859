# Turns WaiverStore.QuerySql into the +filtered call bench/wrk/filtered.lua makes:
# @nf@ filters, 20 test cases for each subject from :s0 on (pgbench or psql variable).
s/@subjectTypes::text\[\]/(SELECT array_agg(CASE WHEN s % 20 = 0 THEN 'bodhi_update' ELSE 'koji_build' END ORDER BY g) FROM (SELECT g, :s0 + g \/ 20 AS s FROM generate_series(0, @nf@ - 1) g) q)/
s/@subjectIdentifiers::text\[\]/(SELECT array_agg(CASE WHEN s % 20 = 0 THEN format('FEDORA-%s-%s', 2021 + s % 5, lpad(to_hex(s), 10, '0')) ELSE format('pkg%s-%s.%s-1.fc%s', s, 1 + s % 7, s % 13, 30 + s % 12) END ORDER BY g) FROM (SELECT g, :s0 + g \/ 20 AS s FROM generate_series(0, @nf@ - 1) g) q)/
s/@testcases::text\[\]/(SELECT array_agg(format('fedora-ci.koji-build.tier%s.test%s', t % 3, t) ORDER BY g) FROM (SELECT g, CASE WHEN g % 20 < 3 THEN (s * 37 + (g % 20) * 101) % 300 ELSE (s * 37 + 1 + g % 20) % 300 END AS t FROM (SELECT g, :s0 + g \/ 20 AS s FROM generate_series(0, @nf@ - 1) g) q) q2)/
s/@\(scenarios\|productVersions\|usernames\|proxiedBys\)::text\[\]/array_fill(NULL::text, ARRAY[@nf@])/g
s/@\(sinceFroms\|sinceTos\)::timestamp\[\]/array_fill(NULL::timestamp, ARRAY[@nf@])/g
s/@includeObsolete/false/g
s/@perUser/false/g
s/@limit/ALL/
s/@offset/0/
