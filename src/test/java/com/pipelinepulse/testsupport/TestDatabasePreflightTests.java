package com.pipelinepulse.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class TestDatabasePreflightTests {

    @Test
    void withoutADatabaseUrlAndWithoutDockerItSaysWhatToSetInOneLine() {
        assertThat(TestDatabasePreflight.problem(null, null, null, () -> false)).hasValueSatisfying(line -> {
            assertThat(line).contains("set PP_TEST_DATABASE_URL=jdbc:postgresql://", "PP_TEST_DATABASE_USERNAME",
                    "start Docker", "-DskipITs");
            assertThat(line).doesNotContain("\n");
        });
        assertThat(TestDatabasePreflight.problem(" ", null, null, () -> false)).isPresent();
    }

    @Test
    void withoutADatabaseUrlDockerIsEnough() {
        assertThat(TestDatabasePreflight.problem(null, null, null, () -> true)).isEmpty();
    }

    @Test
    void aDatabaseUrlThatDoesNotAnswerIsNamedWithoutRepeatingTheUrl() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/nowhere?password=placeholder-not-a-secret";

        assertThat(TestDatabasePreflight.problem(url, "postgres", "", () -> true)).hasValueSatisfying(line -> {
            assertThat(line).contains("cannot connect to PP_TEST_DATABASE_URL", "PP_TEST_DATABASE_PASSWORD");
            assertThat(line).doesNotContain("placeholder-not-a-secret");
        });
    }
}
