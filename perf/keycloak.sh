#!/usr/bin/env bash
# Refresh with rotation, side by side with Keycloak (docs/benchmarks.md, "Refresh against Keycloak"). Loopback only,
# every step bounded. In one run:
#   1. Keycloak: the keycloak-quarkus-dist zip through Maven (./mvnw dependency:copy, cached under
#      ~/.cache/pipeline-pulse/keycloak), built once for PostgreSQL and started in production mode (kc.sh build, then
#      start --optimized, plain HTTP on 127.0.0.1) on a fresh database of the local PostgreSQL; a realm with
#      refresh-token rotation and reuse revocation (revokeRefreshToken=true, refreshTokenMaxReuse=0), a confidential
#      client with direct access grants and PERF_KC_USERS users (admin REST API with curl); one password grant per
#      user for the warm-up chains and one for the measured chains; then wrk drives the refresh grant
#      (perf/wrk/keycloak-refresh.lua, every connection's session following its own token chain): a warm-up run
#      (discarded), then the measured run. CPU time of Keycloak's JVM and of PostgreSQL per refresh
#      (/proc/<pid>/stat before and after), Keycloak's RSS at the end. Keycloak is stopped and its database dropped.
#   2. Ours: perf/load.sh refresh with the same wrk shape and as many token chains (the jar in production mode, its
#      own database, stand-in and JIT warm-up).
#   3. Both rows and the ratios (ours / Keycloak) in $PERF_OUT/comparison.tsv and on the terminal.
#
#   perf/keycloak.sh
#
# Settings (environment): PERF_DURATION (s, measured run, 30), PERF_WARMUP (s, warm-up run, 20), PERF_JIT_WARMUP (s,
# 90: perf/load.sh's JIT warm-up of our jar; Keycloak's warm-up run is this much longer, refresh traffic only),
# PERF_CONNECTIONS (32), PERF_THREADS (wrk threads, 2), PERF_KC_USERS (users = token chains per run, both sides, 200),
# PERF_KC_VERSION (26.4.2; when Maven Central does not serve it, 26.4.5 is tried and the output says so),
# PERF_KC_JAVA_HOME (the JDK for Keycloak, default: the java on PATH), PERF_KC_HEAP (JAVA_OPTS_KC_HEAP, default
# kc.sh's own outside a container: -Xms64m -Xmx512m), PERF_KC_EVENTS=1 (store the realm's login events, off by
# default as in a new realm; our service always writes an audit row per refresh), PERF_KC_ONLY=1 (skip our half),
# PERF_KC_CACHE (the distribution cache), PERF_OUT (perf/results/keycloak-<UTC time>), PG_HOST/PG_PORT/PG_USER
# (127.0.0.1/5432/postgres), PERF_KC_PORT (18200; management +1, JGroups transport +2, its failure detection +3),
# PERF_API_PORT/PERF_MANAGEMENT_PORT/PERF_STAND_IN_PORT for our half (18210/18211/18212).
# Output in $PERF_OUT: comparison.tsv, keycloak/ (wrk output, keycloak.log, results.tsv, machine.txt) and ours/
# (perf/load.sh's results directory).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/common.sh
source perf/common.sh # stop_processes

duration="${PERF_DURATION:-30}"
warmup="${PERF_WARMUP:-20}"
jit_warmup="${PERF_JIT_WARMUP:-90}"
connections="${PERF_CONNECTIONS:-32}"
threads="${PERF_THREADS:-2}"
users="${PERF_KC_USERS:-200}"
wanted_version="${PERF_KC_VERSION:-26.4.2}"
fallback_version="26.4.5"
pg_host="${PG_HOST:-127.0.0.1}" pg_port="${PG_PORT:-5432}" pg_user="${PG_USER:-postgres}"
kc_port="${PERF_KC_PORT:-18200}"
# Management interface (health), the cache cluster's JGroups transport and its failure detection (FD_SOCK2, +1).
kc_mgmt_port=$((kc_port + 1)) kc_cluster_port=$((kc_port + 2))
cache="${PERF_KC_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/pipeline-pulse/keycloak}"
out="${PERF_OUT:-perf/results/keycloak-$(date -u +%Y%m%dT%H%M%SZ)}"
kc="http://127.0.0.1:${kc_port}"
realm=pp-bench
client_id=pp-bench
mkdir -p "${out}/keycloak"
out="$(cd "${out}" && pwd)"
kc_out="${out}/keycloak"

