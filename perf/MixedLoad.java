import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mixed traffic at a fixed arrival rate (open loop) for the soak (perf/soak.sh), run with the JDK's source launcher:
 *
 * <pre>java perf/MixedLoad.java &lt;api[,api2...]&gt; &lt;requests per second&gt; &lt;seconds&gt; &lt;refresh tokens file&gt; &lt;access tokens file&gt;</pre>
 *
 * With several API base URLs (instances on one database), requests go to them in turn, so a session's chain moves
 * between instances. Every failed request is also printed as {@code FAIL <epoch ms> <kind> <instance> <status or
 * exception>} for perf/faults.sh. A refresh that got a 5xx or no answer puts its token back in the queue, as a browser
 * keeps its cookie and tries again (a refresh refused with 401 ends its chain).
 *
 * Of every 20 requests: 10 are {@code GET /api/auth/me} with a bearer token (from the latest refreshes), 9 {@code POST /api/auth/refresh}
 * (each session's token chain followed in order: a chain is taken from a queue, refreshed, and its next token put
 * back), 1 a {@code GET /api/zoho/auth} sign-in start. A request succeeds when it answers 200 (me, refresh) or 302
 * (start). Every 10 s a line with the counts so far; at the end the totals and latency percentiles per kind.
 */
public final class MixedLoad {

    private static final Pattern REFRESH_COOKIE = Pattern.compile("__Secure-pp_refresh=([A-Za-z0-9_-]+)");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final String[] KINDS = {"me", "refresh", "start"};
    /** The SPA's origin, which the refresh's CSRF check requires (perf/common.sh exports PERF_ORIGIN). */
    private static final String ORIGIN = System.getenv().getOrDefault("PERF_ORIGIN", "http://localhost:5173");

