#!/usr/bin/env bash
# The no-Docker path, end to end: `./mvnw spring-boot:test-run` starts the API (local profile) on this machine's
# PostgreSQL with the in-process Zoho stand-in; this script waits for readiness, checks the stand-in's sign-in
# page, then signs in as a sample user with curl (sign-in start -> stand-in page -> callback -> refresh -> me),
# and stops it as Ctrl-C does (SIGINT to Maven and the application): Maven must end with exit code 0. Run by
# .ci/run after the tests.
#
#   PP_DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/<db> PP_DATABASE_USERNAME=postgres scripts/smoke-test-run.sh
#
# Ports (defaults stay off the usual 8080/8081/8090): SERVER_PORT, MANAGEMENT_SERVER_PORT, PP_STAND_IN_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${PP_DATABASE_URL:?set PP_DATABASE_URL (and PP_DATABASE_USERNAME, PP_DATABASE_PASSWORD) to a PostgreSQL database}"
export SERVER_PORT="${SERVER_PORT:-18080}"
export MANAGEMENT_SERVER_PORT="${MANAGEMENT_SERVER_PORT:-18081}"
export PP_STAND_IN_PORT="${PP_STAND_IN_PORT:-18090}"
startup_timeout="${SMOKE_STARTUP_TIMEOUT:-300}"
api="http://localhost:${SERVER_PORT}"
stand_in="http://localhost:${PP_STAND_IN_PORT}"
spa_origin="http://localhost:5173"
work="$(mktemp -d)"
log="target/smoke-test-run.log"
mkdir -p target

say() { printf '[smoke] %s\n' "$*"; }
fail() {
  say "FAILED: $*"
  say "last lines of ${log}:"
  tail -n 40 "${log}" | sed 's/^/    /' || true
  exit 1
}

# Its own process group (job control), so that a signal reaches Maven and the forked application JVM together,
# as Ctrl-C in a terminal does. SIGINT back to its default: a background job of a non-interactive shell (this
# script's, or this script itself when a CI starts it so) would otherwise ignore it, and Java with it.
default_int=()
if env --default-signal=INT true 2>/dev/null; then default_int=(env --default-signal=INT); fi
set -m
"${default_int[@]}" ./mvnw -B spring-boot:test-run >"${log}" 2>&1 &
app_pid=$!
set +m
stop() {
  if kill -0 "${app_pid}" 2>/dev/null; then
    kill -TERM -- "-${app_pid}" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "${app_pid}" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-${app_pid}" 2>/dev/null || true
  fi
  rm -rf "${work}"
}
trap stop EXIT

say "started ./mvnw spring-boot:test-run (pid ${app_pid}); waiting up to ${startup_timeout}s for readiness"
deadline=$((SECONDS + startup_timeout))
until curl -fsS -m 5 -o /dev/null "http://127.0.0.1:${MANAGEMENT_SERVER_PORT}/actuator/health/readiness" 2>/dev/null; do
  kill -0 "${app_pid}" 2>/dev/null || fail "spring-boot:test-run exited before it was ready"
  (( SECONDS < deadline )) || fail "not ready within ${startup_timeout}s"
  sleep 2
done
say "ready: /actuator/health/readiness is UP"
for _ in $(seq 1 10); do grep -q 'Open the sign-in:' "${log}" && break; sleep 1; done
grep -q 'Open the sign-in:' "${log}" || fail "the start-up banner with the URL to open was not printed"
# One line per sample user, the email whole (placeholders): the banner is printed, not logged (no "\n", no masking).
grep -q '^  us-admin  *Ada Admin  *ada\.admin@example\.com  *data centre us' "${log}" \
  || fail "the start-up banner does not list the sample users one per line with their emails"
say "the banner names the URL to open and the sample users, one per line"

# The stand-in serves its sign-in page on its own port.
callback="${api}/api/zoho/auth/callback"
code=$(curl -sS -m 10 -o "${work}/page.html" -w '%{http_code}' -G "${stand_in}/oauth/v2/auth" \
  --data-urlencode "redirect_uri=${callback}" --data-urlencode "state=smoke" --data-urlencode "access_type=offline")
[[ "${code}" == 200 ]] || fail "stand-in sign-in page answered ${code}"
grep -q "id=\"user-us-admin\" href=\"${callback}?code=stub.us-admin." "${work}/page.html" \
  || fail "stand-in sign-in page has no user-us-admin link back to ${callback}"
say "the in-process stand-in serves its sign-in page at ${stand_in}"

# Sign-in start: a 302 to the stand-in's authorize page.
jar="${work}/cookies"
read -r code location < <(curl -sS -m 10 -c "${jar}" -b "${jar}" -o /dev/null -w '%{http_code} %{redirect_url}\n' \
  "${api}/api/zoho/auth?return_to=/")
[[ "${code}" == 302 ]] || fail "GET /api/zoho/auth answered ${code}, expected 302"
[[ "${location}" == "${stand_in}/"*"/oauth/v2/auth?"* || "${location}" == "${stand_in}/oauth/v2/auth?"* ]] \
  || fail "GET /api/zoho/auth redirected to ${location}, not to the stand-in ${stand_in}"
say "GET /api/zoho/auth redirects to the stand-in"

code=$(curl -sS -m 10 -o "${work}/authorize.html" -w '%{http_code}' "${location}")
[[ "${code}" == 200 ]] || fail "the stand-in's page answered ${code}"
link=$(grep -o 'id="user-us-admin" href="[^"]*"' "${work}/authorize.html" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
[[ "${link}" == "${callback}?"* ]] || fail "the stand-in's user-us-admin link goes to '${link}', not to ${callback}"

# Pick Ada Admin: the callback exchanges the code at the stand-in and opens a session.
read -r code location < <(curl -sS -m 40 -c "${jar}" -b "${jar}" -o /dev/null -w '%{http_code} %{redirect_url}\n' "${link}")
[[ "${code}" == 302 && "${location}" == "${spa_origin}/"* && "${location}" != *signin-error* ]] \
  || fail "the callback answered ${code} to ${location}, expected 302 to ${spa_origin}/"
say "the callback signed Ada Admin in and redirected to the SPA"

body=$(curl -sS -m 10 -c "${jar}" -b "${jar}" -X POST -H 'X-Requested-With: pipeline-pulse' -H "Origin: ${spa_origin}" \
  "${api}/api/auth/refresh")
token=$(sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p' <<<"${body}")
[[ -n "${token}" ]] || fail "POST /api/auth/refresh with the cookie gave no access token"
me=$(curl -sS -m 10 -H "Authorization: Bearer ${token}" "${api}/api/auth/me")
grep -q '"Ada Admin"' <<<"${me}" || fail "GET /api/auth/me does not name Ada Admin"
grep -q '"admin"' <<<"${me}" || fail "GET /api/auth/me does not give Ada Admin the admin role (local PP_ADMIN_EMAILS)"
say "refresh gave an access token and /api/auth/me names Ada Admin, an admin"

# Ctrl-C: the application shuts down and Maven reports success (not "BUILD FAILURE ... exit code 143").
kill -INT -- "-${app_pid}"
stopped=0
wait "${app_pid}" || stopped=$?
[[ "${stopped}" == 0 ]] && grep -q 'BUILD SUCCESS' "${log}" \
  || fail "after SIGINT (Ctrl-C) ./mvnw spring-boot:test-run exited with ${stopped}, expected 0 and BUILD SUCCESS"
say "SIGINT (Ctrl-C) stopped it cleanly: exit code 0, BUILD SUCCESS"
say "passed: the no-Docker path starts, serves a sign-in through the in-process stand-in, and stops on Ctrl-C"
