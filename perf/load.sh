#!/usr/bin/env bash
# Load benchmark (docs/benchmarks.md). Loopback only, bounded in time. Builds the jar if it is missing, creates a
# fresh database on the local PostgreSQL, starts the WireMock Zoho stand-in and the API jar (local profile), signs
# in sessions through the real flow with curl, then measures with wrk and perf/SignInLoad.java:
#   ceiling  GET /api/ping: public, no data, the same connector, filters and MVC dispatch as "me" (issue 9's (c))
#   ceiling401 / ceiling404  GET /api/auth/me without credentials (the 401 problem) / an unknown path (the 404)
#   me       GET /api/auth/me with a bearer token
#   refresh  POST /api/auth/refresh with rotation, every session following its own token chain
#   signin   the whole sign-in (start, stand-in page, callback) at a fixed rate (open loop)
#   soak     mixed traffic at a fixed rate (perf/MixedLoad.java) with heap-after-GC samples (perf/soak.sh)
#
#   perf/load.sh [scenario ...]        (default: ceiling ceiling401 me refresh signin)
#
# Settings (environment): PERF_DURATION (s, per measured wrk run, 30), PERF_WARMUP (s, per scenario, 20),
# PERF_JIT_WARMUP (s of mixed traffic and sign-ins before the first scenario, so that the JIT has compiled the
# server's hot paths before anything is measured; 90),
# PERF_CONNECTIONS (16), PERF_THREADS (wrk threads, 1), PERF_SIGNIN_RATE (per s, 50), PERF_SIGNIN_SECONDS (30),
# PERF_DB_POOL_SIZE (PP_DATABASE_POOL_SIZE, 10 as shipped), PERF_STAND_IN_H2C=1 (WireMock's h2c left on), PERF_APP_ARGS,
# PERF_JFR=1 (a JFR recording per measured run, summarised by perf/jfr-top.sh), PERF_JAVA_OPTS (-Xms512m -Xmx512m),
# PERF_OUT (results directory, perf/results/<UTC time>), PG_HOST/PG_PORT/PG_USER (127.0.0.1/5432/postgres),
# PERF_API_PORT/PERF_MANAGEMENT_PORT/PERF_STAND_IN_PORT (28080/28081/28090).
# Output: $PERF_OUT/results.tsv (one line per scenario), the raw tool output, machine.txt, top-*.txt snapshots.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/common.sh
source perf/common.sh # ratelimit_args, stand_in_data_centers, stop_processes, sign_in, refresh_once, wait_for_readiness,
                      # find_or_build_jar

