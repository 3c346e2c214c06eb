-- (b) GET /api/auth/me with a bearer token. PERF_TOKENS names a file of access tokens; each wrk thread uses one
-- (a static request, so wrk spends no Lua time per request).
dofile(os.getenv("PERF_WRK_DIR") .. "/summary.lua")

local all = {}
for line in io.lines(os.getenv("PERF_TOKENS")) do
  if #line > 0 then all[#all + 1] = line end
end
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("token", all[((next_thread - 1) % #all) + 1])
  perf_register(thread)
end

function init(args)
  wrk.method = "GET"
  wrk.path = "/api/auth/me"
  wrk.headers["Authorization"] = "Bearer " .. token
end
