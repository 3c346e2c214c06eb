#!/usr/bin/env bash
# Faults under load (docs/benchmarks.md, section 4). Loopback only, bounded in time. Uses a PRIVATE PostgreSQL cluster
# (initdb in a temporary directory, port 25432, run as the postgres user) so that restarting it disturbs nobody
# else's database, the WireMock stand-in over https, and one or two API instances in PRODUCTION MODE (no profile:
# perf/common.sh, prod_start_api) on one database, sharing the run's generated JWT and encryption key rings.
#
#   perf/faults.sh [pg] [zoho] [instance]          (default: all three)
#
#   pg        mixed traffic at PERF_FAULT_RATE/s (default 100) for 60 s; PostgreSQL stopped at 20 s, started 5 s later.
#             Readiness sampled every 0.5 s. Expect: errors only while it is down (and until the pool reconnects),
#             readiness DOWN then UP within 10 s of PostgreSQL being back, no 500 after that.
#   zoho      mixed traffic (no Zoho needed) plus sign-ins at 5/s for 60 s; the stand-in gets a 2 s delay on every
#             answer at 15 s, answers 503 on the token endpoint from 30 s, is back to normal at 45 s. Expect: sign-ins
#             slow (bounded) then failing with zoho_unavailable, the other endpoints unaffected.
#   instance  two instances A and B on one database; traffic alternates between them (each session's refresh chain
#             moves between instances); A is killed (SIGKILL) at 15 s of 40 s. Expect: B keeps serving the same
#             sessions and refresh chains; failures only of requests sent to A.
# Settings (environment): PERF_JAVA_OPTS (the API's JVM options; default "dockerfile", the shipped ones), PERF_FAULT_RATE (100), PERF_FAULT_PG_PORT (25432), PERF_FAULT_PORT_BASE (28290: the
# stand-in; the instances listen on the next 50 ports), PERF_OUT.
# Output: perf/results/faults-<UTC time>/ (timelines, the instances' JSON logs app-<name>.log, and the summary of
# each scenario in faults.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/common.sh
source perf/common.sh # ratelimit_args, stop_processes, sign_in, make_sessions, make_access_tokens, prod_init, ...

