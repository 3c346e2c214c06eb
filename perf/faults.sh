#!/usr/bin/env bash
# Faults under load (docs/benchmarks.md). Loopback only, bounded in time. Uses a PRIVATE PostgreSQL cluster
# (initdb in a temporary directory, port 25432, run as the postgres user) so that restarting it disturbs nobody
# else's database, the WireMock stand-in, and one or two API instances on one database sharing generated JWT and
# encryption key rings (passed in the environment, never written to a file).
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
# Output: perf/results/faults-<UTC time>/ (timelines and a summary per scenario in faults.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/common.sh
source perf/common.sh # ratelimit_args, stand_in_data_centers, stop_processes

scenarios=("$@")
(( ${#scenarios[@]} )) || scenarios=(pg zoho instance)
rate="${PERF_FAULT_RATE:-100}"
pg_port="${PERF_FAULT_PG_PORT:-25432}"
stand_in_port=28290
out="${PERF_OUT:-perf/results/faults-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
wiremock_jar="${HOME}/.m2/repository/org/wiremock/wiremock-standalone/3.13.2/wiremock-standalone-3.13.2.jar"
stand_in="http://127.0.0.1:${stand_in_port}"
spa_origin="http://localhost:5173"

say() { printf '[faults %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "${out}/faults.txt" >&2; }
die() { say "FAILED: $*"; exit 1; }
now_ms() { date +%s%3N; }

jar="$(ls target/pipeline-pulse-api-*.jar 2>/dev/null | grep -v original | head -n 1 || true)"
if [[ -z "${jar}" ]]; then
  ./mvnw -B -q -DskipTests package >"${out}/build.log" 2>&1 || die "build failed"
  jar="$(ls target/pipeline-pulse-api-*.jar | grep -v original | head -n 1)"
fi
# Run a copy, so that a build in the worktree meanwhile cannot pull the jar from under the running instances.
cp "${jar}" "${out}/app.jar"

pgdata="$(mktemp -d /tmp/pp-perf-pg.XXXXXX)"
chown postgres: "${pgdata}"
pids=()
cleanup() {
  stop_processes 20 "${pids[@]}"
  runuser -u postgres -- "${pg_bin}/pg_ctl" -D "${pgdata}/data" -m immediate stop >/dev/null 2>&1 || true
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

java -Xmx256m -jar "${wiremock_jar}" --root-dir src/test/resources/zoho-stand-in --global-response-templating \
  --port "${stand_in_port}" --bind-address 127.0.0.1 --no-request-journal --disable-banner --disable-http2-plain \
  >"${out}/stand-in.log" 2>&1 &
pids+=($!)

b64url() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
PP_JWT_KEYS="faults-1:$(b64url)"
PP_ENCRYPTION_KEYS="faults-1:$(b64url)"
export PP_JWT_KEYS PP_ENCRYPTION_KEYS

dcs="$(stand_in_data_centers "${stand_in}")"


start_app() { # $1 = name, $2 = API port, $3 = management port, $4 = database; prints the pid
  PP_DATABASE_URL="jdbc:postgresql://127.0.0.1:${pg_port}/$4" PP_DATABASE_USERNAME=postgres \
  PP_ZOHO_CLIENT_ID=local-stand-in-client PP_ZOHO_CLIENT_SECRET=local-stand-in-secret \
  PP_ZOHO_ACCOUNTS_URL="${stand_in}" PP_ZOHO_DATA_CENTERS="${dcs}" \
  PP_ZOHO_REDIRECT_URI="http://127.0.0.1:$2/api/zoho/auth/callback" PP_SPA_BASE_URL="${spa_origin}" \
  PP_CORS_ALLOWED_ORIGINS="${spa_origin}" SERVER_PORT="$2" MANAGEMENT_SERVER_PORT="$3" PP_DATABASE_POOL_SIZE=20 \
    java -Xms256m -Xmx512m -jar "${out}/app.jar" --spring.profiles.active=local --server.address=127.0.0.1 \
    --management.server.address=127.0.0.1 --logging.level.root=WARN --logging.level.com.pipelinepulse=WARN \
    "${ratelimit_args[@]}" >"${out}/app-$1.log" 2>&1 &
  echo $!
}

wait_ready() { # $1 = management port, $2 = pid
  local deadline=$((SECONDS + 180))
  until curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$1/actuator/health/readiness" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || die "an instance exited at start"
    (( SECONDS < deadline )) || die "an instance was not ready within 180 s"
    sleep 1
  done
}

sign_in() { # $1 = API base, $2 = stand-in user; prints the refresh token
  local api="$1" user="$2" headers location binding page link
  headers="$(curl -sS -m 10 -D - -o /dev/null "${api}/api/zoho/auth?return_to=/")"
  location="$(sed -n 's/^[Ll]ocation: *//p' <<<"${headers}" | tr -d '\r')"
  binding="$(sed -n 's/^[Ss]et-[Cc]ookie: *pp_zoho_signin=\([^;]*\).*/\1/p' <<<"${headers}" | tr -d '\r')"
  page="$(curl -sS -m 10 "${location}")"
  link="$(grep -o "id=\"user-${user}\" href=\"[^\"]*\"" <<<"${page}" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')"
  headers="$(curl -sS -m 30 -D - -o /dev/null -H "Cookie: pp_zoho_signin=${binding}" "${link}")"
  sed -n 's/^[Ss]et-[Cc]ookie: *__Secure-pp_refresh=\([A-Za-z0-9_-]\{1,\}\);.*/\1/p' <<<"${headers}" | tr -d '\r'
}

make_sessions() { # $1 = API base, $2 = count, $3 = refresh file, $4 = access file
  local users=(us-admin us-manager eu-viewer in-viewer au-viewer jp-viewer) i token response
  : >"$3"; : >"$4"
  for ((i = 0; i < $2; i++)); do
    token="$(sign_in "$1" "${users[i % 6]}")"
    [[ -n "${token}" ]] || die "sign-in ${i} gave no refresh cookie"
    if (( i < 4 )); then
      response="$(curl -sS -m 10 -D - -X POST -H "Cookie: __Secure-pp_refresh=${token}" \
        -H 'X-Requested-With: pipeline-pulse' -H "Origin: ${spa_origin}" "$1/api/auth/refresh")"
      sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p' <<<"${response}" >>"$4"
    else
      echo "${token}" >>"$3"
    fi
  done
}

readiness_sampler() { # $1 = management port, $2 = file; runs until killed
  while true; do
    printf '%s %s\n' "$(now_ms)" "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/actuator/health/readiness" || true)" >>"$2"
    sleep 0.5
  done
}

warm_up() { # $1 = API base(s), $2 = refresh file, $3 = access file: 20 s at the scenario's rate, discarded, so the
  # faults meet a warmed-up JVM (a cold one at full rate on a busy machine fails requests on its own)
  java perf/MixedLoad.java "$1" "${rate}" 20 "$2" "$3" >"${out}/${scenario}-warmup.txt" 2>&1 || true
  say "${scenario}: warm-up $(grep '^PERF requests' "${out}/${scenario}-warmup.txt" || echo 'gave no summary')"
}

mkdir -p "${out}/work"
for scenario in "${scenarios[@]}"; do
  db="faults_${scenario}"
  runuser -u postgres -- "${pg_bin}/psql" -h "${pgdata}" -p "${pg_port}" -qc "create database ${db}" >/dev/null
  case "${scenario}" in
    pg)
      a_pid="$(start_app pg 28380 28381 "${db}")"; pids+=("${a_pid}")
      wait_ready 28381 "${a_pid}"
      make_sessions http://127.0.0.1:28380 40 "${out}/work/pg-warm.txt" "${out}/work/pg-access.txt"
      warm_up http://127.0.0.1:28380 "${out}/work/pg-warm.txt" "${out}/work/pg-access.txt"
      make_sessions http://127.0.0.1:28380 40 "${out}/work/pg-refresh.txt" "${out}/work/pg-access2.txt"
      readiness_sampler 28381 "${out}/pg-readiness.txt" & sampler=$!
      java perf/MixedLoad.java http://127.0.0.1:28380 "${rate}" 60 "${out}/work/pg-refresh.txt" "${out}/work/pg-access.txt" \
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
      a_pid="$(start_app zoho 28480 28481 "${db}")"; pids+=("${a_pid}")
      wait_ready 28481 "${a_pid}"
      make_sessions http://127.0.0.1:28480 40 "${out}/work/zoho-warm.txt" "${out}/work/zoho-access.txt"
      warm_up http://127.0.0.1:28480 "${out}/work/zoho-warm.txt" "${out}/work/zoho-access.txt"
      make_sessions http://127.0.0.1:28480 40 "${out}/work/zoho-refresh.txt" "${out}/work/zoho-access2.txt"
      t0="$(now_ms)"
      java perf/MixedLoad.java http://127.0.0.1:28480 50 60 "${out}/work/zoho-refresh.txt" "${out}/work/zoho-access.txt" \
        >"${out}/zoho-load.txt" 2>&1 & driver=$!
      # The driver waits longer than the service's own budget (3 Zoho calls of at most 30 s each, docs/zoho-integration.md),
      # so that the slowest sign-in shows the service's bound rather than the driver's.
      PERF_TIMELINE=1 PERF_HTTP_TIMEOUT_S=100 java perf/SignInLoad.java http://127.0.0.1:28480 5 60 >"${out}/zoho-signin.txt" 2>&1 & signins=$!
      sleep 15; slow_at="$(now_ms)"
      curl -fsS -X POST -H 'Content-Type: application/json' -d '{"fixedDelay": 2000}' "${stand_in}/__admin/settings" >/dev/null
      say "zoho: the stand-in answers after 2 s"
      sleep 15; fail_at="$(now_ms)"
      curl -fsS -X POST -H 'Content-Type: application/json' -d '{"fixedDelay": 0}' "${stand_in}/__admin/settings" >/dev/null
      curl -fsS -X POST -H 'Content-Type: application/json' "${stand_in}/__admin/mappings" -d '{"priority": 1,
        "request": {"method": "POST", "urlPathPattern": "/[a-z]+/oauth/v2/token"},
        "response": {"status": 503, "body": "unavailable"}}' >"${out}/zoho-fault-mapping.json"
      say "zoho: the stand-in answers 503 on the token endpoint"
      sleep 15; back_at="$(now_ms)"
      curl -fsS -X DELETE "${stand_in}/__admin/mappings/$(sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p' "${out}/zoho-fault-mapping.json" | head -n 1)" >/dev/null
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
      a_pid="$(start_app a 28580 28581 "${db}")"; pids+=("${a_pid}")
      wait_ready 28581 "${a_pid}"
      b_pid="$(start_app b 28680 28681 "${db}")"; pids+=("${b_pid}")
      wait_ready 28681 "${b_pid}"
      make_sessions http://127.0.0.1:28580 40 "${out}/work/inst-warm.txt" "${out}/work/inst-access.txt"
      warm_up http://127.0.0.1:28580,http://127.0.0.1:28680 "${out}/work/inst-warm.txt" "${out}/work/inst-access.txt"
      make_sessions http://127.0.0.1:28580 40 "${out}/work/inst-refresh.txt" "${out}/work/inst-access2.txt"
      java perf/MixedLoad.java http://127.0.0.1:28580,http://127.0.0.1:28680 "${rate}" 40 "${out}/work/inst-refresh.txt" \
        "${out}/work/inst-access.txt" >"${out}/instance-load.txt" 2>&1 & driver=$!
      sleep 15; kill_at="$(now_ms)"; kill -KILL "${a_pid}"; say "instance: A killed (SIGKILL)"
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
