-- (a) POST /api/auth/refresh with rotation. PERF_TOKENS names a file of refresh tokens, one per session (made by
-- real sign-ins), followed as token chains (chains.lua): the response's Set-Cookie carries the next token of that
-- session.
dofile(os.getenv("PERF_WRK_DIR") .. "/summary.lua")
dofile(os.getenv("PERF_WRK_DIR") .. "/chains.lua")

local origin = os.getenv("PERF_ORIGIN") or "http://localhost:5173"

function request()
  return wrk.format("POST", "/api/auth/refresh", {
    ["Cookie"] = "__Secure-pp_refresh=" .. chains_take(),
    ["X-Requested-With"] = "pipeline-pulse",
    ["Origin"] = origin,
  }, "")
end

function response(status, headers, body)
  local cookie = headers["Set-Cookie"] or headers["set-cookie"]
  local token = cookie and string.match(cookie, "__Secure%-pp_refresh=([A-Za-z0-9_%-]+)")
  chains_answer(status == 200 and token)
end
