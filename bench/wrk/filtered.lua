-- Greenwave's question: POST /waivers/+filtered with `subjects_per_call` subjects of 20
-- test cases each (args: subjects in the data set, filters per call).
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local filters

function init(args)
  common.init(args)
  filters = tonumber(args[2])
end

function request()
  local s0 = common.first_subject()
  local parts = {}
  for g = 0, filters - 1 do
    local s = s0 + math.floor(g / 20)
    local subject_type, identifier = common.subject(s)
    parts[#parts + 1] = string.format(
      '{"subject_type":"%s","subject_identifier":"%s","testcase":"%s"}',
      subject_type, identifier, common.testcase(s, g % 20))
  end
  local body = '{"filters":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/v1.0/waivers/+filtered", { ["Content-Type"] = "application/json" }, body)
end

done = common.done