    public static void main(String[] args) throws Exception {
        String[] apis = args[0].split(",");
        double rate = Double.parseDouble(args[1]);
        int seconds = Integer.parseInt(args[2]);
        ConcurrentLinkedQueue<String> chains = new ConcurrentLinkedQueue<>(
                Files.readAllLines(Path.of(args[3])).stream().filter(s -> !s.isBlank()).toList());
        // Access tokens live 10 minutes: like the SPA, use the ones the latest refreshes returned (the file's to begin).
        List<String> initial = Files.readAllLines(Path.of(args[4])).stream().filter(s -> !s.isBlank()).toList();
        java.util.concurrent.atomic.AtomicReferenceArray<String> access = new java.util.concurrent.atomic.AtomicReferenceArray<>(64);
        for (int k = 0; k < access.length(); k++) {
            access.set(k, initial.get(k % initial.size()));
        }
        java.util.concurrent.atomic.AtomicInteger nextAccess = new java.util.concurrent.atomic.AtomicInteger();
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService workers = Executors.newCachedThreadPool();
        AtomicLongArray ok = new AtomicLongArray(3);
        AtomicLongArray failed = new AtomicLongArray(3);
        AtomicLongArray noChain = new AtomicLongArray(1);
        @SuppressWarnings("unchecked")
        ConcurrentLinkedQueue<Long>[] latencies = new ConcurrentLinkedQueue[] {
                new ConcurrentLinkedQueue<Long>(), new ConcurrentLinkedQueue<Long>(), new ConcurrentLinkedQueue<Long>()};
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        long total = Math.round(rate * seconds);
        long interval = (long) (1e9 / rate);
        long t0 = System.nanoTime() + 200_000_000L;
        long nextReport = t0 + 10_000_000_000L;
        for (long i = 0; i < total; i++) {
            long scheduled = t0 + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (scheduled >= nextReport) {
                System.out.printf("PROGRESS t=%ds me=%d/%d refresh=%d/%d start=%d/%d no_chain=%d%n",
                        (scheduled - t0) / 1_000_000_000L, ok.get(0), failed.get(0), ok.get(1), failed.get(1), ok.get(2),
                        failed.get(2), noChain.get(0));
                nextReport += 10_000_000_000L;
            }
            int slot = (int) (i % 20);
            int kind = slot < 10 ? 0 : slot < 19 ? 1 : 2;
            String token = kind == 0 ? access.get((int) (i % access.length())) : kind == 1 ? chains.poll() : null;
            if (kind == 1 && token == null) {
                // Every chain is in flight (the server is slower than the schedule): counted, not sent.
                noChain.incrementAndGet(0);
                failed.incrementAndGet(1);
                continue;
            }
            int instance = (int) (i % apis.length);
            String api = apis[instance];
            workers.execute(() -> {
                try {
                    HttpRequest.Builder request = switch (kind) {
                        case 0 -> HttpRequest.newBuilder(URI.create(api + "/api/auth/me"))
                                .header("Authorization", "Bearer " + token).GET();
                        case 1 -> HttpRequest.newBuilder(URI.create(api + "/api/auth/refresh"))
                                .header("Cookie", "__Secure-pp_refresh=" + token)
                                .header("X-Requested-With", "pipeline-pulse").header("Origin", ORIGIN)
                                .POST(HttpRequest.BodyPublishers.noBody());
                        default -> HttpRequest.newBuilder(URI.create(api + "/api/zoho/auth?return_to=/")).GET();
                    };
                    HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    long latency = System.nanoTime() - scheduled;
                    boolean success = response.statusCode() == (kind == 2 ? 302 : 200);
                    if (kind == 1) {
                        String next = response.headers().allValues("Set-Cookie").stream().map(REFRESH_COOKIE::matcher)
                                .filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null);
                        if (success && next != null) {
                            chains.add(next);
                            Matcher fresh = ACCESS_TOKEN.matcher(response.body());
                            if (fresh.find()) {
                                access.set(Math.floorMod(nextAccess.getAndIncrement(), access.length()), fresh.group(1));
                            }
                        } else {
                            success = false;
                            if (response.statusCode() >= 500) {
                                // A browser keeps its cookie after a server error and tries it again.
                                chains.add(token);
                            }
                        }
                    }
                    if (success) {
                        ok.incrementAndGet(kind);
                        latencies[kind].add(latency);
                    } else {
                        failed.incrementAndGet(kind);
                        failures.add(KINDS[kind] + " " + response.statusCode());
                        System.out.printf("FAIL %d %s %d %d%n", System.currentTimeMillis(), KINDS[kind], instance,
                                response.statusCode());
                    }
                } catch (Exception e) {
                    if (kind == 1) {
                        // No answer: the browser still has its cookie and tries it again.
                        chains.add(token);
                    }
                    failed.incrementAndGet(kind);
                    failures.add(KINDS[kind] + " " + e.getClass().getSimpleName());
                    System.out.printf("FAIL %d %s %d %s%n", System.currentTimeMillis(), KINDS[kind], instance,
                            e.getClass().getSimpleName());
                }
            });
        }
        workers.shutdown();
        workers.awaitTermination(60, TimeUnit.SECONDS);
        long okAll = ok.get(0) + ok.get(1) + ok.get(2);
        long failedAll = failed.get(0) + failed.get(1) + failed.get(2);
        System.out.printf("PERF requests=%d ok=%d failed=%d success_pct=%.4f no_chain=%d rate=%.1f seconds=%d%n",
                okAll + failedAll, okAll, failedAll, 100.0 * okAll / Math.max(1, okAll + failedAll), noChain.get(0), rate,
                seconds);
        for (int k = 0; k < 3; k++) {
            long[] v = latencies[k].stream().mapToLong(Long::longValue).sorted().toArray();
            if (v.length > 0) {
                System.out.printf("PERF %s ok=%d failed=%d p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%n", KINDS[k],
                        ok.get(k), failed.get(k), pct(v, 50), pct(v, 99), pct(v, 99.9), v[v.length - 1] / 1e6);
            }
        }
        failures.stream().collect(java.util.stream.Collectors.groupingBy(s -> s, java.util.stream.Collectors.counting()))
                .forEach((k, n) -> System.out.println("FAILURE " + k + " x" + n));
    }

    private static double pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
