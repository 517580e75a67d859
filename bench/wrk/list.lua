-- A packager's or Bodhi's look at one build: GET /waivers/ for a subject, 5 a page,
-- page 1 or 2 (args: subjects in the data set).
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function init(args)
  common.init(args)
end

function request()
  local _, identifier = common.subject(common.first_subject())
  return wrk.format("GET", string.format("/api/v1.0/waivers/?subject_identifier=%s&limit=5&page=%d",
    identifier, math.random(1, 2)))
end

done = common.done
