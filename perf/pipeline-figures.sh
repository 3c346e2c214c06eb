#!/usr/bin/env bash
# Pipeline figures benchmark (docs/benchmarks.md, "Pipeline figures"). Loopback only, bounded in time. Builds the jar
# if it is missing, creates a fresh database (owner and service roles), starts the API in production mode (no
# profile: perf/common.sh, prod_start_api; no Zoho stand-in, the figures need none), seeds PERF_DEALS deals straight into pipeline_deal with SQL (the figures read rows; how rows arrive is
# the sync's benchmark), mints access tokens for a manager and an EMEA viewer with the generated key, then measures:
#   summary, breakdown (by=stage), deals (first page, default sort -amount): wrk, PERF_CONNECTIONS callers
#     (16), for the manager (every region) and the viewer (one region), each warm (figures cached per data version)
#     and, for summary and breakdown, "uncached" (a new closing_to per request, so each one computes in PostgreSQL)
#   csv      GET /api/pipeline/deals.csv of every deal: time, size, and heap after GC while a throttled download is
#            in the middle of the stream, against the idle heap after GC
#   plans    EXPLAIN (ANALYZE, BUFFERS) of the summary and the O2R health count, as the service runs them
#
#   perf/pipeline-figures.sh
#
# Settings (environment): PERF_DEALS (100000), PERF_DURATION (s per wrk run, 30), PERF_WARMUP (s per scenario, 10),
# PERF_CONNECTIONS (16), PERF_THREADS (wrk threads, 2), PERF_JAVA_OPTS ("dockerfile": the shipped JVM settings), PERF_OUT
# (perf/results/figures-<UTC time>), PG_HOST/PG_PORT/PG_USER (127.0.0.1/5432/postgres),
# PERF_API_PORT/PERF_MANAGEMENT_PORT (28180/28181).
# Output: $PERF_OUT/results.tsv (printed as a table at the end), the raw wrk output, plans.txt, heap.txt, machine.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=perf/common.sh
source perf/common.sh # stop_processes, wait_for_readiness, find_or_build_jar, prod_init, prod_db_create, prod_start_api

deals="${PERF_DEALS:-100000}"
duration="${PERF_DURATION:-30}"
warmup="${PERF_WARMUP:-10}"
connections="${PERF_CONNECTIONS:-16}"
threads="${PERF_THREADS:-2}"
java_opts="${PERF_JAVA_OPTS:-dockerfile}" # the shipped JVM settings (perf/common.sh, prod_start_api)
pg_host="${PG_HOST:-127.0.0.1}" pg_port="${PG_PORT:-5432}" pg_user="${PG_USER:-postgres}"
api_port="${PERF_API_PORT:-28180}" mgmt_port="${PERF_MANAGEMENT_PORT:-28181}"
out="${PERF_OUT:-perf/results/figures-$(date -u +%Y%m%dT%H%M%SZ)}"
api="http://127.0.0.1:${api_port}"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"

say() { printf '[figures %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "${out}/run.log" >&2; }
die() { say "FAILED: $*"; exit 1; }
for tool in wrk curl psql java jcmd python3 openssl; do
  command -v "${tool}" >/dev/null || die "${tool} is missing (wrk: apt-get install -y wrk)"
done

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
  echo "memory: $(free -m | awk '/^Mem:/{print $2}') MiB"
  echo "jdk: $(java -version 2>&1 | sed -n 2p)"
  echo "postgresql: $(psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -Atc 'show server_version')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "load1_at_start: $(cut -d' ' -f1 /proc/loadavg)"
  echo "mode: production (no profile, JSON logs at INFO, two database roles)"
  echo "settings: deals=${deals} duration=${duration}s warmup=${warmup}s connections=${connections} wrk_threads=${threads} java_opts='${java_opts}'"
} >"${out}/machine.txt"

find_or_build_jar "${out}"
cp "${jar}" "${out}/app.jar"

db="pp_figures_$(date -u +%Y%m%d%H%M%S)_$$"
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
say "database ${db}"

prod_start_api api "${api_port}" "${mgmt_port}" "${db}" PP_PIPELINE_SYNC_INTERVAL=0
pids+=("${app_pid}")
say "API pid ${app_pid} (production mode); waiting for readiness"
wait_for_readiness "${app_pid}" "${mgmt_port}" "${out}/app-api.log"

# --- deals ---------------------------------------------------------------------------------------------------------
say "seeding ${deals} deals"
psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" -v ON_ERROR_STOP=1 -q -v deals="${deals}" <<'SQL'
insert into pipeline_currency_snapshot (home_currency) values ('USD');
insert into pipeline_currency_rate (snapshot_id, iso_code, exchange_rate, is_base)
select (select max(id) from pipeline_currency_snapshot), c, r, c = 'USD'
from (values ('USD', 1.0), ('SGD', 1.34), ('EUR', 0.91), ('INR', 83.25)) v(c, r);
-- Varied like a real pipeline: 5 stages (3 open, won, lost), 4 regions, 200 owners, two years of closing dates
-- (some missing), milestones for two thirds, some realized, probabilities 0..100, modified over the last year.
insert into pipeline_deal (id, name, account_id, account_name, owner_id, owner_name, owner_email, stage, status,
    probability, closing_date, currency, amount, exchange_rate, amount_reporting, weighted_amount_reporting,
    reporting_currency, region, forecast_category, proposal_date, po_date, kickoff_date, invoice_date, payment_date,
    revenue_recognition_date, o2r_phase, realized, created_time, modified_time, zoho_record)
