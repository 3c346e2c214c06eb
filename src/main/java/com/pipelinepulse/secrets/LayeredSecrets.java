package com.pipelinepulse.secrets;

import com.pipelinepulse.audit.SecurityEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The {@link Secrets} of the service: AWS Secrets Manager first (when enabled), then the environment, then
 * (only in {@code local} and {@code test}) generated key rings.
 *
 * <p>AWS values are cached per secret group and refreshed in the background every TTL, so a rotated value
 * is served without a restart. A failed refresh keeps the last good value and is counted
 * ({@code pipelinepulse.secrets.refresh.failures}). A secret that AWS cannot serve (unreachable at start,
 * missing secret or field) is served from the environment instead; that is logged once per secret with a
 * WARN naming the secret (never a value), counted ({@code pipelinepulse.secrets.fallback}) and published as
 * a {@code secrets_fallback} {@link SecurityEvent}.
 */
final class LayeredSecrets implements Secrets {

    private static final Logger log = LoggerFactory.getLogger(LayeredSecrets.class);

    static final String FALLBACK_METRIC = "pipelinepulse.secrets.fallback";
    static final String REFRESH_FAILURE_METRIC = "pipelinepulse.secrets.refresh.failures";
    static final String SOURCE_METRIC = "pipelinepulse.secrets.source";

    /** What served a secret, and since when (for AWS: when the value was fetched). */
    record Served(SecretSource source, Instant since) {
    }

    private record Group(Map<String, String> fields, Instant fetchedAt) {
        /** Field names only, never their values (they are the secrets). */
        @Override
        public String toString() {
            return "Group[fields=" + (fields == null ? null : new java.util.TreeSet<>(fields.keySet()))
                    + ", fetchedAt=" + fetchedAt + "]";
        }
    }

    private final SecretsProperties.Aws aws;
    private final SecretGroupReader reader;
    private final EnvironmentSecrets environment;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    private final ConcurrentMap<String, Group> groups = new ConcurrentHashMap<>();
    /** Groups with no good value yet, with the reason (an exception type or status, never a message). */
    private final ConcurrentMap<String, String> unavailable = new ConcurrentHashMap<>();
    private final Set<String> refreshFailing = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<SecretName, Served> served = new ConcurrentHashMap<>();
    private final Set<SecretName> fallbackReported = ConcurrentHashMap.newKeySet();
    private final List<SecurityEvent> pendingEvents = new ArrayList<>();
    private boolean eventsLive;
    private ScheduledExecutorService refresher;

    /**
     * @param reader null when AWS Secrets Manager is disabled
     */
    LayeredSecrets(SecretsProperties.Aws aws, SecretGroupReader reader, EnvironmentSecrets environment,
            MeterRegistry meters, ApplicationEventPublisher events, Clock clock) {
        this.aws = aws;
        this.reader = reader;
        this.environment = environment;
        this.meters = meters;
        this.events = events;
        this.clock = clock;
    }

