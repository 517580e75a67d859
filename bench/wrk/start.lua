-- The start page and `waiverdb-cli list` with no filter: GET /waivers/ of every current
-- waiver, 20 a page, one of the first five pages (args: subjects in the data set).
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function init(args)
  common.init(args)
end

function request()
  return wrk.format("GET", string.format("/api/v1.0/waivers/?limit=20&page=%d", math.random(1, 5)))
end

done = common.done
