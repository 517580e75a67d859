-- A packager waiving one failed test: POST /waivers/ with dummy authentication
-- (args: subjects in the data set).
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function init(args)
  common.init(args)
end

function request()
  local s = common.first_subject()
  local subject_type, identifier = common.subject(s)
  local body = string.format(
    '{"subject_type":"%s","subject_identifier":"%s","testcase":"%s","product_version":"fedora-%d","comment":"bench"}',
    subject_type, identifier, common.testcase(s, math.random(0, 19)), 30 + s % 12)
  return wrk.format("POST", "/api/v1.0/waivers/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Basic " .. "cGFja2FnZXI6eA==", -- packager:x
  }, body)
end

done = common.done
