package com.pipelinepulse;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.TestDatabaseConfiguration;
import com.pipelinepulse.testsupport.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Boots the production configuration (no profile: the start-up validator runs, so the settings production
 * needs are supplied: a 256-bit JWT key generated now, an https redirect URI, the test database) and lists
 * every HTTP route it serves, on the API port (controllers) and on the management port (actuator). Each
 * one must be named in docs/api-routes.md under its port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0",
                "pipelinepulse.zoho.redirect-uri=https://api.example.com/api/zoho/auth/callback", "pipelinepulse.spa.base-url=https://app.example.com",
                "pipelinepulse.identity.allowed-zoho-orgs=4000000000000001",
                // This context stays cached for the rest of the JVM on the schema the sync tests use: with
                // production's schedule it started runs of its own between their steps (409 sync-running).
                "pipelinepulse.pipeline.sync-interval=0"})
@Import({TestDatabaseConfiguration.class, RouteInventoryIntegrationTests.ManagementContextCapture.class})
class RouteInventoryIntegrationTests {

    private static final Path DOCUMENTED_ROUTES = Path.of("docs/api-routes.md");

    @DynamicPropertySource
    static void productionSecrets(DynamicPropertyRegistry registry) {
        String keys = TestKeys.keyRing("inventory", 256);
        registry.add("PP_JWT_KEYS", () -> keys);
        String encryption = TestKeys.keyRing("inventory", 256);
        registry.add("PP_ENCRYPTION_KEYS", () -> encryption);
    }

    @Autowired
    ApplicationContext api;

    @Autowired
    ManagementContextCapture management;

    @Autowired
    Environment environment;

    /** One route: HTTP methods (empty = any) and a path pattern. */
    record Route(Set<String> methods, String path) {
        @Override
        public String toString() {
            return (methods.isEmpty() ? "any" : String.join(",", methods)) + " " + path;
        }
    }

    @Test
    void everyRouteIsDocumented() throws IOException {
        assertThat(environment.getActiveProfiles()).isEmpty();
        assertThat(environment.acceptsProfiles(Profiles.of("local", "test"))).isFalse();
        String docs = Files.readString(DOCUMENTED_ROUTES);

        List<Route> apiRoutes = routes(api);
        List<Route> managementRoutes = routes(management.context);
        assertThat(apiRoutes).isNotEmpty();
        assertThat(managementRoutes).extracting(Route::path).contains("/actuator/health");

        List<String> undocumented = new ArrayList<>();
        List<Route> documentedApi = documented(docs, "## API port");
        List<Route> documentedManagement = documented(docs, "## Management port");
        apiRoutes.stream().filter(r -> !covered(r, documentedApi)).forEach(r -> undocumented.add("API port: " + r));
        managementRoutes.stream().filter(r -> !covered(r, documentedManagement))
                .forEach(r -> undocumented.add("management port: " + r));

        assertThat(undocumented).as("routes served but not listed in " + DOCUMENTED_ROUTES).isEmpty();
    }

    private static List<Route> routes(ApplicationContext context) {
        List<Route> routes = new ArrayList<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class)
                .values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<String> methods = info.getMethodsCondition().getMethods().stream().map(Enum::name)
                        .collect(Collectors.toCollection(TreeSet::new));
                for (String path : info.getPatternValues()) {
                    routes.add(new Route(methods, path));
                }
            }
        }
        return routes;
    }

    private static final Pattern ROW = Pattern.compile("^\\|([^|]+)\\|([^|]+)\\|");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** Table rows {@code | METHOD[, METHOD] | `path`, `path` | ... |} of one section. */
    private static List<Route> documented(String docs, String section) {
        int start = docs.indexOf(section);
        assertThat(start).as(section + " in " + DOCUMENTED_ROUTES).isNotNegative();
        int end = docs.indexOf("\n## ", start + section.length());
        List<Route> routes = new ArrayList<>();
        for (String line : docs.substring(start, end < 0 ? docs.length() : end).split("\n")) {
            Matcher row = ROW.matcher(line.trim());
            if (!row.find()) {
                continue;
            }
            String methodText = row.group(1).trim();
            if (methodText.equals("method") || methodText.startsWith("---")) {
                continue;
            }
            Set<String> methods = methodText.equalsIgnoreCase("any") ? Set.of()
                    : Set.of(methodText.toUpperCase(Locale.ROOT).split("\\s*[,/]\\s*"));
            Matcher code = CODE.matcher(row.group(2));
            while (code.find()) {
                routes.add(new Route(methods, code.group(1).trim()));
            }
        }
        return routes;
    }

    private static boolean covered(Route route, List<Route> documented) {
        return documented.stream().anyMatch(d -> d.path().equals(route.path())
                && (d.methods().isEmpty() || !route.methods().isEmpty() && d.methods().containsAll(route.methods())));
    }

    /** The management port's child context, which the main context does not expose otherwise. */
    @TestConfiguration(proxyBeanMethods = false)
    static class ManagementContextCapture {
        ApplicationContext context;

        @Bean
        ApplicationListener<WebServerInitializedEvent> managementContextListener() {
            return event -> {
                WebServerApplicationContext source = event.getApplicationContext();
                if ("management".equals(source.getServerNamespace())) {
                    context = source;
                }
            };
        }
    }
}
