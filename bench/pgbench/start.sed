# Turns WaiverStore.CurrentSql into the GET /waivers/ call bench/wrk/start.lua makes:
# no filter, 20 a page, page :p (pgbench or psql variables).
s/@\(subjectType\|scenario\|productVersion\|proxiedBy\)\(::text\)\{0,1\}/NULL::text/g
s/@\(sinceFrom\|sinceTo\)\(::timestamp\)\{0,1\}/NULL::timestamp/g
s/@limit/20/
s/@offset/(:p::int - 1) * 20/
