-- Token chains, shared by refresh.lua and keycloak-refresh.lua. PERF_TOKENS names a file of refresh tokens, one
-- per session. Each wrk thread gets its share; a token is used exactly once: the answer to it carries the next token
-- of that session, which goes back into the thread's queue. So every session follows its own chain strictly in
-- order (never two requests of one chain in flight), and with at least as many sessions per thread as connections a
-- connection never waits for a token. A refused refresh ends its chain (counted as "lost"); requests made with no
-- token left are counted as "starved" (and sent with the token "none", which the server refuses).
-- Defines setup() and init(); the script defines request() with chains_take() and response() with chains_answer().
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

function init(args)
  queue, head, tail = {}, 1, 0
  for t in string.gmatch(tokens, "%S+") do tail = tail + 1; queue[tail] = t end
  rotated, lost, starved = 0, 0, 0
end

-- The next token of this thread's queue, or "none" (counted as starved) when every chain is in flight or lost.
function chains_take()
  if head <= tail then
    local token = queue[head]
    queue[head] = nil
    head = head + 1
    return token
  end
  starved = starved + 1
  return "none"
end

-- The outcome of one refresh: the next token of its chain, or nil/false when the refresh was refused.
function chains_answer(next_token)
  if next_token then
    rotated = rotated + 1
    tail = tail + 1; queue[tail] = next_token
  else
    lost = lost + 1
  end
end
