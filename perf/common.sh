# Shared by every benchmark script in perf/ (sourced, not run).

# stand_in_data_centers <stand-in base URL>: every Zoho data centre pointed at the stand-in (PP_ZOHO_DATA_CENTERS).
stand_in_data_centers() {
  local dcs="" loc
  for loc in us eu in au jp ca sa uk cn; do dcs+="${dcs:+,}${loc}=$1/${loc}"; done
  printf '%s' "${dcs}"
}

# Rate limits stay on, with buckets and a failure threshold too large to cap a benchmark whose requests all come
# from 127.0.0.1 (so their cost is still measured). Fills the array ratelimit_args with the jar's arguments.
ratelimit_args=()
for limit in sign-in auth-refresh zoho-refresh zoho-connection-test admin-writes; do
  ratelimit_args+=("--pipelinepulse.ratelimit.${limit}.capacity=100000000"
                   "--pipelinepulse.ratelimit.${limit}.refill-tokens=100000000"
                   "--pipelinepulse.ratelimit.${limit}.refill-period=1s")
done
ratelimit_args+=("--pipelinepulse.ratelimit.failures.threshold=100000000")

# stop_processes <tries> <pid>...: TERM, then KILL whatever has not exited after <tries> checks 0.5 s apart.
stop_processes() {
  local tries="$1" pid
  shift
  for pid in "$@"; do kill -TERM "${pid}" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 "${tries}"); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "${pid}" 2>/dev/null || true
  done
}

# Sign-in through the real flow with curl. Both use the caller's api (the instance driven), stand_in, and its die;
# the stand-in's certificate is trusted through prod_init's PEM. Prints the refresh token of a new session of the
# stand-in user $1. The redirect URI names ${public_api}: the callback goes to ${api}, as a load balancer would send it.
sign_in() {
  local user="$1" headers location binding page link refresh
  headers="$(curl -sS -m 10 -D - -o /dev/null "${api}/api/zoho/auth?return_to=/")"
  location="$(sed -n 's/^[Ll]ocation: *//p' <<<"${headers}" | tr -d '\r')"
  binding="$(sed -n 's/^[Ss]et-[Cc]ookie: *pp_zoho_signin=\([^;]*\).*/\1/p' <<<"${headers}" | tr -d '\r')"
  [[ "${location}" == "${stand_in}/"* && -n "${binding}" ]] || die "sign-in start did not redirect to the stand-in"
  page="$(curl -sS -m 10 --cacert "${prod_dir}/stand-in.pem" "${location}")"
  link="$(grep -o "id=\"user-${user}\" href=\"[^\"]*\"" <<<"${page}" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')"
  [[ "${link}" == "${public_api}/api/zoho/auth/callback?"* ]] || die "the stand-in page has no link for ${user}"
  link="${api}${link#"${public_api}"}"
  headers="$(curl -sS -m 30 -D - -o /dev/null -H "Cookie: pp_zoho_signin=${binding}" "${link}")"
  refresh="$(sed -n 's/^[Ss]et-[Cc]ookie: *__Secure-pp_refresh=\([A-Za-z0-9_-]\{1,\}\);.*/\1/p' <<<"${headers}" | tr -d '\r')"
  [[ -n "${refresh}" ]] || die "the callback for ${user} set no refresh cookie: $(head -n 1 <<<"${headers}")"
  printf '%s\n' "${refresh}"
}

# Reads a refresh token, rotates it once; prints "<new refresh token> <access token>".
refresh_once() {
  local response token access
  response="$(curl -sS -m 10 -D - -X POST -H "Cookie: __Secure-pp_refresh=$1" -H 'X-Requested-With: pipeline-pulse' \
    -H "Origin: ${spa_origin}" "${api}/api/auth/refresh")"
  token="$(sed -n 's/^[Ss]et-[Cc]ookie: *__Secure-pp_refresh=\([A-Za-z0-9_-]\{1,\}\);.*/\1/p' <<<"${response}" | tr -d '\r')"
  access="$(sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p' <<<"${response}")"
  [[ -n "${token}" && -n "${access}" ]] || die "refresh failed: $(head -n 1 <<<"${response}")"
  printf '%s %s\n' "${token}" "${access}"
}