say() { printf '[keycloak %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "${out}/run.log" >&2; }
die() { say "FAILED: $*"; exit 1; }
(( users >= connections )) || die "PERF_KC_USERS (${users}) must be at least PERF_CONNECTIONS (${connections}): each connection needs a token chain of its own"
for tool in wrk curl psql java unzip openssl base64; do
  command -v "${tool}" >/dev/null || die "${tool} is missing (wrk: apt-get install -y wrk)"
done
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2" | head -n 1; }

# --- the distribution ------------------------------------------------------------------------------------------------
# fetch_keycloak: sets version and home (the unpacked distribution). Maven keeps the zip in ~/.m2 as well.
fetch_keycloak() {
  local v zip
  for v in "${wanted_version}" "${fallback_version}"; do
    zip="${cache}/keycloak-quarkus-dist-${v}.zip"
    if [[ ! -f "${zip}" ]]; then
      say "fetching org.keycloak:keycloak-quarkus-dist:${v}:zip through Maven"
      ./mvnw -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:${v}:zip" -DoutputDirectory="${cache}" \
        >"${kc_out}/fetch-${v}.log" 2>&1 || { say "Maven could not fetch Keycloak ${v} (${kc_out}/fetch-${v}.log)"; continue; }
    fi
    version="${v}"
    home="${cache}/keycloak-${v}"
    if [[ ! -x "${home}/bin/kc.sh" ]]; then
      rm -rf "${home}"
      unzip -q -d "${cache}" "${zip}"
    fi
    return 0
  done
  die "neither Keycloak ${wanted_version} nor ${fallback_version} could be fetched"
}
mkdir -p "${cache}"
fetch_keycloak
version_note="Keycloak ${version}"
[[ "${version}" == "${wanted_version}" ]] || version_note="Keycloak ${version} (${wanted_version} is not served by this machine's Maven repository)"
say "${version_note} in ${home}"

kc_java_home="${PERF_KC_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
kc_heap="${PERF_KC_HEAP:-}"
{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
  echo "calibration: openssl sha256 1KiB blocks $(openssl speed -seconds 2 -bytes 1024 sha256 2>/dev/null | awk '/^sha256/{print $2}') per s"
  echo "keycloak: ${version_note}"
  echo "keycloak_jdk: $("${kc_java_home}/bin/java" -version 2>&1 | sed -n 2p)"
  echo "keycloak_heap: ${kc_heap:-kc.sh default (-Xms64m -Xmx512m)}"
  echo "postgresql: $(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -Atc 'show server_version')"
  echo "wrk: $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "settings: duration=${duration}s warmup=${warmup}s keycloak_warmup=$((jit_warmup + warmup))s connections=${connections} wrk_threads=${threads} chains=${users} events=${PERF_KC_EVENTS:-0}"
} >"${kc_out}/machine.txt"

# --- database and server -------------------------------------------------------------------------------------------
db="pp_keycloak_bench_$(date -u +%Y%m%d%H%M%S)_$$"
work="${out}/work"
mkdir -p "${work}"
chmod 700 "${work}"
kc_pid=""
db_dropped=false
drop_db() {
  ${db_dropped} && return 0
  psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -qc "drop database if exists ${db} with (force)" >/dev/null 2>&1 || true
  db_dropped=true
}
stop_keycloak() {
  [[ -n "${kc_pid}" ]] && stop_processes 60 "${kc_pid}" $(pgrep -P "${kc_pid}" 2>/dev/null || true)
  kc_pid=""
}
cleanup() {
  stop_keycloak
  drop_db
  rm -rf "${work}" # the admin and user passwords, the client secret and live refresh tokens of this run
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -qc "create database ${db}"
say "database ${db}"

# Production mode: the build step fixes the build-time options once per cache (PostgreSQL, the management
# interface's health checks; the production default cache 'ispn'), start --optimized then runs it as deployed.
build_options=(--db=postgres --health-enabled=true)
if [[ "$(cat "${home}/.pp-build-options" 2>/dev/null)" != "${build_options[*]}" ]]; then
  say "kc.sh build ${build_options[*]}"
  JAVA_HOME="${kc_java_home}" timeout 600 "${home}/bin/kc.sh" build "${build_options[@]}" >"${kc_out}/build.log" 2>&1 \
    || die "kc.sh build failed: $(tail -n 5 "${kc_out}/build.log")"
  printf '%s' "${build_options[*]}" >"${home}/.pp-build-options"
fi

# Per-run secrets, random, never written outside ${work} (removed at exit).
admin_password="$(openssl rand -hex 16)"
user_password="$(openssl rand -hex 16)"
client_secret="$(openssl rand -hex 24)"

env JAVA_HOME="${kc_java_home}" ${kc_heap:+"JAVA_OPTS_KC_HEAP=${kc_heap}"} \
  KC_BOOTSTRAP_ADMIN_USERNAME=perf-admin KC_BOOTSTRAP_ADMIN_PASSWORD="${admin_password}" \
  KC_DB_URL="jdbc:postgresql://${pg_host}:${pg_port}/${db}" KC_DB_USERNAME="${pg_user}" KC_DB_PASSWORD="" \
  JAVA_OPTS_APPEND="-Djgroups.bind.port=${kc_cluster_port} -Djgroups.fd.port-offset=1" \
  "${home}/bin/kc.sh" start --optimized \
  --http-enabled=true --http-host=127.0.0.1 --http-port="${kc_port}" --http-management-port="${kc_mgmt_port}" \
  --hostname="${kc}" --cache-embedded-network-bind-address=127.0.0.1 \
  >"${kc_out}/keycloak.log" 2>&1 &
kc_pid=$!
say "Keycloak started (kc.sh pid ${kc_pid}, production mode: start --optimized, http on 127.0.0.1:${kc_port}); waiting for readiness"
deadline=$((SECONDS + 300))
until curl -fsS -m 5 -o /dev/null "http://127.0.0.1:${kc_mgmt_port}/health/ready" 2>/dev/null; do
  kill -0 "${kc_pid}" 2>/dev/null || { tail -n 40 "${kc_out}/keycloak.log" >&2; die "Keycloak exited"; }
  (( SECONDS < deadline )) || { tail -n 40 "${kc_out}/keycloak.log" >&2; die "Keycloak was not ready within 300 s"; }
  sleep 2
done
# kc.sh runs the JVM as its child (or execs it after a re-augmentation): the JVM is what is measured.
jvm_pid="${kc_pid}"
[[ "$(cat "/proc/${kc_pid}/comm")" == java ]] || jvm_pid="$(pgrep -P "${kc_pid}" -x java | head -n 1)"
[[ -n "${jvm_pid}" ]] || die "no Keycloak JVM under pid ${kc_pid}"
say "ready: JVM pid ${jvm_pid}, RSS $(ps -o rss= -p "${jvm_pid}" | tr -d ' ') kB"
ss -ltnp 2>/dev/null | grep "pid=${jvm_pid}," >"${kc_out}/listening.txt" || true # 18200-18203 (HTTP, management, JGroups)

# --- realm, client, users ------------------------------------------------------------------------------------------
admin_token() {
  curl -fsS -m 30 -d grant_type=password -d client_id=admin-cli -d username=perf-admin \
    --data-urlencode "password@${work}/admin-password" "${kc}/realms/master/protocol/openid-connect/token" \
    | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'
}
printf '%s' "${admin_password}" >"${work}/admin-password"
# The realm in one import. Users have an email, names and a verified email, so that no required action stands
# between them and a password grant. The refresh grant, which is what is measured, never checks a password.
events_enabled=false
[[ "${PERF_KC_EVENTS:-0}" == 1 ]] && events_enabled=true
{
  printf '{"realm":"%s","enabled":true,"revokeRefreshToken":true,"refreshTokenMaxReuse":0,"eventsEnabled":%s,' \
    "${realm}" "${events_enabled}"
  printf '"clients":[{"clientId":"%s","enabled":true,"protocol":"openid-connect","publicClient":false,' "${client_id}"
  printf '"clientAuthenticatorType":"client-secret","secret":"%s","directAccessGrantsEnabled":true,' "${client_secret}"
  printf '"standardFlowEnabled":false,"implicitFlowEnabled":false,"serviceAccountsEnabled":false}],"users":['
  for ((i = 1; i <= users; i++)); do
    ((i > 1)) && printf ','
    printf '{"username":"bench-%03d","enabled":true,"email":"bench-%03d@example.invalid","emailVerified":true,' "${i}" "${i}"
    printf '"firstName":"Bench","lastName":"User %03d","credentials":[{"type":"password","value":"%s","temporary":false}]}' \
      "${i}" "${user_password}"
  done
  printf ']}'
} >"${work}/realm.json"
token="$(admin_token)"
[[ -n "${token}" ]] || die "no admin token from Keycloak"
status="$(curl -sS -m 300 -o "${kc_out}/realm-create.txt" -w '%{http_code}' -H "Authorization: Bearer ${token}" \
  -H 'Content-Type: application/json' --data-binary "@${work}/realm.json" "${kc}/admin/realms")"
[[ "${status}" == 201 ]] || die "creating the realm answered ${status}: $(head -c 300 "${kc_out}/realm-create.txt")"
token="$(admin_token)"
curl -fsS -m 30 -H "Authorization: Bearer ${token}" "${kc}/admin/realms/${realm}" >"${work}/realm-read.json"
for setting in '"revokeRefreshToken":true' '"refreshTokenMaxReuse":0'; do
  grep -q "${setting}" "${work}/realm-read.json" || die "the realm does not have ${setting}"
done
count="$(curl -fsS -m 30 -H "Authorization: Bearer ${token}" "${kc}/admin/realms/${realm}/users/count")"
[[ "${count}" == "${users}" ]] || die "the realm has ${count} users, not ${users}"
say "realm ${realm}: revokeRefreshToken=true, refreshTokenMaxReuse=0, confidential client ${client_id} with direct access grants, ${count} users"

# --- token chains ----------------------------------------------------------------------------------------------------
token_url="${kc}/realms/${realm}/protocol/openid-connect/token"
printf 'user = "%s:%s"\n' "${client_id}" "${client_secret}" >"${work}/client.curlrc"
password_grant() { # $1 = user number; prints a refresh token
  local answer refresh
  answer="$(curl -sS -m 60 -K "${work}/client.curlrc" -d grant_type=password -d "username=$(printf 'bench-%03d' "$1")" \
    --data-urlencode "password@${work}/user-password" "${token_url}")"
  refresh="$(sed -n 's/.*"refresh_token" *: *"\([^"]*\)".*/\1/p' <<<"${answer}")"
  [[ -n "${refresh}" ]] || die "password grant for user $1 failed: $(head -c 200 <<<"${answer}")"
  printf '%s\n' "${refresh}"
}
printf '%s' "${user_password}" >"${work}/user-password"
say "password grants: ${users} sessions for the warm-up chains, ${users} for the measured chains"
for set in warmup run; do
  : >"${work}/${set}.txt"
  for ((i = 1; i <= users; i++)); do password_grant "${i}" >>"${work}/${set}.txt"; done
done
# One refresh by hand: rotation on, and the old token refused afterwards (revocation on reuse).
first="$(head -n 1 "${work}/warmup.txt")"
answer="$(curl -sS -m 30 -K "${work}/client.curlrc" -d grant_type=refresh_token -d "refresh_token=${first}" "${token_url}")"
second="$(sed -n 's/.*"refresh_token" *: *"\([^"]*\)".*/\1/p' <<<"${answer}")"
[[ -n "${second}" && "${second}" != "${first}" ]] || die "a refresh did not rotate: $(head -c 200 <<<"${answer}")"
reuse="$(curl -sS -m 30 -o /dev/null -w '%{http_code}' -K "${work}/client.curlrc" -d grant_type=refresh_token \
  -d "refresh_token=${first}" "${token_url}")"
[[ "${reuse}" == 400 ]] || die "reusing a rotated refresh token answered ${reuse}, not 400"
sed -i '1d' "${work}/warmup.txt" # that session was revoked by the reuse
say "checked: a refresh rotates the token, the reuse of a rotated one is refused (400) and revokes the session"

# --- measuring -------------------------------------------------------------------------------------------------------
clk_tck="$(getconf CLK_TCK)"
# The PostgreSQL server on pg_port: its postmaster and the postmaster's children (another cluster on the machine is
# not counted). Without access to its data directory, every process named postgres.
pg_processes() {
  local data postmaster
  data="$(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -Atc 'show data_directory' 2>/dev/null || true)"
  postmaster="$(head -n 1 "${data}/postmaster.pid" 2>/dev/null || true)"
  if [[ "${postmaster}" =~ ^[0-9]+$ ]]; then
    echo "${postmaster}" $(pgrep -P "${postmaster}")
  else
    pgrep -x postgres
  fi
}
# cpu_snapshot <file>: "pid ticks datname" of the Keycloak JVM (datname "jvm") and of every PostgreSQL process
# (datname of a backend, "-" for PostgreSQL's own processes: WAL writer, checkpointer, ...).
cpu_snapshot() {
  local pid
  {
    printf '%s %s jvm\n' "${jvm_pid}" "$(awk '{print $14 + $15}' "/proc/${jvm_pid}/stat")"
    psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -Atc \
      "select pid || ' ' || coalesce(datname, '-') from pg_stat_activity" >"${work}/backends.txt"
    for pid in $(pg_processes); do
      printf '%s %s %s\n' "${pid}" "$(awk '{print $14 + $15}' "/proc/${pid}/stat" 2>/dev/null || echo 0)" \
        "$(awk -v p="${pid}" '$1 == p {print $2}' "${work}/backends.txt" | head -n 1)"
    done
  } >"$1"
}
# cpu_delta <before> <after> <requests>: CPU ms per request of the JVM, of the backends serving its database (new
# backends counted from zero) and of all postgres processes.
cpu_delta() {
  awk -v db="${db}" -v n="$3" -v hz="${clk_tck}" '
    NR == FNR { before[$1] = $2; next }
    { d = $2 - before[$1]; if ($3 == "jvm") jvm += d; else { all += d; if ($3 == db) mine += d } }
    END { if (n < 1) n = 1
          printf "keycloak_cpu_ms_per_req=%.3f db_cpu_ms_per_req=%.3f pg_all_cpu_ms_per_req=%.3f",
                 jvm * 1000 / hz / n, mine * 1000 / hz / n, all * 1000 / hz / n }' "$1" "$2"
}
basic="$(printf '%s:%s' "${client_id}" "${client_secret}" | base64 -w 0)"
run_wrk() { # $1 = tokens file, $2 = seconds, $3 = output file; prints the PERF line
  PERF_WRK_DIR="$(pwd)/perf/wrk" PERF_TOKENS="$1" PERF_THREADS="${threads}" PERF_COUNTERS="rotated lost starved" \
  PERF_PATH="/realms/${realm}/protocol/openid-connect/token" PERF_BASIC="${basic}" \
    timeout $(( $2 + 60 )) wrk -t "${threads}" -c "${connections}" -d "$2s" --timeout 5s --latency \
    -s perf/wrk/keycloak-refresh.lua "${kc}" >"$3" 2>&1 || die "wrk failed: $(tail -n 3 "$3")"
  grep '^PERF ' "$3"
}
errors_of() { # non-2xx/3xx answers plus socket errors of a PERF line
  echo $(( $(field non2xx3xx "$1") + $(field connect "$1") + $(field read "$1") + $(field write "$1") + $(field timeout "$1") ))
}

kc_warmup=$((jit_warmup + warmup))
say "warm-up: ${kc_warmup}s of refreshes (wrk -t${threads} -c${connections}, discarded)"
line="$(run_wrk "${work}/warmup.txt" "${kc_warmup}" "${kc_out}/refresh-warmup.txt")"
say "warm-up: $(field rps "${line}") req/s, errors $(errors_of "${line}"), rotated $(field rotated "${line}"), lost $(field lost "${line}")"

cpu_snapshot "${kc_out}/cpu-before.txt"
say "measuring: wrk -t${threads} -c${connections} -d${duration}s over ${users} fresh chains"
line="$(run_wrk "${work}/run.txt" "${duration}" "${kc_out}/refresh.txt")"
cpu_snapshot "${kc_out}/cpu-after.txt"
cpu="$(cpu_delta "${kc_out}/cpu-before.txt" "${kc_out}/cpu-after.txt" "$(field requests "${line}")")"
kc_rss="$(ps -o rss= -p "${jvm_pid}" | tr -d ' ')"
kc_connections="$(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -Atc \
  "select count(*) from pg_stat_activity where datname = '${db}'")"
kc_errors="$(errors_of "${line}")"
kc_row="$(printf 'keycloak\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$(field rps "${line}")" "$(field p50_ms "${line}")" \
  "$(field p90_ms "${line}")" "$(field p99_ms "${line}")" "$(field p999_ms "${line}")" "${kc_errors}" \
  "$(field requests "${line}")" "$(field keycloak_cpu_ms_per_req " ${cpu}")" "$(field db_cpu_ms_per_req " ${cpu}")" \
  "${kc_rss}" "${version_note}; rotated=$(field rotated "${line}") lost=$(field lost "${line}") starved=$(field starved "${line}"); all PostgreSQL processes $(field pg_all_cpu_ms_per_req " ${cpu}") ms/req; ${kc_connections} database connections at the end")"
printf 'server\trps\tp50_ms\tp90_ms\tp99_ms\tp999_ms\terrors\trequests\tserver_cpu_ms_per_req\tdb_cpu_ms_per_req\trss_kb\tnotes\n%s\n' \
  "${kc_row}" >"${kc_out}/results.tsv"
say "Keycloak: $(field rps "${line}") req/s, p50 $(field p50_ms "${line}") ms, p90 $(field p90_ms "${line}") ms, p99 $(field p99_ms "${line}") ms, errors ${kc_errors}; ${cpu}; RSS ${kc_rss} kB"

stop_keycloak
drop_db
say "Keycloak stopped, ${db} dropped"

# --- ours ------------------------------------------------------------------------------------------------------------
# run_ours <out dir>: our jar's refresh scenario with the same wrk shape, through perf/load.sh (its own jar start,
# database, stand-in, sessions and JIT warm-up), which writes <out dir>/results.tsv.
run_ours() {
  PERF_OUT="$1" PERF_DURATION="${duration}" PERF_WARMUP="${warmup}" PERF_JIT_WARMUP="${jit_warmup}" \
  PERF_CONNECTIONS="${connections}" PERF_THREADS="${threads}" PERF_REFRESH_CHAINS="${users}" \
  PERF_API_PORT="${PERF_API_PORT:-18210}" PERF_MANAGEMENT_PORT="${PERF_MANAGEMENT_PORT:-18211}" \
  PERF_STAND_IN_PORT="${PERF_STAND_IN_PORT:-18212}" \
    perf/load.sh refresh >"${out}/ours.log" 2>&1 || die "perf/load.sh refresh failed: $(tail -n 5 "${out}/ours.log")"
}

comparison="${out}/comparison.tsv"
printf 'server\trps\tp50_ms\tp90_ms\tp99_ms\tp999_ms\terrors\trequests\tserver_cpu_ms_per_req\tdb_cpu_ms_per_req\trss_kb\tnotes\n' >"${comparison}"
printf '%s\n' "${kc_row}" >>"${comparison}"
if [[ "${PERF_KC_ONLY:-0}" == 1 ]]; then
  say "PERF_KC_ONLY=1: our half skipped"
else
  say "ours: perf/load.sh refresh (wrk -t${threads} -c${connections}, ${warmup}s warm-up, ${duration}s, JIT warm-up ${jit_warmup}s)"
  run_ours "${out}/ours"
  # load.sh's refresh row, read by its header's column names.
  awk -F'\t' -v OFS='\t' '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $1 == "refresh" { row = $0 }
    END { if (row == "") exit 1
          n = split(row, f, "\t")
          notes = f[c["notes"]]
          app = notes; sub(/.*app_cpu_ms_per_req=/, "", app); sub(/[ ;].*/, "", app)
          dbc = notes; sub(/.*db_cpu_ms_per_req=/, "", dbc); sub(/[ ;].*/, "", dbc)
          if (app !~ /^[0-9.]+$/) app = ""
          if (dbc !~ /^[0-9.]+$/) dbc = ""
          print "ours", f[c["rps"]], f[c["p50_ms"]], f[c["p90_ms"]], f[c["p99_ms"]], f[c["p999_ms"]], f[c["errors"]],
                f[c["requests"]], app, dbc, f[c["rss_kb"]], "perf/load.sh refresh: " notes }' "${out}/ours/results.tsv" \
    >>"${comparison}" || die "perf/load.sh wrote no refresh row"
  # ours / Keycloak, column by column (rate: higher is better; latency, CPU and RSS: lower is better).
  ratio="$(awk -F'\t' 'NR == 2 { for (i = 2; i <= 11; i++) k[i] = $i }
    NR == 3 { printf "ours/keycloak"
              for (i = 2; i <= 11; i++) printf "\t%s", (i == 7 || i == 8 || k[i] + 0 == 0) ? "" : sprintf("%.2f", $i / k[i])
              printf "\tratio of the rows above (errors: see the rows)" }' "${comparison}")"
  printf '%s\n' "${ratio}" >>"${comparison}"
  say "ours / Keycloak: $(cut -f 2 <<<"${ratio}") x the rate; CPU per refresh (server + PostgreSQL backends): $(awk -F'\t' \
    'NR == 2 || NR == 3 { printf "%s%s %.3f + %.3f = %.3f ms", (NR == 3 ? ", " : ""), $1, $9, $10, $9 + $10 }' "${comparison}")"
fi
say "results: ${comparison}"
column -t -s $'\t' "${comparison}" >&2
