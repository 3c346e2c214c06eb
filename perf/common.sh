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
