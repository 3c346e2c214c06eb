#!/usr/bin/env bash
# refresh_session (V50) alone, driven by pgbench against a fresh database: PostgreSQL's CPU per rotation without the
# API (docs/benchmarks.md, section 2, "Issue 18 on a third host"). Loopback only, bounded in time.
#
#   perf/refresh-function.sh [per-statement]
#
# Creates the database pp_refresh_fn on the local PostgreSQL and applies the migrations under
# src/main/resources/db/migration in version order with psql (schema pipelinepulse; up to PERF_FN_UPTO when set, e.g.
# 52 for the function before V53), signs 200 sessions in directly in SQL, runs CHECKPOINT, then pgbench -M prepared
# with PERF_FN_CLIENTS clients (8) for PERF_FN_SECONDS (20), at PERF_FN_RATE transactions a second when set (-R;
# unthrottled otherwise). Every client rotates its own 20 sessions' live tokens, so clients never share a session.
# per-statement: rotations in one statement (1, the service's case when refreshes do not overlap; 4 measures several
# rotations per commit). PERF_FN_MODE=batch makes that statement one call of refresh_session_batch (V54), the way the
# service writes refreshes that overlap (RefreshBatches); the default, statement, calls refresh_session once per
# rotation in one SELECT.
# Prints transactions, rotations a second and the CPU of all PostgreSQL processes per rotation (/proc, the postmaster's
# reaped children included). The database is dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
per="${1:-1}" mode="${PERF_FN_MODE:-statement}"
clients="${PERF_FN_CLIENTS:-8}" seconds="${PERF_FN_SECONDS:-20}" rate="${PERF_FN_RATE:-}" upto="${PERF_FN_UPTO:-}"
pg=(-h "${PG_HOST:-127.0.0.1}" -p "${PG_PORT:-5432}" -U "${PG_USER:-postgres}")
db=pp_refresh_fn
(( clients * 20 <= 200 )) || { echo "at most 10 clients (20 sessions each)" >&2; exit 2; }

script="$(mktemp)"
trap 'rm -f "${script}"; psql "${pg[@]}" -d postgres -qc "drop database if exists ${db} with (force)" >/dev/null 2>&1 || true' EXIT
psql "${pg[@]}" -d postgres -qc "drop database if exists ${db} with (force)" -qc "create database ${db}"
psql "${pg[@]}" -d "${db}" -qc "create schema pipelinepulse"
for file in $(ls src/main/resources/db/migration/V*__*.sql | sed 's/.*\/V\([0-9]*\)__.*/\1 &/' | sort -n | awk '{print $2}'); do
  version="$(basename "${file}" | sed 's/^V\([0-9]*\)__.*/\1/')"
  [[ -n "${upto}" ]] && (( version > upto )) && continue
  { echo "set search_path = pipelinepulse;"; cat "${file}"; } | psql "${pg[@]}" -d "${db}" -v ON_ERROR_STOP=1 -q >/dev/null
done
psql "${pg[@]}" -d "${db}" -v ON_ERROR_STOP=1 -q <<'SQL'
set search_path = pipelinepulse;
create table bench_session (n int primary key, id uuid not null);
insert into app_user (id, zoho_user_id, email, display_name, region, role)
select gen_random_uuid(), 'zuid-' || g, 'user' || g || '@example.com', 'User ' || g, 'US', 'viewer'
  from generate_series(1, 200) g;
insert into bench_session (n, id) select row_number() over (), gen_random_uuid() from app_user;
insert into user_session (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at)
select b.id, u.id, now(), now(), now() + interval '1 day', now() + interval '7 days'
  from (select id, row_number() over () n from app_user) u join bench_session b on b.n = u.n;
insert into refresh_token (token_hash, session_id, created_at)
select sha256(id::text::bytea), id, now() from bench_session;
SQL
psql "${pg[@]}" -qc checkpoint

# One transaction: <per> rotations of the client's sessions, each presenting its session's live token.
if [[ "${mode}" == batch ]]; then
  # The same tokens as below, found the same way, in one call of refresh_session_batch (V54).
  tokens="$(for ((k = 0; k < per; k++)); do (( k )) && printf ','; printf "(select r.token_hash from pipelinepulse.refresh_token r
      join pipelinepulse.bench_session b on b.id = r.session_id where b.n = :s + %d and r.rotated_at is null limit 1)" \
      "$(( k * 20 / per ))"; done)"
  cat >"${script}" <<SQL
\\set s :client_id * 20 + random(1, $(( 20 / per )))
select count(*)
  from pipelinepulse.refresh_session_batch(array[${tokens}],
         array(select sha256(gen_random_uuid()::text::bytea) from generate_series(1, ${per})),
         array_fill((extract(epoch from now()) * 1000000)::bigint, array[${per}]), interval '1 hour',
         interval '30 seconds', array_fill('127.0.0.1'::varchar, array[${per}]),
         array_fill('pgbench'::varchar, array[${per}]), array_fill('req-0123456789'::varchar, array[${per}])) f
 where f.outcome = 'rotated';
SQL
else {
  echo "\\set s :client_id * 20 + random(1, $(( 20 / per )))"
  printf 'select'
  for ((k = 0; k < per; k++)); do
    (( k )) && printf ','
    printf " (select outcome from pipelinepulse.refresh_session((select r.token_hash from pipelinepulse.refresh_token r
       join pipelinepulse.bench_session b on b.id = r.session_id where b.n = :s + %d and r.rotated_at is null limit 1),
       sha256(gen_random_uuid()::text::bytea), now(), interval '1 hour', interval '30 seconds', '127.0.0.1',
       'pgbench', 'req-0123456789'))" "$(( k * 20 / per ))"
  done
  echo ";"
} >"${script}"
fi

postmaster="$(psql "${pg[@]}" -d postgres -Atc "select pid from pg_stat_activity where backend_type = 'checkpointer'" | head -n 1)"
postmaster="$(awk '{print $4}' "/proc/${postmaster}/stat")" # the checkpointer's parent
pg_cpu_ticks() { # every postgres process, plus the children the postmaster has reaped (pgbench's ended backends)
  local total=0 pid fields
  for pid in $(pgrep -x postgres); do
    read -r -a fields <"/proc/${pid}/stat" 2>/dev/null || continue
    total=$(( total + fields[13] + fields[14] ))
    [[ "${pid}" == "${postmaster}" ]] && total=$(( total + fields[15] + fields[16] ))
  done
  echo "${total}"
}
before="$(pg_cpu_ticks)"
output="$(pgbench "${pg[@]}" -n -M prepared -c "${clients}" -j 2 -T "${seconds}" ${rate:+-R "${rate}"} -f "${script}" "${db}" 2>&1)"
after="$(pg_cpu_ticks)"
transactions="$(awk '/number of transactions actually processed/ {split($6, a, "/"); print a[1]}' <<<"${output}")"
[[ -n "${transactions}" && "${transactions}" -gt 0 ]] || { echo "${output}" >&2; exit 1; }
rotated="$(psql "${pg[@]}" -d "${db}" -Atc "select count(*) from pipelinepulse.security_audit_event where type = 'refresh'")"
awk -v t="${transactions}" -v per="${per}" -v s="${seconds}" -v c=$(( after - before )) -v hz="$(getconf CLK_TCK)" \
    -v r="${rotated}" 'BEGIN {
  printf "rotations_per_statement=%d transactions=%d rotations_audited=%d rotations_per_s=%.1f pg_cpu_ms_per_rotation=%.3f\n",
         per, t, r, t * per / s, c * 1000 / hz / (t * per) }'
