-- Names as bench/seed.sql makes them, so requests ask about waivers that exist.
-- Loaded by each scenario with dofile; `subjects` comes from the command line.

local M = {}

function M.subject(s)
  if s % 20 == 0 then
    return "bodhi_update", string.format("FEDORA-%d-%010x", 2021 + s % 5, s)
  end
  return "koji_build", string.format("pkg%d-%d.%d-1.fc%d", s, 1 + s % 7, s % 13, 30 + s % 12)
end

-- The k-th of a subject's 20 test cases in a Greenwave decision: its three waived
-- ones first, then 17 that no one waived for it (most tests pass).
function M.testcase(s, k)
  local t
  if k < 3 then t = (s * 37 + k * 101) % 300 else t = (s * 37 + 1 + k) % 300 end
  return string.format("fedora-ci.koji-build.tier%d.test%d", t % 3, t)
end

-- Every thread gets its own random sequence; `subjects` is the seed's rows / 10.
function M.init(args)
  M.subjects = tonumber(args[1])
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

-- The first subject of a request: room is left for the 10 that a 200-filter call spans.
function M.first_subject()
  return math.random(1, M.subjects - 11)
end

-- Machine-readable summary for bench/run.sh, on stdout after wrk's own report.
function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end

return M
