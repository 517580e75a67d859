# Turns WaiverStore.InsertSql into the POST /waivers/ bench/wrk/create.lua makes:
# one waiver for subject :s0::int and the :k::int-th of its test cases (pgbench or psql variables).
s/@subjectTypes::text\[\]/ARRAY[CASE WHEN :s0::int % 20 = 0 THEN 'bodhi_update' ELSE 'koji_build' END]/
s/@subjectIdentifiers::text\[\]/ARRAY[CASE WHEN :s0::int % 20 = 0 THEN format('FEDORA-%s-%s', 2021 + :s0::int % 5, lpad(to_hex(:s0::int), 10, '0')) ELSE format('pkg%s-%s.%s-1.fc%s', :s0::int, 1 + :s0::int % 7, :s0::int % 13, 30 + :s0::int % 12) END]/
s/@testcases::text\[\]/ARRAY[(SELECT format('fedora-ci.koji-build.tier%s.test%s', t % 3, t) FROM (SELECT CASE WHEN :k::int < 3 THEN (:s0::int * 37 + :k::int * 101) % 300 ELSE (:s0::int * 37 + 1 + :k::int) % 300 END AS t) q)]/
s/@usernames::text\[\]/ARRAY['packager']/
s/@productVersions::text\[\]/ARRAY[format('fedora-%s', 30 + :s0::int % 12)]/
s/@comments::text\[\]/ARRAY['bench']/
s/@waived::boolean\[\]/ARRAY[true]/
s/@\([a-zA-Z]*\)::text\[\]/ARRAY[NULL::text]/g