# wait_for_readiness <pid> <management port> <log>: until the API's readiness is UP, at most 180 s (sets deadline,
# which a caller may reuse for what it starts next); dies with the log's tail when the process exits. Needs die().
wait_for_readiness() {
  deadline=$((SECONDS + 180))
  until curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$2/actuator/health/readiness" 2>/dev/null; do
    kill -0 "$1" 2>/dev/null || { tail -n 40 "$3" >&2; die "the API exited"; }
    (( SECONDS < deadline )) || die "the API was not ready within 180 s"
    sleep 1
  done
}

# find_or_build_jar <out dir>: sets jar to target/pipeline-pulse-api-*.jar, building it first when there is none
# (an existing jar is used as it is: rebuild after changing the code). Needs say() and die().
find_or_build_jar() {
  jar="$(ls target/pipeline-pulse-api-*.jar 2>/dev/null | grep -v original | head -n 1 || true)"
  if [[ -z "${jar}" ]]; then
    say "building the jar (./mvnw -B -q -DskipTests package)"
    ./mvnw -B -q -DskipTests package >"$1/build.log" 2>&1 || die "build failed, see $1/build.log"
    jar="$(ls target/pipeline-pulse-api-*.jar | grep -v original | head -n 1)"
  fi
}

# make_sessions <count> <file>: signs in <count> sessions of the stand-in's sample people (in turn) through sign_in,
# four at a time; their refresh tokens go into <file>, one a line. Dies unless every sign-in gave one.
make_sessions() {
  local users=(us-admin us-manager eu-viewer in-viewer au-viewer jp-viewer) lane i lanes=() got
  for lane in 0 1 2 3; do
    ( for ((i = lane; i < $1; i += 4)); do sign_in "${users[i % ${#users[@]}]}" || exit 1; done ) >"$2.${lane}" &
    lanes+=("$!")
  done
  for lane in "${lanes[@]}"; do wait "${lane}" || true; done
  cat "$2".[0-3] >"$2"
  rm -f "$2".[0-3]
  got="$(grep -c . "$2" || true)"
  (( got == $1 )) || die "only ${got} of $1 sign-ins gave a session"
}

# heap_after_gc <pid>: a full GC (jcmd GC.run), then "<used KiB> <committed KiB>" of the whole Java heap: the sum
# over the collector's generations in jcmd GC.heap_info (one line for G1; young and old for the shipped Serial GC).
heap_after_gc() {
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '{ for (i = 1; i + 3 <= NF; i++) if ($i == "total" && $(i + 2) == "used") {
      committed += $(i + 1); used += $(i + 3) } } END { printf "%d %d\n", used, committed }'
}

# make_access_tokens <count> <file>: signs in <count> more sessions and rotates each once; their access tokens go into
# <file> (for GET /api/auth/me), one a line.
make_access_tokens() {
  local t
  make_sessions "$1" "$2.refresh"
  : >"$2"
  while read -r t; do refresh_once "${t}" | awk '{print $2}' >>"$2"; done <"$2.refresh"
  rm -f "$2.refresh"
}

# --- production mode -------------------------------------------------------------------------------------------------
# Every benchmark runs the jar as a deployment runs it (docs/configuration.md, "Minimal production settings"): no Spring
# profile, so JSON logs with masking at the shipped INFO level and the start-up validator on; generated key rings; an
# https redirect URI and SPA origin; a sign-in allow-list; two database roles (the owner runs Flyway, the pool logs in
# as the service role: docs/deployment.md#database-roles); and the Zoho stand-in over https, with a self-signed
# certificate that only this run's truststore trusts (the validator accepts only https Zoho servers). Differences from
# a deployment, all on purpose: the stand-in instead of Zoho (PP_ZOHO_DATA_CENTERS points at it), plain HTTP on
# 127.0.0.1 where a load balancer would end TLS, rate limits too large to cap the load (ratelimit_args).

