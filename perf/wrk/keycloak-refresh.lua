-- Keycloak's refresh grant with rotation (perf/keycloak.sh), the counterpart of refresh.lua: POST to the realm's
-- token endpoint with grant_type=refresh_token, the client authenticated with HTTP Basic (PERF_BASIC: the base64 of
-- client id:secret), PERF_PATH the token endpoint's path. PERF_TOKENS names a file of refresh tokens, one per
-- session (password grants). The token chains are followed as in refresh.lua (chains.lua): the answer's
-- "refresh_token" is the next token of that session and goes back into the thread's queue.
dofile(os.getenv("PERF_WRK_DIR") .. "/summary.lua")
dofile(os.getenv("PERF_WRK_DIR") .. "/chains.lua")

local path = os.getenv("PERF_PATH")
local basic = "Basic " .. os.getenv("PERF_BASIC")

function request()
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = basic,
  }, "grant_type=refresh_token&refresh_token=" .. chains_take())
end

function response(status, headers, body)
  chains_answer(status == 200 and string.match(body, '"refresh_token"%s*:%s*"([A-Za-z0-9_%-%.]+)"'))
end
