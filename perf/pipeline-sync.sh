#!/usr/bin/env bash
# Pipeline sync benchmark (docs/benchmarks.md, "Pipeline sync"). Loopback only. Builds the jar and the test classes,
# creates a fresh database (owner and service roles) on the local PostgreSQL, starts the Zoho stand-in over https in a
# JVM of its own (ZohoStandInServer through perf/StandInMain.java: the stand-in's CRM with PERF_DEALS generated deals,
# no added latency) and the API jar in PRODUCTION MODE (no profile: perf/common.sh, prod_start_api; scheduled syncs
# off), signs in the stand-in's Ada Admin (admin through PP_ADMIN_EMAILS) with curl, makes her the sync account, then
# measures:
#   full         POST /api/admin/pipeline/sync?mode=full on an empty database: run time (started_at to
#                finished_at of the run row) and the API's heap after GC: the greatest after any GC during the run
#                (the JVM's GC log) and after a full GC once it ended, against the idle heap after a full GC
#   incremental  PERF_CHANGED deals modified on the stand-in, then POST ...?mode=incremental: run time
#
#   perf/pipeline-sync.sh
#
# Settings (environment): PERF_DEALS (100000), PERF_CHANGED (100), PERF_JAVA_OPTS ("dockerfile": the shipped JVM settings),
# PERF_STAND_IN_JAVA_OPTS (-Xmx1g), PERF_OUT (perf/results/pipeline-<UTC time>), PG_HOST/PG_PORT/PG_USER
# (127.0.0.1/5432/postgres, a superuser), PERF_API_PORT/PERF_MANAGEMENT_PORT/PERF_STAND_IN_PORT (28180/28181/28190).
# Output: $PERF_OUT/results.txt (key=value), gc.log, machine.txt and the logs; a table at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/common.sh
source perf/common.sh # stop_processes, sign_in, refresh_once, prod_init, prod_db_create, start_stand_in, prod_start_api, ...

deals="${PERF_DEALS:-100000}"
changed="${PERF_CHANGED:-100}"
java_opts="${PERF_JAVA_OPTS:-dockerfile}" # the shipped JVM settings (perf/common.sh, prod_start_api)
pg_host="${PG_HOST:-127.0.0.1}" pg_port="${PG_PORT:-5432}" pg_user="${PG_USER:-postgres}"
api_port="${PERF_API_PORT:-28180}" mgmt_port="${PERF_MANAGEMENT_PORT:-28181}" stand_in_port="${PERF_STAND_IN_PORT:-28190}"
out="${PERF_OUT:-perf/results/pipeline-$(date -u +%Y%m%dT%H%M%SZ)}"
api="http://127.0.0.1:${api_port}"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"

say() { printf '[pipeline-sync %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "${out}/run.log" >&2; }
die() { say "FAILED: $*"; exit 1; }
for tool in curl psql java jcmd keytool openssl; do command -v "${tool}" >/dev/null || die "${tool} is missing"; done

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
  echo "memory: $(free -m | awk '/^Mem:/{print $2}') MiB"
  echo "jdk: $(java -version 2>&1 | sed -n 2p)"
  echo "postgresql: $(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -Atc 'show server_version')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "load1 at start: $(cut -d' ' -f1 /proc/loadavg)"
  echo "mode: production (no profile, JSON logs at INFO, https stand-in, two database roles)"
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
  prod_db_drop "${db}"
  prod_cleanup
  rm -f "${out}/app.jar"
}
trap cleanup EXIT
prod_init
prod_db_create "${db}"

start_stand_in "${stand_in_port}" "${deals}"
pids+=("${stand_in_pid}")
java_opts="${java_opts} -Xlog:gc:file=${out}/gc.log"
prod_start_api api "${api_port}" "${mgmt_port}" "${db}" PP_PIPELINE_SYNC_INTERVAL=0
pids+=("${app_pid}")
say "API pid ${app_pid} (production mode); waiting for readiness and the https stand-in (${deals} deals)"
wait_for_readiness "${app_pid}" "${mgmt_port}" "${out}/app-api.log"
wait_for_stand_in

