# Turns WaiverStore.QuerySql into the GET /waivers/ call bench/wrk/list.lua makes:
# subject :s0::int, 5 a page, page :p (pgbench or psql variables).
s/@subjectIdentifiers::text\[\]/ARRAY[CASE WHEN :s0::int % 20 = 0 THEN format('FEDORA-%s-%s', 2021 + :s0::int % 5, lpad(to_hex(:s0::int), 10, '0')) ELSE format('pkg%s-%s.%s-1.fc%s', :s0::int, 1 + :s0::int % 7, :s0::int % 13, 30 + :s0::int % 12) END]/
s/@\([a-zA-Z]*\)::text\[\]/ARRAY[NULL::text]/g
s/@\(sinceFroms\|sinceTos\)::timestamp\[\]/ARRAY[NULL::timestamp]/g
s/@includeObsolete/false/g
s/@perUser/true/g
s/@limit/5/
s/@offset/(:p::int - 1) * 5/
