package com.pipelinepulse.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.DefaultConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.StandardEnvironment;

/**
 * The session lifetimes table of docs/authentication.md (ASVS 7.1.1: documented and justified) states the defaults
 * that {@code application.yml} really sets, each with its justification below the table.
 */
class SessionLifetimesDocumentedTests {

    private static final Pattern ROW = Pattern.compile(
            "^\\| [^|]+ \\| (\\d+) (seconds|minutes|hours|days) \\| `pipelinepulse\\.session\\.([a-z-]+)` \\|$",
            Pattern.MULTILINE);

    @Test
    void theDocumentedDefaultsAreTheConfiguredOnes() throws Exception {
        String doc = Files.readString(Path.of("docs/authentication.md"));
        Map<String, Duration> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(doc);
        while (row.find()) {
            documented.put(row.group(3), Duration.of(Long.parseLong(row.group(1)),
                    ChronoUnit.valueOf(row.group(2).toUpperCase(java.util.Locale.ROOT))));
        }
        assertThat(documented).containsOnlyKeys("access-token-lifetime", "idle-timeout", "absolute-lifetime",
                "refresh-grace-window", "clock-skew");

        StandardEnvironment defaults = DefaultConfiguration.environment();
        documented.forEach((setting, duration) -> assertThat(DurationStyle.detectAndParse(
                defaults.getProperty("pipelinepulse.session." + setting), ChronoUnit.MINUTES))
                .as(setting).isEqualTo(duration));
        assertThat(doc).contains("### Why these values (ASVS 7.1.1)").contains("**Access token, 10 minutes.**")
                .contains("**Idle timeout, 24 hours.**").contains("**Absolute lifetime, 14 days.**")
                .contains("**Deviations.**");
    }
}