select (4876876000000000 + g)::text, 'Deal ' || g || ' ' || md5(g::text), 'a' || (g % 5000),
       'Account ' || (g % 5000), (4876876000100000 + g % 200)::text, 'Owner ' || (g % 200),
       'owner' || (g % 200) || '@example.com',
       (array['Qualification', 'Negotiation', 'Proposal', 'Closed Won', 'Closed Lost'])[1 + g % 5],
       (array['open', 'open', 'open', 'won', 'lost'])[1 + g % 5], p,
       case when g % 50 = 0 then null else date '2025-06-01' + (g * 37 % 730) end, 'USD', amount, 1,
       round(amount * 1.34, 2), round(round(amount * 1.34, 2) * p / 100, 2), 'SGD',
       (array['AMER', 'EMEA', 'APAC', 'UNASSIGNED'])[1 + g % 4], (array['Pipeline', 'Best Case', 'Commit'])[1 + g % 3],
       case when m >= 1 then date '2025-06-01' + (g % 300) end, case when m >= 2 then date '2025-07-01' + (g % 300) end,
       case when m >= 3 then date '2025-07-15' + (g % 300) end, case when m >= 4 then date '2025-08-01' + (g % 300) end,
       case when m >= 5 then date '2025-09-01' + (g % 300) end, case when m >= 6 then date '2025-09-15' + (g % 300) end,
       case when m = 0 then 1 when m = 1 then 2 when m in (2, 3) then 3 else 4 end,
       m >= 6, timestamptz '2025-01-01', now() - (g % 365) * interval '1 day', '{}'::jsonb
from (select g, (g * 7919) % 101 as p, ((g::bigint * 104729) % 9999999) / 100.0 + 100 as amount, g % 7 as m
      from generate_series(1, :deals) g) s;
analyze pipeline_deal;
SQL
psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" -Atc \
  "select count(*) || ' deals, ' || count(*) filter (where status = 'open') || ' open' from pipeline_deal" >>"${out}/machine.txt"

# --- tokens --------------------------------------------------------------------------------------------------------
mint() { # mint <role> <region>: an access token signed with the run's generated key, as the service issues them
  python3 - "$1" "$2" "${prod_jwt_kid}" "${prod_jwt_key}" <<'PY'
import base64, hashlib, hmac, json, sys, time, uuid
role, region, kid, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
header = {"alg": "HS256", "typ": "at+jwt", "kid": kid}
claims = {"sub": role + "@example.com", "user_id": str(uuid.uuid4()), "region": region, "name": "Bench " + role,
          "roles": [role], "iss": "pipeline-pulse-api", "aud": "pipeline-pulse-api", "jti": str(uuid.uuid4()),
          "sid": str(uuid.uuid4()), "iat": now, "exp": now + 3 * 3600}
signing = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
print(signing + "." + b64(hmac.new(raw, signing.encode(), hashlib.sha256).digest()))
PY
}
manager="$(mint manager AMER)"
viewer="$(mint viewer EMEA)"
code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${manager}" "${api}/api/pipeline/summary")"
[[ "${code}" == 200 ]] || die "the minted token was refused (${code})"

# --- latency -------------------------------------------------------------------------------------------------------
printf 'scenario\tcaller\tpath\trps\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\tnon2xx\n' >"${out}/results.tsv"
measure() { # measure <name> <caller> <token> <path> <vary>
  local name="$1" caller="$2" token="$3" path="$4" vary="$5" line
  PERF_WRK_DIR="$(pwd)/perf/wrk" PERF_TOKEN="${token}" PERF_PATH="${path}" PERF_VARY="${vary}" \
    wrk -t "${threads}" -c "${connections}" -d "${warmup}s" --timeout 10s -s perf/wrk/pipeline.lua "${api}" \
    >"${out}/${name}-${caller}-warmup.txt" 2>&1
  PERF_WRK_DIR="$(pwd)/perf/wrk" PERF_TOKEN="${token}" PERF_PATH="${path}" PERF_VARY="${vary}" \
    wrk -t "${threads}" -c "${connections}" -d "${duration}s" --timeout 10s --latency -s perf/wrk/pipeline.lua "${api}" \
    >"${out}/${name}-${caller}.txt" 2>&1
  line="$(grep '^PERF ' "${out}/${name}-${caller}.txt")"
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"${line}"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${name}" "${caller}" "${path}" "$(get rps)" "$(get p50_ms)" \
    "$(get p90_ms)" "$(get p99_ms)" "$(get p999_ms)" "$(get max_ms)" "$(get non2xx3xx)" >>"${out}/results.tsv"
  say "${name} ${caller}: $(get rps) req/s, p99 $(get p99_ms) ms, non-2xx $(get non2xx3xx)"
}
for caller in manager viewer; do
  token="${manager}"; [[ "${caller}" == viewer ]] && token="${viewer}"
  measure summary "${caller}" "${token}" /api/pipeline/summary 0
  measure breakdown "${caller}" "${token}" "/api/pipeline/breakdown?by=stage" 0
  measure deals "${caller}" "${token}" /api/pipeline/deals 0
  measure summary-uncached "${caller}" "${token}" /api/pipeline/summary 1
  measure breakdown-uncached "${caller}" "${token}" "/api/pipeline/breakdown?by=stage" 1
