package com.pipelinepulse.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.testsupport.LogCanaries;
import com.pipelinepulse.testsupport.LoggingProfiles;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * ASVS 16.2.2: log lines carry their time in UTC with an explicit offset ({@code Z}), whatever time zone the host
 * runs in, so lines of instances in different places sort and compare as they are. The host here runs at +05:30.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogTimestampsTests {

    private static final Logger log = LoggerFactory.getLogger("com.pipelinepulse.timecheck");
    private static final String UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z";

    private final TimeZone hostZone = TimeZone.getDefault();

    @AfterEach
    void restore() {
        TimeZone.setDefault(hostZone);
        LoggingProfiles.reset();
    }

    @Test
    void productionJsonLinesAreStampedInUtc(CapturedOutput output) {
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
        LoggingProfiles.configure();
        int start = output.getOut().length();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        log.info("time check");

        Instant after = Instant.now();
        JsonNode line = LogCanaries.assertEveryLineIsJson(output.getOut().substring(start)).stream()
                .filter(r -> r.path("message").asText().equals("time check")).findFirst().orElseThrow();
        String timestamp = line.path("@timestamp").asText();
        assertThat(timestamp).matches(UTC);
        assertThat(Instant.parse(timestamp)).isBetween(before, after);
    }

    @Test
    void localConsoleLinesAreStampedInUtcToo(CapturedOutput output) {
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
        LoggingProfiles.configure("local");
        int start = output.getOut().length();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        log.info("time check");

        Instant after = Instant.now();
        String line = output.getOut().substring(start).lines().filter(l -> l.endsWith(": time check")).findFirst()
                .orElseThrow();
        String timestamp = line.substring(0, line.indexOf(' '));
        assertThat(timestamp).matches(UTC);
        assertThat(Instant.parse(timestamp)).isBetween(before, after);
    }
}
