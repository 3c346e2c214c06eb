#!/usr/bin/env bash
# Soak (docs/benchmarks.md), in production mode like every benchmark here: mixed traffic (per 20 requests: 10 GET
# /api/auth/me, 9 POST /api/auth/refresh along each session's token chain, 1 sign-in start) at a fixed rate for
# 10 minutes against the jar started by
# perf/load.sh; success must be at least 99.9 %. Every 30 s: jcmd GC.run, then the heap used after it
# (jcmd GC.heap_info) and the RSS, into soak-heap.tsv.
#   PERF_SOAK_SECONDS (600), PERF_SOAK_RATE (requests/s, 200), PERF_SOAK_WARMUP (s at the same rate on other
#   sessions first, 60); every perf/load.sh setting applies.
set -euo pipefail
cd "$(dirname "$0")/.."
exec perf/load.sh soak