read -r _ access < <(refresh_once "$(sign_in us-admin)")
auth=(-H "Authorization: Bearer ${access}")
# The sync account is never implicit: Ada Admin's Zoho connection reads the CRM.
admin_id="$(psql_admin -d "${db}" -Atc "select id from app_user where lower(email) = 'ada.admin@example.com'")"
curl -fsS -m 30 -o /dev/null -X PUT "${auth[@]}" -H 'Content-Type: application/json' \
  -d "{\"user_id\":\"${admin_id}\"}" "${api}/api/admin/pipeline/sync-account" || die "PUT sync-account failed"

heap_mib() { heap_after_gc "${app_pid}" | awk '{ printf "%.1f\n", $1 / 1024 }'; } # MiB used right after a full GC

# Runs a sync of mode $1 and waits for it; prints "<outcome> <seconds from started_at to finished_at> <fetched>".
sync_run() {
  local body run_id row
  body="$(curl -fsS -m 30 -X POST "${auth[@]}" "${api}/api/admin/pipeline/sync?mode=$1")" || die "POST sync failed"
  run_id="$(sed -n 's/.*"run_id":"\([^"]*\)".*/\1/p' <<<"${body}")"
  while :; do
    row="$(psql_admin -d "${db}" -Atc \
      "select outcome, extract(epoch from finished_at - started_at), fetched from pipeline_sync_run where id = '${run_id}'")"
    [[ "${row}" == running* || -z "${row}" ]] || break
    sleep 1
  done
  tr '|' ' ' <<<"${row}"
}

idle="$(heap_mib)"
say "idle heap after GC: ${idle} MiB"
gc_from=$(($(wc -l <"${out}/gc.log") + 1))
read -r outcome full_seconds fetched < <(sync_run full)
[[ "${outcome}" == succeeded ]] || die "the full sync ended ${outcome}"
# The greatest heap after any GC during the run, from the JVM's own GC log ("... 120M->41M(512M) ...").
peak="$(tail -n +"${gc_from}" "${out}/gc.log" | sed -n 's/.*->\([0-9]*\)M(.*/\1/p' | sort -n | tail -n 1)"
after="$(heap_mib)"
say "full sync: ${fetched} deals in ${full_seconds} s; heap after GC: idle ${idle}, peak during ${peak:-n/a}, after ${after} MiB"

curl -fsS -m 60 --cacert "${prod_dir}/stand-in.pem" -X POST "${stand_in}/__stand-in/deals/touch?count=${changed}" >/dev/null || die "touch failed"
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
} >"${out}/results.txt"
say "done: ${out}/results.txt"
{
  echo
  echo "Pipeline sync, production mode, ${deals} stand-in deals, API JVM settings: ${java_opts%% -Xlog*}:"
  printf '%-40s %-12s %s\n' measure value "issue 16 target"
  printf '%-40s %-12s %s\n' "full sync: deals" "${fetched}" "${deals}"
  printf '%-40s %-12s %s\n' "full sync: seconds" "${full_seconds}" "< 60 s"
  printf '%-40s %-12s %s\n' "heap after GC, idle (MiB)" "${idle}" ""
  printf '%-40s %-12s %s\n' "heap after GC, peak during full (MiB)" "${peak:-n/a}" "within 64 MiB of idle"
  printf '%-40s %-12s %s\n' "heap after GC, after full (MiB)" "${after}" "within 64 MiB of idle"
  printf '%-40s %-12s %s\n' "incremental: changed deals fetched" "${inc_fetched}" "${changed}"
  printf '%-40s %-12s %s\n' "incremental: seconds" "${inc_seconds}" "< 2 s"
} | tee -a "${out}/run.log" >&2
