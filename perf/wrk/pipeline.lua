-- Pipeline figures (perf/pipeline-figures.sh): GET PERF_PATH with the bearer token PERF_TOKEN. With PERF_VARY=1
-- every request adds a different closing_to far in the future (it selects every deal with a closing date, like the
-- plain route, but is a new cache key), so that each request computes its figures in PostgreSQL.
dofile(os.getenv("PERF_WRK_DIR") .. "/summary.lua")

local token = os.getenv("PERF_TOKEN")
local path = os.getenv("PERF_PATH")
local vary = os.getenv("PERF_VARY") == "1"
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("id", next_thread)
  perf_register(thread)
end

function init(args)
  wrk.method = "GET"
  wrk.path = path
  wrk.headers["Authorization"] = "Bearer " .. token
  counter = id * 1000003
end

if vary then
  function request()
    counter = counter + 7919
    local day = 24 * 3600
    -- 2030-01-01 plus up to ~270 years of days: never twice the same within a run, never before any closing date.
    local date = os.date("!%Y-%m-%d", 1893456000 + (counter % 100000) * day)
    local separator = string.find(path, "?", 1, true) and "&" or "?"
    return wrk.format(nil, path .. separator .. "closing_to=" .. date)
  end
end
