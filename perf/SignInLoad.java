import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * (d) The sign-in flow at a fixed arrival rate (open loop), run with the JDK's source launcher:
 *
 * <pre>java perf/SignInLoad.java &lt;api base url&gt; &lt;sign-ins per second&gt; &lt;seconds&gt;</pre>
 *
 * In production mode (perf/common.sh) the redirect URI is the public https address PERF_PUBLIC_API, which the
 * callback link is mapped back to the API base url, and the stand-in is https: give the JVM the run's truststore
 * ({@code -Djavax.net.ssl.trustStore=...}).
 *
 * One sign-in is what a browser does: GET /api/zoho/auth (302 to the stand-in, binding cookie), GET the
 * stand-in's page and pick a user's link (the stand-in issues a fresh code), GET the callback with the binding
 * cookie (the API exchanges the code, reads the profile, opens a session: 302 to the SPA with the refresh cookie).
 * Sign-ins start on a fixed schedule whatever the previous ones are doing, each on its own thread, so a slow
 * server shows as latency instead of as a lower rate. Reported: the API's time (start + callback, the part of a
 * sign-in the API is responsible for), the callback alone, and the whole sign-in measured from its scheduled
 * start (includes the stand-in's page and any queueing in this driver). A sign-in is an error unless the start
 * answers 302 and the callback 302 to the SPA (not to /signin-error) with a refresh cookie. With PERF_TIMELINE=1
 * every sign-in is also printed with its end time (for perf/faults.sh). With PERF_DRIVER_WARMUP_S the driver first
 * runs that many seconds of sign-ins at the same rate and records none of them (perf/load.sh: 60 s), so
 * that its own JVM is warm when the measured ones start, and prints {@code PERF driver_warm} when they are done.
 */
public final class SignInLoad {

    private static final String[] USERS = {"us-admin", "us-manager", "eu-viewer", "in-viewer", "au-viewer", "jp-viewer"};
    private static final Pattern BINDING = Pattern.compile("pp_zoho_signin=([^;]+)");
    private static Duration timeout = Duration.ofSeconds(10);
    private static final String PUBLIC_API = System.getenv().getOrDefault("PERF_PUBLIC_API", "");

    public static void main(String[] args) throws Exception {
        String api = args[0];
        double rate = Double.parseDouble(args[1]);
        int seconds = Integer.parseInt(args[2]);
        // PERF_TIMELINE=1: one "SAMPLE <epoch ms> ok|error <ms>" line per sign-in (perf/faults.sh).
        boolean timeline = "1".equals(System.getenv("PERF_TIMELINE"));
        // How long one step may take before the driver gives up on it (perf/faults.sh sets more than the service's
        // own budget for a sign-in, so that the service's bounds, not the driver's, show).
        timeout = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("PERF_HTTP_TIMEOUT_S", "10")));
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService workers = Executors.newCachedThreadPool();
        // PERF_DRIVER_WARMUP_S: seconds of sign-ins at the same rate before the measured ones, not recorded. A fresh
        // driver JVM takes a few hundred milliseconds over its first sign-ins (class loading, its first TLS handshake
        // with the stand-in, interpreted code), and the open loop piles the next ones up behind them; for many
        // seconds more its JIT compilers take CPU from the API on a small machine. The driver's cost, which without
        // this showed as the API's p99 (docs/benchmarks.md). Printed as driver_warmup=<count>.
        int driverWarmup = (int) Math.round(rate * Double.parseDouble(System.getenv().getOrDefault("PERF_DRIVER_WARMUP_S", "0")));
        AtomicInteger driverWarmupErrors = new AtomicInteger();
        for (Future<?> warming : onSchedule(workers, driverWarmup, rate, System.nanoTime(), (user, scheduled) -> {
            try {
                signIn(http, api, user, scheduled);
            } catch (Exception e) {
                driverWarmupErrors.incrementAndGet();
            }
        })) {
            warming.get();
        }
        if (driverWarmup > 0) {
            // The measured sign-ins start a second after this line: perf/load.sh starts its CPU count when it appears.
            System.out.println("PERF driver_warm count=" + driverWarmup + " errors=" + driverWarmupErrors.get());
            System.out.flush();
        }
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        ConcurrentLinkedQueue<String> errorKinds = new ConcurrentLinkedQueue<>();
        int total = (int) Math.round(rate * seconds);
        long t0 = System.nanoTime() + (driverWarmup > 0 ? 1_000_000_000L : 200_000_000L);
        onSchedule(workers, total, rate, t0, (user, scheduled) -> {
            try {
                long[] sample = signIn(http, api, user, scheduled);
                samples.add(sample);
                if (timeline) {
                    System.out.printf("SAMPLE %d ok %.1f%n", System.currentTimeMillis(), sample[0] / 1e6);
                }
            } catch (Exception e) {
                errors.incrementAndGet();
                errorKinds.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                if (timeline) {
                    System.out.printf("SAMPLE %d error %.1f %s%n", System.currentTimeMillis(),
                            (System.nanoTime() - scheduled) / 1e6, String.valueOf(e.getMessage()).replace(' ', '_'));
                }
            }
        });
        workers.shutdown();
        workers.awaitTermination(60, TimeUnit.SECONDS);
        long elapsedNanos = System.nanoTime() - t0;
        List<long[]> all = new ArrayList<>(samples);
        System.out.printf("PERF signins=%d ok=%d errors=%d target_rate=%.1f achieved_rate=%.1f driver_warmup=%d"
                + " driver_warmup_errors=%d%n", total, all.size(), errors.get(), rate, all.size() / (elapsedNanos / 1e9),
                driverWarmup, driverWarmupErrors.get());
        print("api", all, 0);
        print("callback", all, 1);
        print("whole", all, 2);
        errorKinds.stream().distinct().limit(5).forEach(k -> System.out.println("ERROR " + k));
    }

    /** One sign-in's work: the user to sign in and its scheduled start (System.nanoTime()). */
    private interface SignInTask {
        void run(String user, long scheduled);
    }

    /**
     * The open loop: starts {@code count} sign-ins at {@code rate} a second from {@code t0}, each on a worker of its
     * own at its scheduled time whatever the earlier ones are doing, the users in turn.
     */
    private static List<Future<?>> onSchedule(ExecutorService workers, int count, double rate, long t0, SignInTask task) {
        long intervalNanos = (long) (1e9 / rate);
        List<Future<?>> started = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long scheduled = t0 + i * intervalNanos;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String user = USERS[i % USERS.length];
            started.add(workers.submit(() -> task.run(user, scheduled)));
        }
        return started;
    }

    /** @return nanoseconds: {API time (start + callback), callback, whole sign-in from its scheduled start} */
    private static long[] signIn(HttpClient http, String api, String user, long scheduled) throws Exception {
        long a = System.nanoTime();
        HttpResponse<Void> start = http.send(HttpRequest.newBuilder(URI.create(api + "/api/zoho/auth?return_to=/"))
                .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
        long startNanos = System.nanoTime() - a;
        String location = start.headers().firstValue("Location").orElse("");
        String binding = start.headers().allValues("Set-Cookie").stream().map(BINDING::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).findFirst().orElse(null);
        if (start.statusCode() != 302 || binding == null || location.isEmpty()) {
            throw new IllegalStateException("start answered " + start.statusCode());
        }
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(location))
                .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher link = Pattern.compile("id=\"user-" + Pattern.quote(user) + "\" href=\"([^\"]+)\"").matcher(page.body());
        if (page.statusCode() != 200 || !link.find()) {
            throw new IllegalStateException("stand-in page answered " + page.statusCode());
        }
        String callbackUrl = link.group(1).replace("&amp;", "&");
        // The redirect URI names the public https address (PERF_PUBLIC_API, where a deployment's load balancer would
        // end TLS); the callback goes to the instance under test, as the balancer would send it.
        if (!PUBLIC_API.isEmpty() && callbackUrl.startsWith(PUBLIC_API + "/")) {
            callbackUrl = api + callbackUrl.substring(PUBLIC_API.length());
        }
        long b = System.nanoTime();
        HttpResponse<Void> callback = http.send(HttpRequest.newBuilder(URI.create(callbackUrl))
                .header("Cookie", "pp_zoho_signin=" + binding).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        long end = System.nanoTime();
        String spa = callback.headers().firstValue("Location").orElse("");
        boolean cookie = callback.headers().allValues("Set-Cookie").stream()
                .anyMatch(c -> c.startsWith("__Secure-pp_refresh=") && !c.startsWith("__Secure-pp_refresh=;"));
        if (callback.statusCode() != 302 || spa.contains("signin-error") || !cookie) {
            throw new IllegalStateException("callback answered " + callback.statusCode() + " to "
                    + spa.replaceAll("\\?.*", "") + (spa.contains("reason=") ? " " + spa.replaceAll(".*reason=", "reason=") : ""));
        }
        return new long[] {startNanos + (end - b), end - b, end - scheduled};
    }

    private static void print(String name, List<long[]> all, int index) {
        if (all.isEmpty()) {
            System.out.printf("PERF %s n=0%n", name);
            return;
        }
        long[] v = all.stream().mapToLong(s -> s[index]).sorted().toArray();
        System.out.printf("PERF %s n=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%n", name, v.length,
                pct(v, 50), pct(v, 90), pct(v, 99), pct(v, 99.9), v[v.length - 1] / 1e6);
    }

    /** Nearest-rank percentile, in milliseconds. */
    private static double pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