    /** Reads every AWS group once, resolves every secret (so fallbacks are reported now), starts refreshing. */
    void start() {
        if (reader != null) {
            String unreachable = null;
            for (String group : allGroups()) {
                if (unreachable != null) {
                    // One call budget is enough to know AWS cannot be reached: don't hold start-up for each group.
                    unavailable.put(group, unreachable);
                    continue;
                }
                try {
                    fetch(group);
                } catch (SdkClientException e) {
                    unreachable = describe(e);
                    unavailable.put(group, unreachable);
                } catch (RuntimeException e) {
                    unavailable.put(group, describe(e));
                }
            }
        }
        for (SecretName name : SecretName.values()) {
            find(name);
            registerSourceGauges(name);
        }
        if (reader != null) {
            refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "secrets-refresh");
                t.setDaemon(true);
                return t;
            });
            long ttl = Math.max(1, aws.ttl().toMillis());
            refresher.scheduleWithFixedDelay(this::refreshAll, ttl, ttl, TimeUnit.MILLISECONDS);
        }
    }

    /** One gauge per secret and source: 1 for the source serving the secret now, else 0. */
    private void registerSourceGauges(SecretName name) {
        for (SecretSource source : SecretSource.values()) {
            Gauge.builder(SOURCE_METRIC, served, map -> {
                Served now = map.get(name);
                return now != null && now.source() == source ? 1 : 0;
            }).tag("secret", name.name()).tag("source", source.label)
                    .description("1 for the source currently serving each secret").register(meters);
        }
    }

    void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    @Override
    public Optional<String> find(SecretName name) {
        if (reader == null) {
            return fallback(name);
        }
        Group group = groups.get(name.group());
        if (group == null && !unavailable.containsKey(name.group())) {
            try {
                group = fetch(name.group());
            } catch (RuntimeException e) {
                unavailable.put(name.group(), describe(e));
            }
        }
        if (group != null) {
            String value = group.fields().get(name.field());
            if (value != null && !value.isBlank()) {
                markServed(name, new Served(SecretSource.AWS, group.fetchedAt()));
                return Optional.of(value);
            }
        }
        String reason = group == null ? unavailable.getOrDefault(name.group(), "unavailable")
                : "field '" + name.field() + "' absent";
        Optional<String> value = fallback(name);
        reportFallback(name, reason);
        return value;
    }

    /** For the health indicator: which source serves each secret, and since when. */
    Map<SecretName, Served> status() {
        Map<SecretName, Served> status = new EnumMap<>(SecretName.class);
        status.putAll(served);
        return status;
    }

    Set<String> failingGroups() {
        Set<String> failing = new LinkedHashSet<>(unavailable.keySet());
        failing.addAll(refreshFailing);
        return failing;
    }

    boolean awsEnabled() {
        return reader != null;
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * Called once the application context is refreshed: events published before that would miss the
     * {@code @EventListener}s (they are registered after all singletons exist), so they wait until then.
     */
    void eventsReady() {
        List<SecurityEvent> toPublish;
        synchronized (pendingEvents) {
            eventsLive = true;
            toPublish = List.copyOf(pendingEvents);
            pendingEvents.clear();
        }
        toPublish.forEach(events::publishEvent);
    }

    void refreshAll() {
        Set<String> known = new LinkedHashSet<>(groups.keySet());
        known.addAll(unavailable.keySet());
        for (String group : known) {
            try {
                fetch(group);
                if (refreshFailing.remove(group) | unavailable.remove(group) != null) {
                    log.info("AWS secret {} is readable again", aws.secretId(group));
                }
            } catch (RuntimeException e) {
                meters.counter(REFRESH_FAILURE_METRIC, "group", group).increment();
                if (refreshFailing.add(group)) {
                    log.warn("Refreshing AWS secret {} failed ({}); {}", aws.secretId(group), describe(e),
                            groups.containsKey(group) ? "serving the last good value"
                                    : "still serving the environment fallback");
                }
            }
        }
    }

    private Group fetch(String group) {
        Group fresh = new Group(Map.copyOf(reader.read(group)), clock.instant());
        groups.put(group, fresh);
        return fresh;
    }

    private Optional<String> fallback(SecretName name) {
        Optional<String> value = environment.fromEnvironment(name);
        if (value.isPresent()) {
            markFallback(name, SecretSource.ENV);
            return value;
        }
        value = environment.generatedIfAllowed(name);
        markFallback(name, value.isPresent() ? SecretSource.GENERATED : SecretSource.MISSING);
        return value;
    }

    private void markFallback(SecretName name, SecretSource source) {
        Served now = served.get(name);
        if (now == null || now.source() != source) {
            served.compute(name, (n, old) -> old != null && old.source() == source ? old : new Served(source, clock.instant()));
        }
    }

    /**
     * Records what serves a secret. Secrets are read on every use (a bearer request reads the JWT key ring), so the
     * usual case, nothing changed, only reads the map: a write would lock the entry that every request thread shares.
     */
    private void markServed(SecretName name, Served now) {
        if (!now.equals(served.get(name))) {
            served.put(name, now);
        }
    }

    private void reportFallback(SecretName name, String reason) {
        if (!fallbackReported.add(name)) {
            return;
        }
        SecretSource source = served.get(name).source();
        String where = switch (source) {
            case ENV -> "environment variable " + name.environmentVariable();
            case GENERATED -> "a generated ephemeral key ring";
            default -> "nowhere (it is not configured)";
        };
        log.warn("Secret {} could not be read from AWS secret {} ({}); it is served from {}", name,
                aws.secretId(name.group()), reason, where);
        meters.counter(FALLBACK_METRIC, "secret", name.name(), "source", source.label).increment();
        SecurityEvent event = SecurityEvent.failure(SecurityEvent.Types.SECRETS_FALLBACK, null, name.name(),
                Map.of("secret", name.name(), "source", source.label, "reason", reason));
        synchronized (pendingEvents) {
            if (!eventsLive) {
                pendingEvents.add(event);
                return;
            }
        }
        events.publishEvent(event);
    }

    private static List<String> allGroups() {
        Set<String> groups = new LinkedHashSet<>();
        for (SecretName name : SecretName.values()) {
            groups.add(name.group());
        }
        return List.copyOf(groups);
    }

    /** The failure's type (and HTTP status), never its message: messages may quote what was read. */
    private static String describe(RuntimeException e) {
        if (e instanceof SdkServiceException service) {
            return e.getClass().getSimpleName() + " status " + service.statusCode();
        }
        return e.getClass().getSimpleName();
    }
}
