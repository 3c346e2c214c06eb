#!/usr/bin/env bash
# Load benchmark (docs/benchmarks.md, section 2). Loopback only, bounded in time. Builds the jar if it is missing,
# creates a fresh database (owner and service roles) on the local PostgreSQL, starts the WireMock Zoho stand-in over
# https and the API jar in PRODUCTION MODE (no profile: perf/common.sh, prod_start_api), signs in sessions through the
# real flow with curl, then measures with wrk and perf/SignInLoad.java:
#   ceiling  GET /api/ping: public, no data, the same connector, filters and MVC dispatch as "me" (issue 9's (c))
#   ceiling401 / ceiling404  GET /api/auth/me without credentials (the 401 problem) / an unknown path (the 404)
#   me       GET /api/auth/me with a bearer token
#   refresh  POST /api/auth/refresh with rotation, every session following its own token chain (PERF_REFRESH_CHAINS)
#   signin   the whole sign-in (start, stand-in page, callback) at a fixed rate (open loop)
#   soak     mixed traffic at a fixed rate (perf/MixedLoad.java) with heap-after-GC samples (perf/soak.sh)
#
#   perf/load.sh [scenario ...]        (default: ceiling ceiling401 me refresh signin, in the order given)
#
# The refresh scenario alone (the interface perf/keycloak*.sh relies on):
#   PERF_OUT=<dir> perf/load.sh refresh
# runs the JIT warm-up (PERF_JIT_WARMUP s; 0 skips it), then PERF_WARMUP s of refresh on PERF_REFRESH_CHAINS chains
# of their own, then the measured PERF_DURATION s on PERF_REFRESH_CHAINS other chains, with wrk -t PERF_THREADS
# -c PERF_CONNECTIONS (defaults: 90 s, 20 s, 30 s, 200 chains, -t2 -c32: issue 18's shape). It exits non-zero when
# anything failed. Results: the "refresh" line of <dir>/results.tsv (columns below), <dir>/refresh.txt (wrk's
# output; its last line "PERF requests=... rps=... p50_ms=... p99_ms=... non2xx3xx=... rotated=... lost=..."),
# <dir>/summary.txt (key=value lines: refresh_rps, refresh_p99_ms, refresh_errors, refresh_rss_mib,
# refresh_app_cpu_ms_per_req, refresh_db_cpu_ms_per_req, ...).
#
# Settings (environment): PERF_DURATION (s, per measured wrk run, 30), PERF_WARMUP (s, per scenario, 20),
# PERF_JIT_WARMUP (s of mixed traffic and sign-ins before the first scenario, so that the JIT has compiled the
# server's hot paths before anything is measured; 90), PERF_REFRESH_CHAINS (token chains per refresh run, 200),
# PERF_CONNECTIONS (32), PERF_THREADS (wrk threads, 2), PERF_SIGNIN_RATE (per s, 50), PERF_SIGNIN_SECONDS (30),
# PERF_DRIVER_WARMUP_S (s of unrecorded sign-ins at the measured rate, in the measured run's own driver JVM, 60: the
# step from the JIT warm-up's 10/s to 50/s costs the API seconds of slow collections and the JITs compile on, in
# docs/benchmarks.md "Sign-in at 50 a second on the third host"),
# PERF_DB_POOL_SIZE (PP_DATABASE_POOL_SIZE, 10 as shipped), PERF_APP_ARGS (more jar arguments),
# PERF_JFR=1 (a JFR recording per measured run, summarised by perf/jfr-top.sh; PERF_JFR=boot records from the JVM's
# start and keeps each measured window, the one that does not disturb the window), PERF_JAVA_OPTS (the API's JVM options;
# default "dockerfile": the environment the Dockerfile sets, JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX, i.e. the shipped
# settings issue 18's RSS target is about; e.g. "-Xms512m -Xmx512m" for the heap of the older runs),
# PERF_OUT (results directory, perf/results/<UTC time>), PG_HOST/PG_PORT/PG_USER (127.0.0.1/5432/postgres, a
# superuser), PERF_API_PORT/PERF_MANAGEMENT_PORT/PERF_STAND_IN_PORT (28080/28081/28090).
# Output: $PERF_OUT/results.tsv (one line per scenario: scenario rps p50_ms p90_ms p99_ms p999_ms max_ms errors
# requests rss_kb load1_before load1_after notes), summary.txt, the raw tool output, machine.txt, top-*.txt snapshots,
# app-api.log (the API's JSON log). The notes column holds, per request of the measured run: CPU (app_, db_, stand_in_,
# machine_cpu_ms_per_req), the hypervisor's steal, the time runnable but waiting for a vCPU (app_, db_ and
# machine_wait_ms_per_req: the kernel's schedstat of the API's threads, the backends, every thread) and the wait for a
# pooled database connection (pool_wait_ms_per_req, HikariCP's acquire timer).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/common.sh
source perf/common.sh # ratelimit_args, stop_processes, sign_in, make_sessions, refresh_once, wait_for_readiness,
                      # find_or_build_jar, prod_init, prod_db_create, start_stand_in, prod_start_api, ...

