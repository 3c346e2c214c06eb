#!/usr/bin/env bash
# Summarises a JFR recording's CPU samples (jdk.ExecutionSample): the hottest top frames (self time) and the
# application and library frames that appear most often anywhere on the sampled stacks (inclusive time).
#   perf/jfr-top.sh <recording.jfr> [how many, 25]
set -euo pipefail
file="$1"; n="${2:-25}"
tmp="$(mktemp)"; trap 'rm -f "${tmp}"' EXIT
jfr print --events jdk.ExecutionSample --stack-depth 64 "${file}" >"${tmp}"
awk -v n="${n}" '
  /^jdk.ExecutionSample/ { if (inStack) flush(); samples++; inStack = 0; depth = 0; next }
  /stackTrace = \[/ { inStack = 1; depth = 0; delete seen; next }
  inStack && /^[[:space:]]*\]/ { flush(); inStack = 0; next }
  inStack {
    line = $0; sub(/^[[:space:]]+/, "", line); sub(/[[:space:]]+line:.*/, "", line)
    if (line == "...") next
    depth++
    if (depth == 1) self[line]++
    if (!(line in seen)) { seen[line] = 1; incl[line]++ }
  }
  function flush() { }
  END {
    printf "samples: %d\n\ntop frames (self):\n", samples
    for (f in self) printf "%6d %5.1f%%  %s\n", self[f], 100 * self[f] / samples, f | "sort -rn | head -n " n
    close("sort -rn | head -n " n)
    printf "\nframes on the stack (inclusive), com.pipelinepulse / jjwt / jdbc / hikari / jackson / security / tomcat:\n"
    for (f in incl) if (f ~ /pipelinepulse|jsonwebtoken|postgresql|hikari|jackson|springframework.security|springframework.jdbc|springframework.transaction|coyote|logback|micrometer|MessageDigest|SecureRandom|Mac\./)
      printf "%6d %5.1f%%  %s\n", incl[f], 100 * incl[f] / samples, f | "sort -rn | head -n " (2 * n)
    close("sort -rn | head -n " (2 * n))
  }' "${tmp}"
