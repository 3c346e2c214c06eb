# Shared by perf/load.sh and perf/faults.sh (sourced, not run).

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

# Sign-in through the real flow with curl. Both use the caller's api, stand_in and spa_origin, and its die.
# Prints the refresh token of a new session of the stand-in user $1.
sign_in() {
  local user="$1" headers location binding page link refresh
  headers="$(curl -sS -m 10 -D - -o /dev/null "${api}/api/zoho/auth?return_to=/")"
  location="$(sed -n 's/^[Ll]ocation: *//p' <<<"${headers}" | tr -d '\r')"
  binding="$(sed -n 's/^[Ss]et-[Cc]ookie: *pp_zoho_signin=\([^;]*\).*/\1/p' <<<"${headers}" | tr -d '\r')"
  [[ "${location}" == "${stand_in}/"* && -n "${binding}" ]] || die "sign-in start did not redirect to the stand-in"
  page="$(curl -sS -m 10 "${location}")"
  link="$(grep -o "id=\"user-${user}\" href=\"[^\"]*\"" <<<"${page}" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')"
  [[ "${link}" == "${api}/api/zoho/auth/callback?"* ]] || die "the stand-in page has no link for ${user}"
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
