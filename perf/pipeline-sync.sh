#!/usr/bin/env bash
# Pipeline sync benchmark (docs/benchmarks.md, "Pipeline sync"). Loopback only. Builds the jar and the test classes,
# creates a fresh database on the local PostgreSQL, starts the Zoho stand-in in a JVM of its own
# (ZohoStandInServer through perf/StandInMain.java: the stand-in's CRM with PERF_DEALS generated deals, no added latency) and the API jar
# (local profile, scheduled syncs off), signs in the stand-in's Ada Admin with curl, then measures:
#   full         POST /api/admin/pipeline/sync?mode=full on an empty database: run time (started_at to
#                finished_at of the run row) and the API's heap after GC: the greatest after any GC during the run
#                (the JVM's GC log) and after a full GC once it ended, against the idle heap after a full GC
#   incremental  PERF_CHANGED deals modified on the stand-in, then POST ...?mode=incremental: run time
#
#   perf/pipeline-sync.sh
#
# Settings (environment): PERF_DEALS (100000), PERF_CHANGED (100), PERF_JAVA_OPTS (-Xms512m -Xmx512m),
# PERF_STAND_IN_JAVA_OPTS (-Xmx1g), PERF_OUT (perf/results/pipeline-<UTC time>), PG_HOST/PG_PORT/PG_USER
# (127.0.0.1/5432/postgres), PERF_API_PORT/PERF_MANAGEMENT_PORT/PERF_STAND_IN_PORT (28180/28181/28190).
# Output: $PERF_OUT/results.txt, gc.log, machine.txt and the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/common.sh
source perf/common.sh # stand_in_data_centers, stop_processes, sign_in, refresh_once

deals="${PERF_DEALS:-100000}"
changed="${PERF_CHANGED:-100}"
java_opts="${PERF_JAVA_OPTS:--Xms512m -Xmx512m}"
stand_in_opts="${PERF_STAND_IN_JAVA_OPTS:--Xmx1g}"
pg_host="${PG_HOST:-127.0.0.1}" pg_port="${PG_PORT:-5432}" pg_user="${PG_USER:-postgres}"
api_port="${PERF_API_PORT:-28180}" mgmt_port="${PERF_MANAGEMENT_PORT:-28181}" stand_in_port="${PERF_STAND_IN_PORT:-28190}"
out="${PERF_OUT:-perf/results/pipeline-$(date -u +%Y%m%dT%H%M%SZ)}"
api="http://127.0.0.1:${api_port}"
# The stand-in names the host it was called with in its answers: the API and the browser flow must say localhost.
stand_in="http://localhost:${stand_in_port}"
spa_origin="http://localhost:5173"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"

say() { printf '[pipeline-sync %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "${out}/run.log" >&2; }
die() { say "FAILED: $*"; exit 1; }
for tool in curl psql java jcmd; do command -v "${tool}" >/dev/null || die "${tool} is missing"; done

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
  echo "memory: $(free -m | awk '/^Mem:/{print $2}') MiB"
  echo "jdk: $(java -version 2>&1 | sed -n 2p)"
  echo "postgresql: $(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -Atc 'show server_version')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "load1 at start: $(cut -d' ' -f1 /proc/loadavg)"
  echo "settings: deals=${deals} changed=${changed} java_opts='${java_opts}'"
} >"${out}/machine.txt"

# Always built: a jar left in target/ may predate the code being measured.
say "building the jar and the test classes"
./mvnw -B -q -DskipTests package >"${out}/build.log" 2>&1 || die "build failed, see ${out}/build.log"
jar="$(ls target/pipeline-pulse-api-*.jar | grep -v original | head -n 1)"
cp "${jar}" "${out}/app.jar"
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="${out}/classpath.txt" \
  >"${out}/classpath.log" 2>&1 || die "test classpath failed, see ${out}/classpath.log"

db="pp_bench_sync_$(date -u +%Y%m%d%H%M%S)_$$"
pids=()
cleanup() {
  stop_processes 30 "${pids[@]}"
  psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -qc "drop database if exists ${db} with (force)" >/dev/null 2>&1 || true
  rm -f "${out}/app.jar"
}
trap cleanup EXIT
psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d postgres -qc "create database ${db}"

# shellcheck disable=SC2086
java ${stand_in_opts} -cp "target/test-classes:$(cat "${out}/classpath.txt")" \
  perf/StandInMain.java "${stand_in_port}" "${deals}" >"${out}/stand-in.log" 2>&1 &
pids+=("$!")