scenarios=("$@")
(( ${#scenarios[@]} )) || scenarios=(pg zoho instance)
rate="${PERF_FAULT_RATE:-100}"
pg_host=127.0.0.1 pg_port="${PERF_FAULT_PG_PORT:-25432}" pg_user=postgres
port_base="${PERF_FAULT_PORT_BASE:-28290}" # the stand-in; API and management ports of pg +10/+11, zoho +20/+21,
stand_in_port="${port_base}"                # instance A +30/+31, instance B +40/+41
pg_api=$((port_base + 10)) zoho_api=$((port_base + 20)) a_api=$((port_base + 30)) b_api=$((port_base + 40))
java_opts="${PERF_JAVA_OPTS:-dockerfile}" # the shipped JVM settings (perf/common.sh, prod_start_api)
db_pool=20
out="${PERF_OUT:-perf/results/faults-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

say() { printf '[faults %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "${out}/faults.txt" >&2; }
die() { say "FAILED: $*"; exit 1; }
now_ms() { date +%s%3N; }
for tool in curl psql java keytool openssl runuser; do command -v "${tool}" >/dev/null || die "${tool} is missing"; done

find_or_build_jar "${out}"
# Run a copy, so that a build in the worktree meanwhile cannot pull the jar from under the running instances.
cp "${jar}" "${out}/app.jar"

pgdata="$(mktemp -d /tmp/pp-perf-pg.XXXXXX)"
chown postgres: "${pgdata}"
pids=()
cleanup() {
  stop_processes 20 "${pids[@]}"
  runuser -u postgres -- "${pg_bin}/pg_ctl" -D "${pgdata}/data" -m immediate stop >/dev/null 2>&1 || true
  prod_cleanup
  rm -rf "${pgdata}" "${out}/work" "${out}/app.jar"
}
trap cleanup EXIT

pg_start() { runuser -u postgres -- "${pg_bin}/pg_ctl" -D "${pgdata}/data" -l "${pgdata}/pg.log" -w -t 30 start >/dev/null; }
pg_stop() { runuser -u postgres -- "${pg_bin}/pg_ctl" -D "${pgdata}/data" -m fast -w -t 30 stop >/dev/null; }
runuser -u postgres -- "${pg_bin}/initdb" -D "${pgdata}/data" -A trust -U postgres >/dev/null
cat >>"${pgdata}/data/postgresql.conf" <<EOF
port = ${pg_port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '${pgdata}'
max_connections = 60
EOF
pg_start
say "private PostgreSQL $("${pg_bin}/postgres" --version | awk '{print $3}') on 127.0.0.1:${pg_port}"

prod_init
start_stand_in "${stand_in_port}"
pids+=("${stand_in_pid}")
wait_for_stand_in
driver_java=(java "${trust_opts[@]}") # trusts the stand-in; prod_init exported PERF_ORIGIN and PERF_PUBLIC_API

sessions() { # $1 = API base, $2 = sessions, $3 = refresh file ($2 - 4 chains), $4 = access file (4 access tokens)
  local api="$1"
  make_sessions $(($2 - 4)) "$3"
  make_access_tokens 4 "$4"
}

readiness_sampler() { # $1 = management port, $2 = file; runs until killed
  while true; do
    printf '%s %s\n' "$(now_ms)" "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/actuator/health/readiness" || true)" >>"$2"
    sleep 0.5
  done
}

warm_up() { # $1 = API base(s), $2 = refresh file, $3 = access file: 20 s at the scenario's rate, discarded, so the
  # faults meet a warmed-up JVM (a cold one at full rate on a busy machine fails requests on its own)
  "${driver_java[@]}" perf/MixedLoad.java "$1" "${rate}" 20 "$2" "$3" >"${out}/${scenario}-warmup.txt" 2>&1 || true
  say "${scenario}: warm-up $(grep '^PERF requests' "${out}/${scenario}-warmup.txt" || echo 'gave no summary')"
}

mkdir -p "${out}/work"
for scenario in "${scenarios[@]}"; do
  db="faults_${scenario}"
  prod_db_create "${db}"
  case "${scenario}" in
    pg)
      prod_start_api pg ${pg_api} $((pg_api + 1)) "${db}"; a_pid="${app_pid}"; pids+=("${a_pid}")
      wait_for_readiness "${a_pid}" $((pg_api + 1)) "${out}/app-pg.log"
      sessions http://127.0.0.1:${pg_api} 40 "${out}/work/pg-warm.txt" "${out}/work/pg-access.txt"
      warm_up http://127.0.0.1:${pg_api} "${out}/work/pg-warm.txt" "${out}/work/pg-access.txt"
      sessions http://127.0.0.1:${pg_api} 40 "${out}/work/pg-refresh.txt" "${out}/work/pg-access2.txt"
      readiness_sampler $((pg_api + 1)) "${out}/pg-readiness.txt" & sampler=$!
      "${driver_java[@]}" perf/MixedLoad.java http://127.0.0.1:${pg_api} "${rate}" 60 "${out}/work/pg-refresh.txt" "${out}/work/pg-access.txt" \
        >"${out}/pg-load.txt" 2>&1 & driver=$!
      sleep 20; down_at="$(now_ms)"; pg_stop; say "pg: PostgreSQL stopped"
      sleep 5; pg_start; up_at="$(now_ms)"; say "pg: PostgreSQL started again ($(( (up_at - down_at) / 1000 )) s down)"
      wait "${driver}" || true
      kill "${sampler}" 2>/dev/null || true; wait "${sampler}" 2>/dev/null || true
      kill -TERM "${a_pid}"; wait "${a_pid}" 2>/dev/null || true
      ready_again="$(awk -v up="${up_at}" '$1 >= up && $2 == 200 { print $1; exit }' "${out}/pg-readiness.txt")"
      not_ready="$(awk -v d="${down_at}" '$1 >= d && $2 != 200 { n++ } END { print n + 0 }' "${out}/pg-readiness.txt")"
      say "pg: failures per second (epoch s, count): $(grep '^FAIL' "${out}/pg-load.txt" | awk '{print int($2 / 1000)}' | uniq -c | awk '{printf "%s:%s ", $2, $1}')"
      say "pg: PostgreSQL down at ${down_at}, back at ${up_at}; readiness not 200 at: $(awk -v d="${down_at}" '$1 >= d && $2 != 200 {printf "%s(%s) ", $1, $2}' "${out}/pg-readiness.txt")"
      say "pg: readiness samples not 200 after the stop: ${not_ready}; UP again $(( (${ready_again:-0} - up_at) )) ms after PostgreSQL was back"
      say "pg: failures before the stop: $(awk -v d="${down_at}" '$1 == "FAIL" && $2 < d' "${out}/pg-load.txt" | wc -l)," \
        "while down or within 10 s of the start: $(awk -v d="${down_at}" -v u="${up_at}" '$1 == "FAIL" && $2 >= d && $2 < u + 10000' "${out}/pg-load.txt" | wc -l)," \
        "later than that: $(awk -v u="${up_at}" '$1 == "FAIL" && $2 >= u + 10000' "${out}/pg-load.txt" | wc -l)," \
        "500s after readiness was UP again: $(awk -v r="${ready_again:-0}" '$1 == "FAIL" && $2 >= r && $5 == 500' "${out}/pg-load.txt" | wc -l)"
      say "pg: $(grep '^PERF requests' "${out}/pg-load.txt")"
      grep '^FAILURE' "${out}/pg-load.txt" | sed 's/^/    /' | tee -a "${out}/faults.txt" >&2 || true
      ;;
    zoho)
      prod_start_api zoho ${zoho_api} $((zoho_api + 1)) "${db}"; a_pid="${app_pid}"; pids+=("${a_pid}")
      wait_for_readiness "${a_pid}" $((zoho_api + 1)) "${out}/app-zoho.log"
      sessions http://127.0.0.1:${zoho_api} 40 "${out}/work/zoho-warm.txt" "${out}/work/zoho-access.txt"
      warm_up http://127.0.0.1:${zoho_api} "${out}/work/zoho-warm.txt" "${out}/work/zoho-access.txt"
      sessions http://127.0.0.1:${zoho_api} 40 "${out}/work/zoho-refresh.txt" "${out}/work/zoho-access2.txt"
      t0="$(now_ms)"
      "${driver_java[@]}" perf/MixedLoad.java http://127.0.0.1:${zoho_api} 50 60 "${out}/work/zoho-refresh.txt" "${out}/work/zoho-access.txt" \
        >"${out}/zoho-load.txt" 2>&1 & driver=$!
      # The driver waits longer than the service's own budget (3 Zoho calls of at most 30 s each, docs/zoho-integration.md),
      # so that the slowest sign-in shows the service's bound rather than the driver's.
      PERF_TIMELINE=1 PERF_HTTP_TIMEOUT_S=100 "${driver_java[@]}" perf/SignInLoad.java http://127.0.0.1:${zoho_api} 5 60 >"${out}/zoho-signin.txt" 2>&1 & signins=$!
      sleep 15; slow_at="$(now_ms)"
      curl -fsS --cacert "${prod_dir}/stand-in.pem" -X POST -H 'Content-Type: application/json' -d '{"fixedDelay": 2000}' "${stand_in}/__admin/settings" >/dev/null
      say "zoho: the stand-in answers after 2 s"
      sleep 15; fail_at="$(now_ms)"
      curl -fsS --cacert "${prod_dir}/stand-in.pem" -X POST -H 'Content-Type: application/json' -d '{"fixedDelay": 0}' "${stand_in}/__admin/settings" >/dev/null
      curl -fsS --cacert "${prod_dir}/stand-in.pem" -X POST -H 'Content-Type: application/json' "${stand_in}/__admin/mappings" -d '{"priority": 1,
        "request": {"method": "POST", "urlPathPattern": "/[a-z]+/oauth/v2/token"},
        "response": {"status": 503, "body": "unavailable"}}' >"${out}/zoho-fault-mapping.json"
      say "zoho: the stand-in answers 503 on the token endpoint"
      sleep 15; back_at="$(now_ms)"
      curl -fsS --cacert "${prod_dir}/stand-in.pem" -X DELETE "${stand_in}/__admin/mappings/$(sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p' "${out}/zoho-fault-mapping.json" | head -n 1)" >/dev/null
      say "zoho: the stand-in is back to normal"
      wait "${driver}" || true; wait "${signins}" || true
      say "zoho: the slowest sign-in took $(awk '$1 == "SAMPLE" && $4 > m { m = $4 } END { printf "%.0f", m }' "${out}/zoho-signin.txt") ms (budget per Zoho call: 30 s)"
      kill -TERM "${a_pid}"; wait "${a_pid}" 2>/dev/null || true
      for phase in "normal ${t0} ${slow_at}" "slow ${slow_at} ${fail_at}" "failing ${fail_at} ${back_at}" "back ${back_at} 99999999999999"; do
        read -r name from to <<<"${phase}"
        say "zoho: ${name}: sign-ins $(awk -v f="${from}" -v t="${to}" '$1 == "SAMPLE" && $2 >= f && $2 < t { n++; if ($3 == "ok") ok++; if ($4 > max) max = $4 }
          END { printf "%d, ok %d, slowest %.0f ms", n, ok, max }' "${out}/zoho-signin.txt");" \
          "other requests failed: $(awk -v f="${from}" -v t="${to}" '$1 == "FAIL" && $2 >= f && $2 < t' "${out}/zoho-load.txt" | wc -l)"
      done
      say "zoho: sign-in errors: $(grep '^ERROR' "${out}/zoho-signin.txt" | sort | uniq -c | tr '\n' ';')"
      say "zoho: other traffic: $(grep '^PERF requests' "${out}/zoho-load.txt")"
      ;;
    instance)
      prod_start_api a ${a_api} $((a_api + 1)) "${db}"; a_pid="${app_pid}"; pids+=("${a_pid}")
      wait_for_readiness "${a_pid}" $((a_api + 1)) "${out}/app-a.log"
      prod_start_api b ${b_api} $((b_api + 1)) "${db}"; b_pid="${app_pid}"; pids+=("${b_pid}")
      wait_for_readiness "${b_pid}" $((b_api + 1)) "${out}/app-b.log"
      sessions http://127.0.0.1:${a_api} 40 "${out}/work/inst-warm.txt" "${out}/work/inst-access.txt"
      warm_up http://127.0.0.1:${a_api},http://127.0.0.1:${b_api} "${out}/work/inst-warm.txt" "${out}/work/inst-access.txt"
      sessions http://127.0.0.1:${a_api} 40 "${out}/work/inst-refresh.txt" "${out}/work/inst-access2.txt"
      "${driver_java[@]}" perf/MixedLoad.java http://127.0.0.1:${a_api},http://127.0.0.1:${b_api} "${rate}" 40 "${out}/work/inst-refresh.txt" \
        "${out}/work/inst-access.txt" >"${out}/instance-load.txt" 2>&1 & driver=$!
      sleep 15; kill_at="$(now_ms)"; kill -KILL "${a_pid}"; wait "${a_pid}" 2>/dev/null || true; say "instance: A killed (SIGKILL)"
      wait "${driver}" || true
      kill -TERM "${b_pid}"; wait "${b_pid}" 2>/dev/null || true
      say "instance: failures of requests to A before the kill: $(awk -v k="${kill_at}" '$1 == "FAIL" && $4 == 0 && $2 < k' "${out}/instance-load.txt" | wc -l)," \
        "after: $(awk -v k="${kill_at}" '$1 == "FAIL" && $4 == 0 && $2 >= k' "${out}/instance-load.txt" | wc -l);" \
        "failures of requests to B: $(awk '$1 == "FAIL" && $4 == 1' "${out}/instance-load.txt" | wc -l)" \
        "(of which after the kill: $(awk -v k="${kill_at}" '$1 == "FAIL" && $4 == 1 && $2 >= k' "${out}/instance-load.txt" | wc -l))"
      say "instance: $(grep '^PERF requests' "${out}/instance-load.txt")"
      grep '^FAILURE' "${out}/instance-load.txt" | sed 's/^/    /' | tee -a "${out}/faults.txt" >&2 || true
      ;;
    *) die "unknown scenario ${scenario}" ;;
  esac
done
say "done: ${out}/faults.txt"
# The results again, together: one block per scenario (production mode, ${rate}/s of mixed traffic).
{
  echo
  echo "Faults under load, production mode, mixed traffic at ${rate}/s:"
  sed -n 's/^\[faults [0-9:]*\] \(\(pg\|zoho\|instance\): \)/\1/p' "${out}/faults.txt" | grep -v ': warm-up' | column -t -s ':' -l 2
} >&2
