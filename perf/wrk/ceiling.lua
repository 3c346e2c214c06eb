-- (c) The ceiling: an unauthenticated request on the same server. PERF_PATH (default /api/auth/me) is requested
-- with no credentials; on /api/auth/me that is the same Tomcat connector, filter chain and problem writer as (b),
-- stopping at the 401 problem+json the entry point writes, i.e. (b) minus token verification and the controller.
-- The 401s are the expected answer here and are not errors of this scenario.
dofile(os.getenv("PERF_WRK_DIR") .. "/summary.lua")

function setup(thread)
  perf_register(thread)
end

function init(args)
  wrk.method = "GET"
  wrk.path = os.getenv("PERF_PATH") or "/api/auth/me"
end