# The public addresses of the deployment. The .test domain never resolves (RFC 6761): the drivers send what names
# ${public_api} to the instance they drive (sign_in, perf/SignInLoad.java with PERF_PUBLIC_API), as a balancer would.
public_api="https://api.pipeline-pulse.test"
spa_origin="https://app.pipeline-pulse.test"
wiremock_jar="${HOME}/.m2/repository/org/wiremock/wiremock-standalone/3.13.2/wiremock-standalone-3.13.2.jar"

# prod_init: once per run, before the rest. A private directory prod_dir (removed by prod_cleanup) gets the stand-in's
# key pair (PKCS12, self-signed for localhost and 127.0.0.1, 2 days), its certificate as PEM (for curl) and a
# truststore holding only that certificate (trust_opts: the JVM options that use it). The JWT and encryption key rings,
# the Zoho client credentials and the two database passwords are generated into shell variables and handed to the
# processes in their environment only. prod_jwt_kid / prod_jwt_key: the signing key, for scripts that mint tokens.
# Exports PERF_ORIGIN and PERF_PUBLIC_API for the drivers.
prod_init() {
  prod_dir="$(mktemp -d "${TMPDIR:-/tmp}/pp-perf-prod.XXXXXX")"
  chmod 700 "${prod_dir}"
  prod_jwt_kid="perf-$(date -u +%Y%m%d%H%M%S)"
  prod_jwt_key="$(prod_random_key)"
  prod_encryption_keys="perf:$(prod_random_key)"
  prod_client_id="perf-client-$(openssl rand -hex 6)"
  prod_client_secret="$(prod_random_key)"
  prod_owner_password="$(prod_random_key)"
  prod_service_password="$(prod_random_key)"
  PERF_TLS_PASSWORD="$(openssl rand -hex 16)"
  export PERF_TLS_PASSWORD # for keytool's -storepass:env only
  keytool -genkeypair -alias stand-in -keyalg EC -groupname secp256r1 -validity 2 -dname CN=localhost \
    -ext SAN=dns:localhost,ip:127.0.0.1 -storetype PKCS12 -keystore "${prod_dir}/stand-in.p12" \
    -storepass:env PERF_TLS_PASSWORD >/dev/null 2>&1 || die "keytool could not make the stand-in's key pair"
  keytool -exportcert -rfc -alias stand-in -keystore "${prod_dir}/stand-in.p12" -storepass:env PERF_TLS_PASSWORD \
    -file "${prod_dir}/stand-in.pem" >/dev/null 2>&1 || die "keytool could not export the stand-in's certificate"
  keytool -importcert -noprompt -alias stand-in -file "${prod_dir}/stand-in.pem" -storetype PKCS12 \
    -keystore "${prod_dir}/truststore.p12" -storepass:env PERF_TLS_PASSWORD >/dev/null 2>&1 \
    || die "keytool could not make the truststore"
  trust_opts=("-Djavax.net.ssl.trustStore=${prod_dir}/truststore.p12" -Djavax.net.ssl.trustStoreType=PKCS12
              "-Djavax.net.ssl.trustStorePassword=${PERF_TLS_PASSWORD}")
  # For the drivers: the SPA origin the refresh's CSRF check wants (perf/MixedLoad.java, perf/wrk/refresh.lua), and
  # the public address whose callback links perf/SignInLoad.java sends to the instance it drives.
  export PERF_ORIGIN="${spa_origin}" PERF_PUBLIC_API="${public_api}"
}

prod_random_key() { openssl rand 32 | base64 | tr '+/' '-_' | tr -d '=\n'; } # 256 bits, base64url

prod_cleanup() { [[ -n "${prod_dir:-}" ]] && rm -rf "${prod_dir}"; return 0; }

