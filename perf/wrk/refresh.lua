-- (a) POST /api/auth/refresh with rotation. PERF_TOKENS names a file of refresh tokens, one per session (made by
-- real sign-ins). Each wrk thread gets its share; a token is used exactly once: the response's Set-Cookie carries
-- the next token of that session, which goes back into the thread's queue. So every session follows its own chain
-- strictly in order (never two requests of one chain in flight), and with at least as many sessions per thread as
-- connections a connection never waits for a token. A refused refresh ends its chain (counted as "lost");
-- requests made with no token left are counted as "starved" (and answer 401).
dofile(os.getenv("PERF_WRK_DIR") .. "/summary.lua")

local all = {}
for line in io.lines(os.getenv("PERF_TOKENS")) do
  if #line > 0 then all[#all + 1] = line end
end
local thread_count = tonumber(os.getenv("PERF_THREADS") or "1")
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  local mine = {}
  for i = next_thread, #all, thread_count do mine[#mine + 1] = all[i] end
  thread:set("tokens", table.concat(mine, " "))
  perf_register(thread)
end

local queue, head, tail
local origin = os.getenv("PERF_ORIGIN") or "http://localhost:5173"

function init(args)
  queue, head, tail = {}, 1, 0
  for t in string.gmatch(tokens, "%S+") do tail = tail + 1; queue[tail] = t end
  rotated, lost, starved = 0, 0, 0
end

function request()
  local token
  if head <= tail then
    token = queue[head]; queue[head] = nil; head = head + 1
  else
    starved = starved + 1
    token = "none"
  end
  return wrk.format("POST", "/api/auth/refresh", {
    ["Cookie"] = "__Secure-pp_refresh=" .. token,
    ["X-Requested-With"] = "pipeline-pulse",
    ["Origin"] = origin,
  }, "")
end

function response(status, headers, body)
  local cookie = headers["Set-Cookie"] or headers["set-cookie"]
  local token = cookie and string.match(cookie, "__Secure%-pp_refresh=([A-Za-z0-9_%-]+)")
  if status == 200 and token then
    rotated = rotated + 1
    tail = tail + 1; queue[tail] = token
  else
    lost = lost + 1
  end
end