scenarios=("$@")
(( ${#scenarios[@]} )) || scenarios=(ceiling ceiling401 me refresh signin)
duration="${PERF_DURATION:-30}"
warmup="${PERF_WARMUP:-20}"
jit_warmup="${PERF_JIT_WARMUP:-90}"
connections="${PERF_CONNECTIONS:-16}"
threads="${PERF_THREADS:-1}"
signin_rate="${PERF_SIGNIN_RATE:-50}"
signin_seconds="${PERF_SIGNIN_SECONDS:-30}"
java_opts="${PERF_JAVA_OPTS:--Xms512m -Xmx512m}"
db_pool="${PERF_DB_POOL_SIZE:-10}" # the shipped default of PP_DATABASE_POOL_SIZE
pg_host="${PG_HOST:-127.0.0.1}" pg_port="${PG_PORT:-5432}" pg_user="${PG_USER:-postgres}"
api_port="${PERF_API_PORT:-28080}" mgmt_port="${PERF_MANAGEMENT_PORT:-28081}" stand_in_port="${PERF_STAND_IN_PORT:-28090}"
out="${PERF_OUT:-perf/results/$(date -u +%Y%m%dT%H%M%SZ)}"
api="http://127.0.0.1:${api_port}"
stand_in="http://127.0.0.1:${stand_in_port}"
spa_origin="http://localhost:5173"
wiremock_jar="${HOME}/.m2/repository/org/wiremock/wiremock-standalone/3.13.2/wiremock-standalone-3.13.2.jar"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"

say() { printf '[load %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "${out}/load.log" >&2; }
die() { say "FAILED: $*"; exit 1; }
load1() { cut -d' ' -f1 /proc/loadavg; }

for tool in wrk curl psql java jcmd; do command -v "${tool}" >/dev/null || die "${tool} is missing (wrk: apt-get install -y wrk)"; done

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
  echo "settings: jit_warmup=${jit_warmup}s duration=${duration}s warmup=${warmup}s connections=${connections} wrk_threads=${threads} signin_rate=${signin_rate}/s signin_seconds=${signin_seconds} db_pool=${db_pool} stand_in_h2c=${PERF_STAND_IN_H2C:-0} java_opts='${java_opts}'"
} >"${out}/machine.txt"

# --- the jar -------------------------------------------------------------------------------------------------------
find_or_build_jar "${out}"
[[ -f "${wiremock_jar}" ]] || ./mvnw -B -q dependency:get -Dartifact=org.wiremock:wiremock-standalone:3.13.2 >/dev/null
# Run a copy, so that a build in the worktree meanwhile cannot pull the jar from under the running service.
cp "${jar}" "${out}/app.jar"
say "jar: ${jar} (running a copy)"

# --- database, stand-in, API ---------------------------------------------------------------------------------------
db="pp_bench_$(date -u +%Y%m%d%H%M%S)_$$"
pids=()
cleanup() {
  stop_processes 30 "${pids[@]}"
  psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -qc "drop database if exists ${db} with (force)" >/dev/null 2>&1 || true
  rm -rf "${out}/work" "${out}/app.jar" # live refresh and access tokens (of a dropped database, but tokens all the same)
}
trap cleanup EXIT
psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -qc "create database ${db}"
say "database ${db}"
# Per-statement cost in PostgreSQL, where the server loads pg_stat_statements (shared_preload_libraries; see
# docs/benchmarks.md): reset before each measured run, written out after it.
pgss=false
if [[ "$(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" -Atc "show shared_preload_libraries" 2>/dev/null)" == *pg_stat_statements* ]] \
   && psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" -qc "create extension if not exists pg_stat_statements" >/dev/null 2>&1; then
  pgss=true
fi

# HTTP/1.1 only by default: with WireMock's plain-text HTTP/2 (h2c) on, the service's JDK 17 HttpClient upgrades
# to HTTP/2, and under load Jetty's GOAWAY frames fail the in-flight Zoho calls (docs/benchmarks.md, findings).
# PERF_STAND_IN_H2C=1 keeps WireMock's default to reproduce that.
h2c_args=(--disable-http2-plain)
[[ "${PERF_STAND_IN_H2C:-0}" == 1 ]] && h2c_args=()
java -Xmx256m -jar "${wiremock_jar}" --root-dir src/test/resources/zoho-stand-in --global-response-templating \
  --port "${stand_in_port}" --bind-address 127.0.0.1 --no-request-journal --disable-banner "${h2c_args[@]}" \
  >"${out}/stand-in.log" 2>&1 &
stand_in_pid=$!
pids+=("${stand_in_pid}")

dcs="$(stand_in_data_centers "${stand_in}")"

# shellcheck disable=SC2086
PP_DATABASE_URL="jdbc:postgresql://${pg_host}:${pg_port}/${db}" PP_DATABASE_USERNAME="${pg_user}" \
PP_ZOHO_CLIENT_ID=local-stand-in-client PP_ZOHO_CLIENT_SECRET=local-stand-in-secret \
PP_ZOHO_ACCOUNTS_URL="${stand_in}" PP_ZOHO_DATA_CENTERS="${dcs}" \
PP_ZOHO_REDIRECT_URI="${api}/api/zoho/auth/callback" PP_SPA_BASE_URL="${spa_origin}" PP_CORS_ALLOWED_ORIGINS="${spa_origin}" \
SERVER_PORT="${api_port}" MANAGEMENT_SERVER_PORT="${mgmt_port}" PP_DATABASE_POOL_SIZE="${db_pool}" \
  java ${java_opts} -jar "${out}/app.jar" --spring.profiles.active=local \
  --server.address=127.0.0.1 --management.server.address=127.0.0.1 \
  --logging.level.root=WARN --logging.level.com.pipelinepulse=WARN ${PERF_APP_ARGS:-} "${ratelimit_args[@]}" \
  >"${out}/app.log" 2>&1 &
app_pid=$!
pids+=("${app_pid}")
say "API pid ${app_pid}, stand-in pid ${stand_in_pid}; waiting for readiness"
wait_for_readiness "${app_pid}" "${mgmt_port}" "${out}/app.log"
until curl -fsS -m 5 -o /dev/null "${stand_in}/__admin/health" 2>/dev/null; do
  (( SECONDS < deadline )) || die "the stand-in was not ready"
  sleep 1
done
say "ready; RSS $(ps -o rss= -p "${app_pid}" | tr -d ' ') kB"

# --- sessions through the real sign-in flow ------------------------------------------------------------------------
users=(us-admin us-manager eu-viewer in-viewer au-viewer jp-viewer)
work="${out}/work"
mkdir -p "${work}"

make_sessions() { # $1 = count, $2 = file
  local i
  : >"$2"
  for ((i = 0; i < $1; i++)); do sign_in "${users[i % ${#users[@]}]}" >>"$2"; done
}

needs_sessions=false
for s in "${scenarios[@]}"; do [[ "${s}" == me || "${s}" == refresh || "${s}" == soak ]] && needs_sessions=true; done
(( jit_warmup > 0 )) && needs_sessions=true # the JIT warm-up drives me and refresh too
if ${needs_sessions}; then
  per_set=$((connections * 2))
  say "signing in $((per_set * 3 + 4)) sessions with curl (${per_set} for the JIT warm-up, ${per_set} for the refresh warm-up, ${per_set} for the measured refresh run, 4 for me)"
  make_sessions "${per_set}" "${work}/refresh-warmup.txt"
  make_sessions "${per_set}" "${work}/refresh-run.txt"
  make_sessions 4 "${work}/me-refresh.txt"
  make_sessions "${per_set}" "${work}/jit-warmup.txt"
  : >"${work}/me-access.txt"
  while read -r t; do refresh_once "${t}" | awk '{print $2}' >>"${work}/me-access.txt"; done <"${work}/me-refresh.txt"
  # The refresh-run and refresh-warmup chains are disjoint: each wrk run starts from tokens nobody has used.
  say "sessions ready: $(wc -l <"${work}/refresh-run.txt") + $(wc -l <"${work}/refresh-warmup.txt") refresh chains, $(wc -l <"${work}/me-access.txt") access tokens"
fi

# --- JIT warm-up ---------------------------------------------------------------------------------------------------
# A fresh JVM keeps its C2 compiler busy for a minute or more under load (seen here: a third of a core still
# compiling 60 s in), which is CPU taken from the requests being measured. Every path gets traffic first.
if (( jit_warmup > 0 )); then
  say "JIT warm-up: ${jit_warmup}s of mixed traffic at 200/s, then ${jit_warmup}s of sign-ins at 10/s and pings (discarded)"
  timeout $((jit_warmup + 120)) java perf/MixedLoad.java "${api}" 200 "${jit_warmup}" "${work}/jit-warmup.txt" \
    "${work}/me-access.txt" >"${out}/jit-warmup-mixed.txt" 2>&1 || say "JIT warm-up (mixed) ended early: $(tail -n 2 "${out}/jit-warmup-mixed.txt")"
  PERF_WRK_DIR="$(pwd)/perf/wrk" PERF_PATH=/api/ping PERF_THREADS=1 timeout $((jit_warmup + 60)) wrk -t 1 -c 4 -d "${jit_warmup}s" --timeout 5s \
    -s perf/wrk/ceiling.lua "${api}" >"${out}/jit-warmup-ping.txt" 2>&1 &
  warmup_wrk=$!
  timeout $((jit_warmup + 90)) java perf/SignInLoad.java "${api}" 10 "${jit_warmup}" >"${out}/jit-warmup-signin.txt" 2>&1 \
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
cpu_mark() { pgss_reset; backends="$(db_backends)"; app_cpu0="$(cpu_ms "${app_pid}")"; db_cpu0="$(cpu_ms ${backends})"; stand_in_cpu0="$(cpu_ms "${stand_in_pid}")"; }
cpu_note() { # $1 = requests; prints "app_cpu_ms_per_req=... db_cpu_ms_per_req=... stand_in_cpu_ms_per_req=..."
  local n="${1:-0}"
  (( n > 0 )) || n=1
  awk -v a=$(( $(cpu_ms "${app_pid}") - app_cpu0 )) -v d=$(( $(cpu_ms ${backends}) - db_cpu0 )) \
      -v w=$(( $(cpu_ms "${stand_in_pid}") - stand_in_cpu0 )) -v n="${n}" \
      'BEGIN { printf "app_cpu_ms_per_req=%.3f db_cpu_ms_per_req=%.3f stand_in_cpu_ms_per_req=%.3f", a / n, d / n, w / n }'
}

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2" | head -n 1; }

jfr_start() { [[ "${PERF_JFR:-0}" == 1 ]] && jcmd "${app_pid}" JFR.start name="$1" settings=profile filename="${out}/$1.jfr" >/dev/null || true; }
jfr_stop() {
  if [[ "${PERF_JFR:-0}" == 1 ]]; then
    jcmd "${app_pid}" JFR.stop name="$1" >/dev/null || true
    perf/jfr-top.sh "${out}/$1.jfr" >"${out}/$1-jfr-top.txt" 2>&1 || true
  fi
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
      timeout $((warmup + 90)) java perf/SignInLoad.java "${api}" "${signin_rate}" "${warmup}" >"${out}/signin-warmup.txt" 2>&1 \
        || die "sign-in warm-up failed: $(tail -n 5 "${out}/signin-warmup.txt")"
      cpu_mark; jfr_start signin; snapshot_top $((signin_seconds / 2)) signin
      timeout $((signin_seconds + 90)) java perf/SignInLoad.java "${api}" "${signin_rate}" "${signin_seconds}" >"${out}/signin.txt" 2>&1 \
        || die "sign-in run failed: $(tail -n 5 "${out}/signin.txt")"
      jfr_stop signin
      summary="$(grep '^PERF signins' "${out}/signin.txt")"
      cpu="$(cpu_note "$(field ok "${summary}")")"
      pgss_report "$(field ok "${summary}")" "${out}/signin-statements.tsv"
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
        local info used committed
        jcmd "${app_pid}" GC.run >/dev/null 2>&1 || true
        info="$(jcmd "${app_pid}" GC.heap_info 2>/dev/null | grep -m 1 'total')"
        committed="$(sed -n 's/.*total \([0-9]*\)K.*/\1/p' <<<"${info}")"
        used="$(sed -n 's/.*used \([0-9]*\)K.*/\1/p' <<<"${info}")"
        printf '%s\t%s\t%s\t%s\t%s\n' "$1" "${used}" "${committed}" "$(ps -o rss= -p "${app_pid}" | tr -d ' ')" "$(load1)" >>"${heap}"
      }
      # Warm-up at the same rate on the other set of sessions (a cold JVM at full rate on a busy machine queues
      # requests past Hikari's 5 s connection timeout; the soak is about the steady state).
      soak_warmup="${PERF_SOAK_WARMUP:-60}"
      timeout $((soak_warmup + 120)) java perf/MixedLoad.java "${api}" "${soak_rate}" "${soak_warmup}" \
        "${work}/refresh-warmup.txt" "${work}/me-access.txt" >"${out}/soak-warmup.txt" 2>&1 || true
      say "soak warm-up: $(grep '^PERF requests' "${out}/soak-warmup.txt" || echo 'no summary')"
      cpu_mark
      sample_heap 0
      timeout $((soak_seconds + 120)) java perf/MixedLoad.java "${api}" "${soak_rate}" "${soak_seconds}" \
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
say "results: ${results}"
column -t -s $'\t' "${results}" >&2
