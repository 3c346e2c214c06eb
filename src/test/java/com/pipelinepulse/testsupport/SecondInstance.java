package com.pipelinepulse.testsupport;

import com.pipelinepulse.PipelinePulseApplication;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * Starts a second instance of the application on the test database, as behind a load balancer: {@code test}
 * profile, random server and management ports, the test database's coordinates (the service role for the pool, the owner role for Flyway), the first instance's keys and Zoho
 * client (so that either instance accepts what the other issued and stored), the {@link ZohoStandIn}, plus the
 * given settings (passed as {@code --name=value} arguments, so they win). Only the production configuration: the
 * test configurations on the classpath are left out. The caller closes the returned context.
 */
public final class SecondInstance {

    /**
     * The settings of the {@linkplain #shared shared} second instance: OpenAPI off (as in production), a refresh queue
     * of 6 and a production-like token budget (its queued refreshes wait for the ones in flight).
     */
    public static final Map<String, String> SHARED_SETTINGS = Map.of(
            "pipelinepulse.openapi.enabled", "false",
            "pipelinepulse.zoho.tokens.refresh-queue", "6",
            "resilience4j.timelimiter.instances.zoho-token.timeout-duration", "10s");

    private static ConfigurableApplicationContext sharedInstance;
    private static Secrets sharedWith;

    private SecondInstance() {
    }

    /**
     * One second instance with {@link #SHARED_SETTINGS}, started on first use and kept for the rest of the test run
     * (closed by its shutdown hook when the JVM ends, like the cached test contexts), so that the test classes about
     * two instances do not each pay for a start. Its callers must leave it as they found it; a test that needs other
     * settings, or stops or breaks its instance, starts its own with {@link #startLike}. Asked for by a first instance
     * with other secrets (another test context), it is replaced by one like that instance.
     */
    public static synchronized ConfigurableApplicationContext shared(Secrets first) {
        if (sharedInstance != null && (sharedWith != first || !sharedInstance.isActive())) {
            sharedInstance.close();
            sharedInstance = null;
        }
        if (sharedInstance == null) {
            sharedInstance = startLike(first, SHARED_SETTINGS);
            sharedWith = first;
        }
        return sharedInstance;
    }

    /** A second instance like the one whose {@link Secrets} are given, with {@code settings} on top. */
    public static ConfigurableApplicationContext startLike(Secrets first, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        for (SecretName shared : List.of(SecretName.JWT_KEYS, SecretName.ENCRYPTION_KEYS, SecretName.ZOHO_CLIENT_ID,
                SecretName.ZOHO_CLIENT_SECRET)) {
            all.put(shared.environmentVariable(), first.require(shared));
        }
        all.put("pipelinepulse.zoho.accounts-url", ZohoStandIn.baseUrl());
        all.put("pipelinepulse.zoho.data-centers", ZohoStandIn.dataCentersSetting());
        all.put("pipelinepulse.database.pool-size", "4");
        all.putAll(settings);

        TestDatabase.Coordinates db = TestDatabase.coordinates();
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password()));
        args.addAll(db.migrationArguments());
        all.forEach((name, value) -> args.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(PipelinePulseApplication.class).profiles("test")
                .initializers(context -> context.getBeanFactory()
                        .registerSingleton("excludeTestConfigurations", new ExcludeTestConfigurations()))
                .run(args.toArray(String[]::new));
    }

    /**
     * Component scanning of a plain application run would pick up the test configurations on the classpath (the
     * probes, other tests' clocks and stand-ins); a second instance is the production configuration only.
     */
    static final class ExcludeTestConfigurations extends TypeExcludeFilter {
        @Override
        public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
            String name = reader.getClassMetadata().getClassName();
            return reader.getAnnotationMetadata().hasAnnotation(TestConfiguration.class.getName())
                    || name.contains("Tests$") || name.startsWith("com.pipelinepulse.testsupport.");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ExcludeTestConfigurations;
        }

        @Override
        public int hashCode() {
            return ExcludeTestConfigurations.class.hashCode();
        }
    }
}
