-- Shared by every wrk script here: one machine-readable line at the end of a run, with p99.9 (wrk --latency
-- prints only p50/p75/p90/p99). Latencies are wrk's (closed loop: measured from when the request was sent).
-- Thread-local counters named in PERF_COUNTERS are summed over threads with thread:get.
perf_threads = {}

function perf_register(thread)
  table.insert(perf_threads, thread)
end

function done(summary, latency, requests)
  local function ms(p) return latency:percentile(p) / 1000.0 end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local extra = ""
  for name in string.gmatch(os.getenv("PERF_COUNTERS") or "", "%S+") do
    local total = 0
    for _, t in ipairs(perf_threads) do total = total + (tonumber(t:get(name)) or 0) end
    extra = extra .. string.format(" %s=%d", name, total)
  end
  io.write(string.format(
    "PERF requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f"
      .. " non2xx3xx=%d connect=%d read=%d write=%d timeout=%d%s\n",
    summary.requests, seconds, summary.requests / seconds, ms(50), ms(90), ms(99), ms(99.9),
    latency.max / 1000.0, e.status, e.connect, e.read, e.write, e.timeout, extra))
end
