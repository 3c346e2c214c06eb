-- (c) The ceiling: an unauthenticated request on the same server, PERF_PATH (default /api/ping) with no
-- credentials. /api/ping (200, no data behind it) goes through the same Tomcat connector, filters and MVC dispatch
-- as (b). perf/load.sh also measures /api/auth/me without credentials (the 401 problem the entry point writes:
-- (b) minus token verification and the controller) and an unknown path (the 404 problem), where those answers are
-- the expected ones and not errors.
dofile(os.getenv("PERF_WRK_DIR") .. "/summary.lua")

function setup(thread)
  perf_register(thread)
end

function init(args)
  wrk.method = "GET"
  wrk.path = os.getenv("PERF_PATH") or "/api/ping"
end