# psql_admin <psql argument...>: psql as the superuser of the benchmark's PostgreSQL (pg_host, pg_port, pg_user).
psql_admin() { psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" "$@"; }

# prod_db_create <db>: a database with a schema pipelinepulse owned by the role <db>_owner; <db>_service logs in for
# the pool and gets its grants from the application after Flyway (docs/deployment.md#database-roles). The scripts'
# own psql sessions (as the superuser) find the tables through the database's search_path.
prod_db_create() {
  psql_admin -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<SQL || die "could not create database $1 and its roles"
create role $1_owner login password '${prod_owner_password}';
create role $1_service login password '${prod_service_password}';
create database $1;
SQL
  psql_admin -d "$1" -v ON_ERROR_STOP=1 -q >/dev/null <<SQL || die "could not create the schema of $1"
create schema pipelinepulse authorization $1_owner;
alter database $1 set search_path = pipelinepulse, public;
SQL
}

# prod_db_drop <db>...: drops each database and its two roles (errors ignored: used in cleanups).
prod_db_drop() {
  local db
  for db in "$@"; do
    psql_admin -d postgres -qc "drop database if exists ${db} with (force)" >/dev/null 2>&1 || true
    psql_admin -d postgres -qc "drop role if exists ${db}_owner, ${db}_service" >/dev/null 2>&1 || true
  done
}

# start_stand_in <port> [deals]: the Zoho stand-in over https only (HTTP/1.1) on 127.0.0.1:<port> with prod_init's key
# pair; sets stand_in (https://localhost:<port>: the stand-in names the host it was called with in its answers, so the
# API and the browser side both say localhost) and stand_in_pid; writes ${out}/stand-in.log. Without deals: the
# WireMock standalone jar serving src/test/resources/zoho-stand-in (sign-in and profile, no request journal). With
# deals: ZohoStandInServer through perf/StandInMain.java (the same, plus the CRM's deals), which needs the test
# classpath in ${out}/classpath.txt. PERF_STAND_IN_JAVA_OPTS: its JVM options (-Xmx256m, with deals -Xmx1g).
start_stand_in() {
  stand_in="https://localhost:$1"
  # shellcheck disable=SC2086
  if [[ -n "${2:-}" ]]; then
    java ${PERF_STAND_IN_JAVA_OPTS:--Xmx1g} -cp "target/test-classes:$(cat "${out}/classpath.txt")" perf/StandInMain.java \
      "$1" "$2" "${prod_dir}/stand-in.p12" "${PERF_TLS_PASSWORD}" >"${out}/stand-in.log" 2>&1 &
  else
    [[ -f "${wiremock_jar}" ]] || ./mvnw -B -q dependency:get -Dartifact=org.wiremock:wiremock-standalone:3.13.2 >/dev/null
    java ${PERF_STAND_IN_JAVA_OPTS:--Xmx256m} -jar "${wiremock_jar}" --root-dir src/test/resources/zoho-stand-in \
      --global-response-templating --disable-http --https-port "$1" --https-keystore "${prod_dir}/stand-in.p12" \
      --keystore-type PKCS12 --keystore-password "${PERF_TLS_PASSWORD}" --key-manager-password "${PERF_TLS_PASSWORD}" \
      --disable-http2-tls --bind-address 127.0.0.1 --no-request-journal --disable-banner >"${out}/stand-in.log" 2>&1 &
  fi
  stand_in_pid=$!
}

# wait_for_stand_in: until the stand-in answers over https (at most 300 s; its own deals take a while to generate).
wait_for_stand_in() {
  local until=$((SECONDS + 300))
  until curl -fsS -m 5 --cacert "${prod_dir}/stand-in.pem" -o /dev/null "${stand_in}/__admin/health" 2>/dev/null; do
    kill -0 "${stand_in_pid}" 2>/dev/null || { tail -n 20 "${out}/stand-in.log" >&2; die "the stand-in exited"; }
    (( SECONDS < until )) || die "the stand-in was not ready within 300 s"
    sleep 1
  done
}

# dockerfile_env: the environment the Dockerfile's last stage sets (its ENV instructions, continuation lines joined),
# one NAME=value a line, quotes removed: the shipped JVM settings (JAVA_TOOL_OPTIONS, MALLOC_ARENA_MAX, ...).
dockerfile_env() {
  awk '/^FROM /{env=""} { line = line $0 } /\\$/ { sub(/\\$/, "", line); next }
       { if (line ~ /^ENV /) env = env " " substr(line, 5); line = "" } END { print env }' Dockerfile \
    | grep -o '[A-Za-z_][A-Za-z0-9_]*=\("[^"]*"\|[^ ]*\)' | sed 's/^\([^=]*\)="\(.*\)"$/\1=\2/'
}

# prod_start_api <name> <API port> <management port> <db> [NAME=value...]: starts ${out}/app.jar in production mode on
# 127.0.0.1 with the run's secrets, database roles and (when stand_in is set) the stand-in; extra environment entries
# after the database (e.g. PP_PIPELINE_SYNC_INTERVAL=0). Uses java_opts (a string of JVM options; a leading word
# "dockerfile" stands for the environment the Dockerfile sets, JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX: the shipped JVM
# settings, which the scripts use unless PERF_JAVA_OPTS says otherwise), db_pool (PP_DATABASE_POOL_SIZE, default 10
# as shipped), ratelimit_args and PERF_APP_ARGS (more jar arguments). Sets app_pid; the log is ${out}/app-<name>.log
# (one JSON object a line, after the JVM's "Picked up JAVA_TOOL_OPTIONS" line).
prod_start_api() {
  local name="$1" port="$2" management="$3" db="$4"
  shift 4
  local zoho=() jvm="${java_opts}" shipped=()
  if [[ "${jvm}" == dockerfile* ]]; then
    mapfile -t shipped < <(dockerfile_env)
    (( ${#shipped[@]} )) || die "PERF_JAVA_OPTS=dockerfile, but the Dockerfile sets no environment (ENV)"
    jvm="${jvm#dockerfile}"
  fi
  say "API ${name}: ${shipped[*]:+environment ${shipped[*]}; }JVM options ${jvm:-(none more)}"
  [[ -n "${stand_in:-}" ]] && zoho=("PP_ZOHO_ACCOUNTS_URL=${stand_in}" "PP_ZOHO_DATA_CENTERS=$(stand_in_data_centers "${stand_in}")")
  # shellcheck disable=SC2086
  env PP_DATABASE_URL="jdbc:postgresql://${pg_host}:${pg_port}/${db}?currentSchema=pipelinepulse" \
    PP_DATABASE_USERNAME="${db}_service" PP_DATABASE_PASSWORD="${prod_service_password}" \
    PP_DATABASE_MIGRATION_USERNAME="${db}_owner" PP_DATABASE_MIGRATION_PASSWORD="${prod_owner_password}" \
    PP_DATABASE_POOL_SIZE="${db_pool:-10}" \
    PP_JWT_KEYS="${prod_jwt_kid}:${prod_jwt_key}" PP_ENCRYPTION_KEYS="${prod_encryption_keys}" \
    PP_ZOHO_CLIENT_ID="${prod_client_id}" PP_ZOHO_CLIENT_SECRET="${prod_client_secret}" \
    PP_ZOHO_REDIRECT_URI="${public_api}/api/zoho/auth/callback" PP_SPA_BASE_URL="${spa_origin}" \
    PP_CORS_ALLOWED_ORIGINS="${spa_origin}" PP_ADMIN_EMAILS=ada.admin@example.com \
    PP_ZOHO_ALLOWED_ORGS=4000000000000001 PP_ALLOWED_EMAIL_DOMAINS=example.com \
    SERVER_PORT="${port}" MANAGEMENT_SERVER_PORT="${management}" "${zoho[@]}" "${shipped[@]}" "$@" \
    java ${jvm} "${trust_opts[@]}" -jar "${out}/app.jar" --server.address=127.0.0.1 \
    --management.server.address=127.0.0.1 "${ratelimit_args[@]}" ${PERF_APP_ARGS:-} >"${out}/app-${name}.log" 2>&1 &
  app_pid=$!
}