scenarios=("$@")
(( ${#scenarios[@]} )) || scenarios=(ceiling ceiling401 me refresh signin)
duration="${PERF_DURATION:-30}"
warmup="${PERF_WARMUP:-20}"
jit_warmup="${PERF_JIT_WARMUP:-90}"
chains="${PERF_REFRESH_CHAINS:-200}"
connections="${PERF_CONNECTIONS:-32}"
threads="${PERF_THREADS:-2}"
signin_rate="${PERF_SIGNIN_RATE:-50}"
signin_seconds="${PERF_SIGNIN_SECONDS:-30}"
java_opts="${PERF_JAVA_OPTS:-dockerfile}" # the shipped JVM settings (perf/common.sh, prod_start_api)
[[ "${PERF_JFR:-0}" == boot ]] && java_opts+=" -XX:StartFlightRecording=name=boot,settings=profile,maxage=2h"
db_pool="${PERF_DB_POOL_SIZE:-10}" # the shipped default of PP_DATABASE_POOL_SIZE
pg_host="${PG_HOST:-127.0.0.1}" pg_port="${PG_PORT:-5432}" pg_user="${PG_USER:-postgres}"
api_port="${PERF_API_PORT:-28080}" mgmt_port="${PERF_MANAGEMENT_PORT:-28081}" stand_in_port="${PERF_STAND_IN_PORT:-28090}"
out="${PERF_OUT:-perf/results/$(date -u +%Y%m%dT%H%M%SZ)}"
api="http://127.0.0.1:${api_port}"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"

say() { printf '[load %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "${out}/load.log" >&2; }
die() { say "FAILED: $*"; exit 1; }
load1() { cut -d' ' -f1 /proc/loadavg; }

for tool in wrk curl psql java jcmd keytool openssl; do command -v "${tool}" >/dev/null || die "${tool} is missing (wrk: apt-get install -y wrk)"; done

# --- machine ---------------------------------------------------------------------------------------------------------
{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs ($(lscpu | sed -n 's/^Hypervisor vendor: *//p') guest)"
  echo "memory: $(free -m | awk '/^Mem:/{print $2}') MiB"
  echo "kernel: $(uname -r)"
  echo "jdk: $(java -version 2>&1 | sed -n 2p)"
  echo "postgresql: $(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -Atc 'show server_version')"
  echo "wrk: $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  # The same 2-vCPU machine kind runs on hosts of quite different speed: this single-core figure (OpenSSL's SHA-256
  # over 1 KiB blocks) lets runs on different hosts be compared.
  echo "calibration: openssl sha256 1KiB blocks $(openssl speed -seconds 2 -bytes 1024 sha256 2>/dev/null | awk '/^sha256/{print $2}') per s"
  echo "mode: production (no profile, JSON logs at INFO, https stand-in, two database roles)"
  echo "settings: jit_warmup=${jit_warmup}s duration=${duration}s warmup=${warmup}s connections=${connections} wrk_threads=${threads} refresh_chains=${chains} signin_rate=${signin_rate}/s signin_seconds=${signin_seconds} db_pool=${db_pool} java_opts='${java_opts}'"
} >"${out}/machine.txt"

# --- the jar -------------------------------------------------------------------------------------------------------
find_or_build_jar "${out}"
# Run a copy, so that a build in the worktree meanwhile cannot pull the jar from under the running service.
cp "${jar}" "${out}/app.jar"
say "jar: ${jar} (running a copy)"

# --- database, stand-in, API ---------------------------------------------------------------------------------------
db="pp_bench_$(date -u +%Y%m%d%H%M%S)_$$"
pids=()
cleanup() {
  stop_processes 30 "${pids[@]}"
  prod_db_drop "${db}"
  prod_cleanup
  rm -rf "${out}/work" "${out}/app.jar" # live refresh and access tokens (of a dropped database, but tokens all the same)
}
trap cleanup EXIT
prod_init
prod_db_create "${db}"
say "database ${db}"
# Per-statement cost in PostgreSQL, where the server loads pg_stat_statements (shared_preload_libraries; see
# docs/benchmarks.md): reset before each measured run, written out after it.
pgss=false
if [[ "$(psql_admin -d "${db}" -Atc "show shared_preload_libraries" 2>/dev/null)" == *pg_stat_statements* ]] \
   && psql_admin -d "${db}" -qc "create extension if not exists pg_stat_statements schema public" >/dev/null 2>&1; then
  pgss=true
fi

start_stand_in "${stand_in_port}"
pids+=("${stand_in_pid}")
prod_start_api api "${api_port}" "${mgmt_port}" "${db}"
pids+=("${app_pid}")
say "API pid ${app_pid} (production mode), stand-in pid ${stand_in_pid} (https); waiting for readiness"
wait_for_readiness "${app_pid}" "${mgmt_port}" "${out}/app-api.log"
wait_for_stand_in
say "ready; RSS $(ps -o rss= -p "${app_pid}" | tr -d ' ') kB"

# --- sessions through the real sign-in flow ------------------------------------------------------------------------
work="${out}/work"
mkdir -p "${work}"

# Only the sessions this run's scenarios use: refresh chains for refresh and soak, access tokens for me, soak and
# the JIT warm-up, and chains of its own for the JIT warm-up.
needs_chains=false needs_access=false
for s in "${scenarios[@]}"; do
  case "${s}" in refresh) needs_chains=true ;; me) needs_access=true ;; soak) needs_chains=true needs_access=true ;; esac
done
(( jit_warmup > 0 )) && needs_access=true
per_set=$((connections * 2))
if ${needs_chains}; then
  say "signing in $((chains * 2)) sessions with curl: ${chains} chains for the refresh warm-up, ${chains} others for the measured run"
  make_sessions "${chains}" "${work}/refresh-warmup.txt"
  make_sessions "${chains}" "${work}/refresh-run.txt"
fi
if ${needs_access}; then
  make_access_tokens 4 "${work}/me-access.txt"
  say "4 access tokens for me"
fi
if (( jit_warmup > 0 )); then
  say "signing in ${per_set} sessions with curl for the JIT warm-up"
  make_sessions "${per_set}" "${work}/jit-warmup.txt"
fi

# The Java drivers trust the stand-in (SignInLoad reads its page); prod_init exported PERF_ORIGIN and PERF_PUBLIC_API.
driver_java=(java "${trust_opts[@]}")

# --- JIT warm-up ---------------------------------------------------------------------------------------------------
# A fresh JVM keeps its C2 compiler busy for a minute or more under load (seen here: a third of a core still
# compiling 60 s in), which is CPU taken from the requests being measured. Every path gets traffic first.
if (( jit_warmup > 0 )); then
  say "JIT warm-up: ${jit_warmup}s of mixed traffic at 200/s, then ${jit_warmup}s of sign-ins at 10/s and pings (discarded)"
  timeout $((jit_warmup + 120)) "${driver_java[@]}" perf/MixedLoad.java "${api}" 200 "${jit_warmup}" "${work}/jit-warmup.txt" \
    "${work}/me-access.txt" >"${out}/jit-warmup-mixed.txt" 2>&1 || say "JIT warm-up (mixed) ended early: $(tail -n 2 "${out}/jit-warmup-mixed.txt")"
  PERF_WRK_DIR="$(pwd)/perf/wrk" PERF_PATH=/api/ping PERF_THREADS=1 timeout $((jit_warmup + 60)) wrk -t 1 -c 4 -d "${jit_warmup}s" --timeout 5s \
    -s perf/wrk/ceiling.lua "${api}" >"${out}/jit-warmup-ping.txt" 2>&1 &
  warmup_wrk=$!
  timeout $((jit_warmup + 90)) "${driver_java[@]}" perf/SignInLoad.java "${api}" 10 "${jit_warmup}" >"${out}/jit-warmup-signin.txt" 2>&1 \
    || say "JIT warm-up (sign-ins) ended early: $(tail -n 2 "${out}/jit-warmup-signin.txt")"
  wait "${warmup_wrk}" || true
fi

# --- measuring -----------------------------------------------------------------------------------------------------
results="${out}/results.tsv"
[[ -f "${results}" ]] || printf 'scenario\trps\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\terrors\trequests\trss_kb\tload1_before\tload1_after\tnotes\n' >"${results}"

# CPU time (ms) used so far by the API process and by the PostgreSQL backends serving this benchmark's database:
# divided by the requests of a run, a per-request cost that other load on the machine does not inflate much.
clk_tck="$(getconf CLK_TCK)"
db_backends() { psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -Atc "select pid from pg_stat_activity where datname = '${db}'" 2>/dev/null | tr '\n' ' ' || true; }
cpu_ms() { # pids...
  local pid total=0 t
  for pid in "$@"; do
    t="$(awk '{print $14 + $15}' "/proc/${pid}/stat" 2>/dev/null || echo 0)"
    total=$((total + t))
  done
  echo $((total * 1000 / clk_tck))
}
pgss_reset() { ${pgss} && psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" -qAtc "select pg_stat_statements_reset()" >/dev/null 2>&1 || true; }
pgss_report() { # $1 = requests of the run, $2 = file: calls and PostgreSQL execution time per request, by statement
  ${pgss} || return 0
  psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" -F $'\t' -Atc "
    select round(calls::numeric / greatest($1, 1), 2) as calls_per_req,
           round((total_exec_time / greatest($1, 1))::numeric, 4) as exec_ms_per_req,
           round((total_exec_time / greatest(calls, 1))::numeric, 4) as ms_per_call,
           regexp_replace(left(query, 160), '\s+', ' ', 'g')
      from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
     order by total_exec_time desc limit 25" >"$2" 2>/dev/null || true
}
# The whole machine's busy CPU time (ms, every process and the kernel, from /proc/stat): what is left after the API,
# PostgreSQL's backends and the stand-in is the load driver, PostgreSQL's background processes and the rest.
machine_ms() { awk '/^cpu / { print int(($2 + $3 + $4 + $7 + $8) * 1000 / '"${clk_tck}"') }' /proc/stat; }
steal_ms() { awk '/^cpu / { print int($9 * 1000 / '"${clk_tck}"') }' /proc/stat; } # time the hypervisor ran others
# Run-queue wait (the kernel's schedstat, second field: ns runnable but not running): of every thread of the given
# pids, and of every thread on the machine (wrk's among them). It says how much of a request's time was spent
# waiting for one of the two vCPUs rather than running or waiting for I/O. Counted per thread id from the mark on (a
# thread started in the window from zero); a thread that ends within the window takes its wait with it, so where
# threads come and go (the sign-in: the JDK HTTP client's, the driver's) the figure is a lower bound. The pool,
# Tomcat's workers and the backends live through a wrk run.
wait_snapshot() { # $1 = file, then pids ("all": every process)
  local file="$1" pid; shift
  if [[ "${1:-}" == all ]]; then set -- $(ls /proc | grep -E '^[0-9]+$'); fi
  # grep -sH goes on past a thread that has ended; its lines read "/proc/<pid>/task/<tid>/schedstat:<run> <wait> <n>"
  for pid in "$@"; do echo /proc/"${pid}"/task/*/schedstat; done | xargs -r grep -sH '' \
    | awk -F '[/: ]' '{ print $5, $8 }' >"${file}" || true
}
wait_ms_since() { # $1 = the mark's snapshot, then the same pids; prints the wait since, in ms
  local mark="$1"; shift
  wait_snapshot "${mark}.now" "$@"
  awk 'NR == FNR { w0[$1] = $2; next } { d = $2 - w0[$1]; if (d > 0) t += d } END { print int(t / 1e6) }' "${mark}" "${mark}.now"
}
# The time requests waited for a database connection from the pool (HikariCP's acquire timer, in ms in all; 0 when
# the management port does not answer, which must not end the run).
pool_wait_ms() {
  curl -fsS --max-time 5 "http://127.0.0.1:${mgmt_port}/actuator/prometheus" 2>/dev/null \
    | awk '/^hikaricp_connections_acquire_seconds_sum/ { t += $2 } END { printf "%d\n", t * 1000 }' || true
}
cpu_mark() {
  pgss_reset; backends="$(db_backends)"; app_cpu0="$(cpu_ms "${app_pid}")"; db_cpu0="$(cpu_ms ${backends})"
  stand_in_cpu0="$(cpu_ms "${stand_in_pid}")"; machine_cpu0="$(machine_ms)"; steal0="$(steal_ms)"
  wait_snapshot "${work}/wait-app" "${app_pid}"; wait_snapshot "${work}/wait-db" ${backends}
  wait_snapshot "${work}/wait-machine" all
  pool_wait0="$(pool_wait_ms)"
}
cpu_note() { # $1 = requests; prints "app_cpu_ms_per_req=... db_cpu_ms_per_req=... ... pool_wait_ms_per_req=..."
  local n="${1:-0}"
  (( n > 0 )) || n=1
  awk -v a=$(( $(cpu_ms "${app_pid}") - app_cpu0 )) -v d=$(( $(cpu_ms ${backends}) - db_cpu0 )) \
      -v w=$(( $(cpu_ms "${stand_in_pid}") - stand_in_cpu0 )) -v m=$(( $(machine_ms) - machine_cpu0 )) \
      -v st=$(( $(steal_ms) - steal0 )) -v aw="$(wait_ms_since "${work}/wait-app" "${app_pid}")" \
      -v dw="$(wait_ms_since "${work}/wait-db" ${backends})" -v mw="$(wait_ms_since "${work}/wait-machine" all)" \
      -v pw=$(( $(pool_wait_ms) - pool_wait0 )) -v n="${n}" \
      'BEGIN { printf "app_cpu_ms_per_req=%.3f db_cpu_ms_per_req=%.3f stand_in_cpu_ms_per_req=%.3f machine_cpu_ms_per_req=%.3f steal_ms_per_req=%.3f app_wait_ms_per_req=%.3f db_wait_ms_per_req=%.3f machine_wait_ms_per_req=%.3f pool_wait_ms_per_req=%.3f", a / n, d / n, w / n, m / n, st / n, aw / n, dw / n, mw / n, pw / n }'
}

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2" | head -n 1; }

# PERF_JFR=1 starts a recording in the running JVM for each measured window; PERF_JFR=boot records from the JVM's start
# (-XX:StartFlightRecording, added to the API's JVM options) and dumps each measured window from it (JFR.dump begin/end).
# Starting JFR mid-run costs the window itself (the API's CPU per sign-in went from 15.7 to 61.8 ms, docs/benchmarks.md
# section 2), so PERF_JFR=boot is the one to profile with.
jfr_begin=""
jfr_start() {
  case "${PERF_JFR:-0}" in
    1) jcmd "${app_pid}" JFR.start name="$1" settings=profile filename="${out}/$1.jfr" >/dev/null || true ;;
    boot) jfr_begin="$(date -u +%Y-%m-%dT%H:%M:%SZ)" ;;
  esac
}
jfr_stop() {
  case "${PERF_JFR:-0}" in
    1) jcmd "${app_pid}" JFR.stop name="$1" >/dev/null || true ;;
    boot) jcmd "${app_pid}" JFR.dump name=boot begin="${jfr_begin}" end="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
            filename="${out}/$1.jfr" >/dev/null || true ;;
    *) return 0 ;;
  esac
  perf/jfr-top.sh "${out}/$1.jfr" >"${out}/$1-jfr-top.txt" 2>&1 || true
}
snapshot_top() { (sleep "$1"; top -b -n 1 -w 200 | head -n 22 >"${out}/top-$2.txt") & }

run_wrk() { # $1 = scenario, $2 = script, $3 = tokens file or "", $4 = seconds, $5 = output file; prints the PERF line
  PERF_WRK_DIR="$(pwd)/perf/wrk" PERF_TOKENS="$3" PERF_THREADS="${threads}" PERF_ORIGIN="${spa_origin}" \
  PERF_COUNTERS="${PERF_COUNTERS:-}" PERF_PATH="${PERF_PATH:-}" \
    timeout $(( $4 + 60 )) wrk -t "${threads}" -c "${connections}" -d "$4s" --timeout 5s --latency -s "perf/wrk/$2" "${api}" >"$5" 2>&1 \
    || die "wrk failed for $1: $(tail -n 3 "$5")"
  grep '^PERF ' "$5"
}

record() { # $1 = scenario, $2 = PERF line, $3 = errors, $4 = load before, $5 = notes
  local rss
  rss="$(ps -o rss= -p "${app_pid}" | tr -d ' ')"
  # What the resident set is made of: anonymous memory (heap, metaspace, code, stacks, malloc) against mapped files
  # (the JDK's libraries, the CDS archive), and with NativeMemoryTracking in the JVM options the JVM's own account.
  grep -E '^(Rss|Pss_Anon|Pss_File|Anonymous|Shared_Clean|Private_Clean)' "/proc/${app_pid}/smaps_rollup" >"${out}/memory-$1.txt" 2>/dev/null || true
  [[ "${java_opts}" == *NativeMemoryTracking* ]] && jcmd "${app_pid}" VM.native_memory summary >>"${out}/memory-$1.txt" 2>&1
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(field rps "$2")" "$(field p50_ms "$2")" \
    "$(field p90_ms "$2")" "$(field p99_ms "$2")" "$(field p999_ms "$2")" "$(field max_ms "$2")" "$3" \
    "$(field requests "$2")" "${rss}" "$4" "$(load1)" "$5" >>"${results}"
  say "$1: $(field rps "$2") req/s, p50 $(field p50_ms "$2") ms, p99 $(field p99_ms "$2") ms, p99.9 $(field p999_ms "$2") ms, errors $3, RSS ${rss} kB (load before $4)"
}

wrk_errors() { # non-2xx/3xx + socket errors from a PERF line
  echo $(( $(field non2xx3xx "$1") + $(field connect "$1") + $(field read "$1") + $(field write "$1") + $(field timeout "$1") ))
}

for scenario in "${scenarios[@]}"; do
  before="$(load1)"
  case "${scenario}" in
    ceiling|ceiling401|ceiling404)
      case "${scenario}" in
        ceiling) path=/api/ping; expected=200 ;;
        ceiling401) path=/api/auth/me; expected=401 ;;
        ceiling404) path=/perf-unknown-path; expected=404 ;;
      esac
      PERF_PATH="${path}" run_wrk "${scenario}" ceiling.lua "" "${warmup}" "${out}/${scenario}-warmup.txt" >/dev/null
      cpu_mark; jfr_start "${scenario}"; snapshot_top $((duration / 2)) "${scenario}"
      line="$(PERF_PATH="${path}" run_wrk "${scenario}" ceiling.lua "" "${duration}" "${out}/${scenario}.txt")"
      jfr_stop "${scenario}"
      cpu="$(cpu_note "$(field requests "${line}")")"
      # The 401 and 404 problems are the expected answers of those two; there only socket errors count as errors.
      errors=$(( $(field connect "${line}") + $(field read "${line}") + $(field write "${line}") + $(field timeout "${line}") ))
      [[ "${expected}" == 200 ]] && errors="$(wrk_errors "${line}")"
      record "${scenario}" "${line}" "${errors}" "${before}" "GET ${path} without credentials (expected ${expected}); ${cpu}"
      ;;
    me)
      run_wrk me me.lua "${work}/me-access.txt" "${warmup}" "${out}/me-warmup.txt" >/dev/null
      cpu_mark; jfr_start me; snapshot_top $((duration / 2)) me
      line="$(run_wrk me me.lua "${work}/me-access.txt" "${duration}" "${out}/me.txt")"
      jfr_stop me
      pgss_report "$(field requests "${line}")" "${out}/me-statements.tsv"
      record me "${line}" "$(wrk_errors "${line}")" "${before}" "GET /api/auth/me with a bearer token; $(cpu_note "$(field requests "${line}")")"
      ;;
    refresh)
      PERF_COUNTERS="rotated lost starved" run_wrk refresh refresh.lua "${work}/refresh-warmup.txt" "${warmup}" "${out}/refresh-warmup.txt" >/dev/null
      cpu_mark; jfr_start refresh; snapshot_top $((duration / 2)) refresh
      line="$(PERF_COUNTERS="rotated lost starved" run_wrk refresh refresh.lua "${work}/refresh-run.txt" "${duration}" "${out}/refresh.txt")"
      jfr_stop refresh
      cpu="$(cpu_note "$(field requests "${line}")")"
      pgss_report "$(field requests "${line}")" "${out}/refresh-statements.tsv"
      record refresh "${line}" "$(wrk_errors "${line}")" "${before}" \
        "rotated=$(field rotated "${line}") lost=$(field lost "${line}") starved=$(field starved "${line}"); ${cpu}"
      ;;
    signin)
      # One driver JVM warms up (PERF_DRIVER_WARMUP_S: the API, the stand-in and the driver itself, whose JIT would
      # otherwise compile through the measured window) and then measures; the CPU count starts when it prints
      # "PERF driver_warm", a second before its first measured sign-in.
      driver_warmup_s="${PERF_DRIVER_WARMUP_S:-60}"
      (( driver_warmup_s > 0 )) || die "PERF_DRIVER_WARMUP_S must be at least 1 for the sign-in scenario"
      PERF_DRIVER_WARMUP_S="${driver_warmup_s}" timeout $((driver_warmup_s + signin_seconds + 90)) "${driver_java[@]}" \
        perf/SignInLoad.java "${api}" "${signin_rate}" "${signin_seconds}" >"${out}/signin.txt" 2>&1 & driver=$!; pids+=("${driver}")
      until grep -q '^PERF driver_warm ' "${out}/signin.txt"; do
        kill -0 "${driver}" 2>/dev/null || { wait "${driver}" || true; die "sign-in driver ended in its warm-up: $(tail -n 5 "${out}/signin.txt")"; }
        sleep 0.05
      done
      cpu_mark; jfr_start signin; snapshot_top $((signin_seconds / 2)) signin
      wait "${driver}" || die "sign-in run failed: $(tail -n 5 "${out}/signin.txt")"
      jfr_stop signin
      summary="$(grep '^PERF signins' "${out}/signin.txt")"
      (( $(field driver_warmup_errors "${summary}") == 0 )) || die "the driver's own warm-up sign-ins failed: ${summary}"
      signins_done="$(field signins "${summary}")"
      cpu="$(cpu_note "${signins_done}")"
      pgss_report "${signins_done}" "${out}/signin-statements.tsv"
      for part in api callback whole; do
        line="$(grep "^PERF ${part} " "${out}/signin.txt") rps=$(field achieved_rate "${summary}") requests=$(field signins "${summary}")"
        record "signin-${part}" "${line}" "$(field errors "${summary}")" "${before}" \
          "open loop at ${signin_rate}/s for ${signin_seconds}s; ${part}: $(case ${part} in api) echo 'start + callback';; callback) echo 'callback only';; whole) echo 'start, stand-in page, callback, from the scheduled start';; esac); per sign-in: ${cpu}"
      done
      ;;
    soak)
      # perf/soak.sh: mixed traffic at a fixed rate; heap after a full GC and RSS every 30 s.
      soak_seconds="${PERF_SOAK_SECONDS:-600}" soak_rate="${PERF_SOAK_RATE:-200}"
      heap="${out}/soak-heap.tsv"
      printf 't_s\theap_used_after_gc_kb\theap_committed_kb\trss_kb\tload1\n' >"${heap}"
      sample_heap() { # $1 = seconds since start
        local used committed
        read -r used committed < <(heap_after_gc "${app_pid}")
        printf '%s\t%s\t%s\t%s\t%s\n' "$1" "${used}" "${committed}" "$(ps -o rss= -p "${app_pid}" | tr -d ' ')" "$(load1)" >>"${heap}"
      }
      # Warm-up at the same rate on the other set of sessions (a cold JVM at full rate on a busy machine queues
      # requests past Hikari's 5 s connection timeout; the soak is about the steady state).
      soak_warmup="${PERF_SOAK_WARMUP:-60}"
      timeout $((soak_warmup + 120)) "${driver_java[@]}" perf/MixedLoad.java "${api}" "${soak_rate}" "${soak_warmup}" \
        "${work}/refresh-warmup.txt" "${work}/me-access.txt" >"${out}/soak-warmup.txt" 2>&1 || true
      say "soak warm-up: $(grep '^PERF requests' "${out}/soak-warmup.txt" || echo 'no summary')"
      cpu_mark
      sample_heap 0
      timeout $((soak_seconds + 120)) "${driver_java[@]}" perf/MixedLoad.java "${api}" "${soak_rate}" "${soak_seconds}" \
        "${work}/refresh-run.txt" "${work}/me-access.txt" >"${out}/soak.txt" 2>&1 &
      driver=$!
      started=${SECONDS}
      while kill -0 "${driver}" 2>/dev/null; do
        sleep 30
        kill -0 "${driver}" 2>/dev/null && sample_heap $((SECONDS - started))
      done
      wait "${driver}" || die "the soak driver failed: $(tail -n 5 "${out}/soak.txt")"
      sample_heap $((SECONDS - started))
      summary="$(grep '^PERF requests' "${out}/soak.txt")"
      say "soak: $(field success_pct "${summary}") % of $(field requests "${summary}") requests succeeded at ${soak_rate}/s for ${soak_seconds}s"
      printf '%s\t%s\t\t\t\t\t\t%s\t%s\t%s\t%s\t%s\t%s\n' soak "${soak_rate}" "$(field failed "${summary}")" \
        "$(field requests "${summary}")" "$(ps -o rss= -p "${app_pid}" | tr -d ' ')" "${before}" "$(load1)" \
        "success $(field success_pct "${summary}") %; $(cpu_note "$(field requests "${summary}")")" >>"${results}"
      ;;
    *) die "unknown scenario ${scenario}" ;;
  esac
done

# What the audit trail says went wrong (reasons and details only; no tokens are stored there).
psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" -Atc "select type, outcome, coalesce(details->>'reason', ''),
  coalesce(details->>'detail', ''), count(*) from security_audit_event group by 1, 2, 3, 4 order by 5 desc" \
  >"${out}/audit-summary.txt" 2>&1 || true
# --- summary -------------------------------------------------------------------------------------------------------
# key=value lines per scenario of this run (rps, p99, errors, RSS at its end, CPU per request of the API and of its
# PostgreSQL backends), then the ratios issue 18's acceptance asks for.
awk -F'\t' 'NR > 1 {
    s = $1; gsub(/-/, "_", s)
    printf "%s_rps=%s\n%s_p99_ms=%s\n%s_errors=%s\n%s_rss_mib=%.0f\n", s, $2, s, $5, s, $8, s, $10 / 1024
    if (match($13, /app_cpu_ms_per_req=[0-9.]+/)) printf "%s_app_cpu_ms_per_req=%s\n", s, substr($13, RSTART + 19, RLENGTH - 19)
    if (match($13, /db_cpu_ms_per_req=[0-9.]+/)) printf "%s_db_cpu_ms_per_req=%s\n", s, substr($13, RSTART + 18, RLENGTH - 18)
    if ($1 == "me") me = $2
    if ($1 == "ceiling") ceiling = $2
  }
  END { if (me != "" && ceiling > 0) printf "me_vs_ceiling_pct=%.1f\n", 100 * me / ceiling }' "${results}" >"${out}/summary.txt"
get() { sed -n "s/^$1=//p" "${out}/summary.txt"; }
say "results: ${results} (raw output beside it), summary: ${out}/summary.txt"
column -t -s $'\t' "${results}" >&2
[[ -n "$(get refresh_rps)$(get me_vs_ceiling_pct)$(get signin_api_p99_ms)" ]] && {
  echo
  echo "Production mode, ${connections} connections, ${threads} wrk threads, ${duration} s measured after ${warmup} s warm-up, ${chains} refresh chains:"
  printf '%-34s %s\n' "measure" "value (issue 18 target)"
  [[ -n "$(get refresh_rps)" ]] && {
    printf '%-34s %s req/s, p99 %s ms, %s errors (>= 1500 req/s, p99 < 50 ms, 0 errors)\n' "refresh with rotation" \
      "$(get refresh_rps)" "$(get refresh_p99_ms)" "$(get refresh_errors)"
    printf '%-34s %s + %s ms (API + PostgreSQL)\n' "CPU per refresh" "$(get refresh_app_cpu_ms_per_req)" "$(get refresh_db_cpu_ms_per_req)"
    printf '%-34s %s MiB (< 300 MiB)\n' "RSS at the end of the refresh run" "$(get refresh_rss_mib)"
  }
  [[ -n "$(get me_vs_ceiling_pct)" ]] && printf '%-34s %s / %s req/s = %s %% (>= 85 %%; CPU %s vs %s ms)\n' "/me vs the /api/ping ceiling" \
    "$(get me_rps)" "$(get ceiling_rps)" "$(get me_vs_ceiling_pct)" "$(get me_app_cpu_ms_per_req)" "$(get ceiling_app_cpu_ms_per_req)"
  [[ -n "$(get signin_api_p99_ms)" ]] && printf '%-34s p99 %s ms at %s/s, %s errors (p99 < 100 ms at 50/s)\n' \
    "sign-in (start + callback)" "$(get signin_api_p99_ms)" "$(get signin_api_rps)" "$(get signin_api_errors)"
  true
} | tee -a "${out}/load.log" >&2
[[ -f "${out}/soak-heap.tsv" ]] && {
  echo
  echo "Soak, production mode: $(sed -n 's/^soak\t\([^\t]*\)\t.*\t\([^\t]*\)$/\1 requests\/s; \2/p' "${results}")"
  awk -F'\t' 'NR > 1 { h = $2 / 1024; if (min == "" || h < min) min = h; if (h > max) max = h; last = h; n++ }
    END { printf "heap after GC over %d samples: min %.1f MiB, max %.1f MiB, last %.1f MiB (soak-heap.tsv: flat is the goal)\n", n, min, max, last }' \
    "${out}/soak-heap.tsv"
} | tee -a "${out}/load.log" >&2
true
