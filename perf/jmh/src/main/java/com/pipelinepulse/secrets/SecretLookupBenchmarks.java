package com.pipelinepulse.secrets;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * What reading the JWT key ring costs a bearer request (docs/benchmarks.md, section 1): {@link LayeredSecrets#find}
 * as production runs it without AWS, the value from the environment, read by two threads at once as two request
 * threads do on this machine's two cores. The environment is a standard one (system properties, the process
 * environment) with Spring Boot's configuration-property view attached and the key ring in a property source of its
 * own, as a deployment's {@code PP_JWT_KEYS} arrives. {@code environmentAlone} is the same lookup without the
 * secrets layer around it. The key ring is generated at start; nothing secret is in the source.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class SecretLookupBenchmarks {

    private LayeredSecrets secrets;
    private EnvironmentSecrets environment;

    @Setup
    public void setUp() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        StandardEnvironment spring = new StandardEnvironment();
        spring.getPropertySources().addLast(new MapPropertySource("deployment", Map.of(
                SecretName.JWT_KEYS.environmentVariable(),
                "bench-1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(key))));
        ConfigurationPropertySources.attach(spring);
        environment = new EnvironmentSecrets(spring);
        SecretsProperties.Aws noAws = new SecretsProperties.Aws(false, null, "pipeline-pulse", null, null,
                Duration.ofMinutes(5), Duration.ofSeconds(5));
        secrets = new LayeredSecrets(noAws, null, environment, new SimpleMeterRegistry(), event -> { },
                Clock.systemUTC());
        secrets.start();
    }

    @Benchmark
    public String keyRing() {
        return secrets.require(SecretName.JWT_KEYS);
    }

    @Benchmark
    public Object environmentAlone() {
        return environment.fromEnvironment(SecretName.JWT_KEYS);
    }
}