done

# --- CSV: time and heap --------------------------------------------------------------------------------------------
heap_used_kb() { heap_after_gc "${app_pid}" | cut -d' ' -f1; } # heap used after a full GC, in KiB
sleep 2
idle="$(heap_used_kb)"
csv_stats="$(curl -sS -o "${out}/deals.csv" -w '%{http_code} %{time_total} %{size_download}' \
  -H "Authorization: Bearer ${manager}" "${api}/api/pipeline/deals.csv")"
rows=$(( $(wc -l <"${out}/deals.csv") - 1 ))
say "csv: ${csv_stats} (code, seconds, bytes), ${rows} rows"
# A slow download keeps the stream open: the heap after GC in its middle shows what streaming holds.
curl -sS -o /dev/null --limit-rate 1M -H "Authorization: Bearer ${manager}" "${api}/api/pipeline/deals.csv" &
slow=$!
sleep 8
during="$(heap_used_kb)"
kill -0 "${slow}" 2>/dev/null && still=yes || still=no
wait "${slow}" || true
{
  echo "idle_heap_after_gc_kib ${idle}"
  echo "during_csv_heap_after_gc_kib ${during} (download still running: ${still})"
  echo "difference_mib $(( (during - idle) / 1024 ))"
} >"${out}/heap.txt"
printf 'csv\tmanager\t/api/pipeline/deals.csv\t%s\trows=%s\theap_idle_kib=%s\theap_during_kib=%s\n' \
  "${csv_stats}" "${rows}" "${idle}" "${during}" >>"${out}/results.tsv"
say "heap after GC: idle ${idle} KiB, during the CSV ${during} KiB (still streaming: ${still})"

# --- query plans ---------------------------------------------------------------------------------------------------
# The summary's aggregate and the O2R health count as PipelineFigures runs them (default thresholds, no filters,
# today's date), i.e. what a cache miss costs.
psql -h "${pg_host}" -p "${pg_port}" -U "${pg_user}" -d "${db}" >"${out}/plans.txt" 2>&1 <<'SQL'
\echo summary (manager, no filters)
explain (analyze, buffers) select d.status, count(*) as n, coalesce(sum(d.amount_reporting), 0) as amount,
  coalesce(sum(d.weighted_amount_reporting), 0) as weighted from pipeline_deal d where not d.deleted group by d.status;
\echo summary (viewer EMEA)
explain (analyze, buffers) select d.status, count(*) as n, coalesce(sum(d.amount_reporting), 0) as amount,
  coalesce(sum(d.weighted_amount_reporting), 0) as weighted from pipeline_deal d
  where not d.deleted and d.region = 'EMEA' group by d.status;
\echo o2r health counts (manager, no filters)
explain (analyze, buffers) select h.health, count(*) as n from (select (case when d.status = 'lost' or d.realized then null
  when (d.o2r_phase = 2 and d.proposal_date < current_date - 30) or (d.payment_date is null and d.invoice_date < current_date - 45)
    or (d.status = 'open' and d.closing_date < current_date) then 'RED'
  when (d.kickoff_date is null and d.po_date < current_date - 14) or (d.invoice_date is null and d.kickoff_date < current_date - 60)
    or (d.probability >= 80 and d.po_date is null) or (d.probability <= 20 and d.o2r_phase >= 3) then 'YELLOW'
  when ((d.modified_time at time zone 'UTC')::date < current_date - 7) then 'NEEDS_UPDATE' else 'GREEN' end) as health
  from pipeline_deal d where not d.deleted) h where h.health is not null group by h.health;
\echo deals first page (manager, -amount)
explain (analyze, buffers) select d.id, d.amount_reporting from pipeline_deal d where not d.deleted
  order by d.amount_reporting desc, d.id desc limit 51;
SQL
say "done: ${out}/results.tsv (production mode; issue 17 targets: p99 < 50 ms for summary, breakdown, deals at 16 callers;
  the CSV of every deal < 5 s with heap after GC within 64 MiB of idle)"
column -t -s $'\t' "${out}/results.tsv" >&2 || cat "${out}/results.tsv" >&2
