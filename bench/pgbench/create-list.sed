# Turns WaiverStore.InsertSql into a POST /waivers/ of a list of 1,000 waivers (subjects
# from :s0 on), for the report's check of the locks a write takes.
s/@subjectTypes::text\[\]/(SELECT array_agg('koji_build'::text) FROM generate_series(1, 1000))/
s/@subjectIdentifiers::text\[\]/(SELECT array_agg(format('pkg%s-1.0-1.fc40', :s0::int + g) ORDER BY g) FROM generate_series(1, 1000) g)/
s/@testcases::text\[\]/(SELECT array_agg('fedora-ci.koji-build.tier0.test0'::text) FROM generate_series(1, 1000))/
s/@usernames::text\[\]/(SELECT array_agg('packager'::text) FROM generate_series(1, 1000))/
s/@productVersions::text\[\]/(SELECT array_agg('fedora-40'::text) FROM generate_series(1, 1000))/
s/@comments::text\[\]/(SELECT array_agg('bench'::text) FROM generate_series(1, 1000))/
s/@waived::boolean\[\]/(SELECT array_agg(true) FROM generate_series(1, 1000))/
s/@\([a-zA-Z]*\)::text\[\]/(SELECT array_agg(NULL::text) FROM generate_series(1, 1000))/g