# shellcheck disable=SC2086
PP_DATABASE_URL="jdbc:postgresql://${pg_host}:${pg_port}/${db}" PP_DATABASE_USERNAME="${pg_user}" \
PP_ZOHO_CLIENT_ID=local-stand-in-client PP_ZOHO_CLIENT_SECRET=local-stand-in-secret \
PP_ZOHO_ACCOUNTS_URL="${stand_in}" PP_ZOHO_DATA_CENTERS="$(stand_in_data_centers "${stand_in}")" \
PP_ZOHO_REDIRECT_URI="${api}/api/zoho/auth/callback" PP_SPA_BASE_URL="${spa_origin}" PP_CORS_ALLOWED_ORIGINS="${spa_origin}" \
SERVER_PORT="${api_port}" MANAGEMENT_SERVER_PORT="${mgmt_port}" PP_PIPELINE_SYNC_INTERVAL=0 \
  java ${java_opts} -Xlog:gc:file="${out}/gc.log" -jar "${out}/app.jar" --spring.profiles.active=local \
  --server.address=127.0.0.1 --management.server.address=127.0.0.1 \
  --logging.level.root=WARN --logging.level.com.pipelinepulse=INFO >"${out}/app.log" 2>&1 &
app_pid=$!
pids+=("${app_pid}")
say "API pid ${app_pid}; waiting for readiness and the stand-in (${deals} deals)"
deadline=$((SECONDS + 300))
until curl -fsS -m 5 -o /dev/null "http://127.0.0.1:${mgmt_port}/actuator/health/readiness" 2>/dev/null \
    && curl -fsS -m 5 -o /dev/null "${stand_in}/__admin/health" 2>/dev/null; do
  kill -0 "${app_pid}" 2>/dev/null || { tail -n 40 "${out}/app.log" >&2; die "the API exited"; }
  (( SECONDS < deadline )) || die "not ready within 300 s"
  sleep 1
done

read -r _ access < <(refresh_once "$(sign_in us-admin)")
auth=(-H "Authorization: Bearer ${access}")

heap_after_gc() { # MiB used by the API's heap right after a full GC
  jcmd "${app_pid}" GC.run >/dev/null
  jcmd "${app_pid}" GC.heap_info | awk '/ used /{for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?$/, "", v); printf "%.1f\n", v / 1024; exit}}'
}

# Runs a sync of mode $1 and waits for it; prints "<outcome> <seconds from started_at to finished_at> <fetched>".
sync_run() {
  local body run_id row
  body="$(curl -fsS -m 30 -X POST "${auth[@]}" "${api}/api/admin/pipeline/sync?mode=$1")" || die "POST sync failed"
  run_id="$(sed -n 's/.*"run_id":"\([^"]*\)".*/\1/p' <<<"${body}")"
  while :; do
    row="$(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" -Atc \
      "select outcome, extract(epoch from finished_at - started_at), fetched from pipeline_sync_run where id = '${run_id}'")"
    [[ "${row}" == running* || -z "${row}" ]] || break
    sleep 1
  done
  tr '|' ' ' <<<"${row}"
}

idle="$(heap_after_gc)"
say "idle heap after GC: ${idle} MiB"
gc_from=$(($(wc -l <"${out}/gc.log") + 1))
read -r outcome full_seconds fetched < <(sync_run full)
[[ "${outcome}" == succeeded ]] || die "the full sync ended ${outcome}"
# The greatest heap after any GC during the run, from the JVM's own GC log ("... 120M->41M(512M) ...").
peak="$(tail -n +"${gc_from}" "${out}/gc.log" | sed -n 's/.*->\([0-9]*\)M(.*/\1/p' | sort -n | tail -n 1)"
after="$(heap_after_gc)"
say "full sync: ${fetched} deals in ${full_seconds} s; heap after GC: idle ${idle}, peak during ${peak:-n/a}, after ${after} MiB"

curl -fsS -m 60 -X POST "${stand_in}/__stand-in/deals/touch?count=${changed}" >/dev/null || die "touch failed"
read -r outcome inc_seconds inc_fetched < <(sync_run incremental)
[[ "${outcome}" == succeeded ]] || die "the incremental sync ended ${outcome}"
say "incremental sync: ${inc_fetched} changed deals in ${inc_seconds} s"

{
  echo "full_sync_deals=${fetched}"
  echo "full_sync_seconds=${full_seconds}"
  echo "heap_after_gc_idle_mib=${idle}"
  echo "heap_after_gc_peak_during_full_mib=${peak:-n/a}"
  echo "heap_after_gc_after_full_mib=${after}"
  echo "incremental_changed_deals=${inc_fetched}"
  echo "incremental_seconds=${inc_seconds}"
} | tee "${out}/results.txt"
