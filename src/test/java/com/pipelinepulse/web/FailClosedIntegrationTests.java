package com.pipelinepulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * ASVS 16.5.3: a security control that cannot do its work fails closed. With the rate-limit buckets unreadable to the
 * service's database role, the start of a sign-in (a per-address limit counted exactly in the database on every
 * request) is answered with a 5xx problem over real HTTP, and nothing behind the limit runs: no sign-in state is
 * stored, no binding cookie set, no redirect to Zoho. (The refresh bucket takes from a per-instance copy and writes
 * every capacity/20 takes, docs/security.md: there the store's failure shows at that write, not on every request.)
 */
@IntegrationTest
class FailClosedIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void aRateLimitStoreThatCannotBeReadEndsTheRequestWithAProblemAndLetsNothingThrough() throws Exception {
        JdbcClient owner = TestDatabase.ownerJdbc();
        String role = TestDatabase.coordinates().username();
        List<String> granted = owner.sql("""
                select privilege_type from information_schema.role_table_grants
                where table_name = 'rate_limit_bucket' and grantee = :role""").param("role", role)
                .query(String.class).list();
        assertThat(granted).as("the service role's privileges on the buckets").isNotEmpty();
        long statesBefore = signInStates(owner);

        HttpResponse<String> answer;
        owner.sql("revoke all on rate_limit_bucket from " + role).update();
        try {
            answer = signInStart();
        } finally {
            owner.sql("grant " + String.join(", ", granted) + " on rate_limit_bucket to " + role).update();
        }

        assertThat(answer.statusCode()).isBetween(500, 503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.body()).doesNotContain("rate_limit_bucket").doesNotContain("permission denied");
        assertThat(answer.headers().firstValue("Location")).isEmpty();
        assertThat(answer.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(signInStates(owner)).as("sign-in states stored").isEqualTo(statesBefore);
        // With the store back the same request goes through to Zoho.
        assertThat(signInStart().statusCode()).isEqualTo(302);
    }

    private HttpResponse<String> signInStart() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/zoho/auth?return_to=/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long signInStates(JdbcClient owner) {
        return owner.sql("select count(*) from zoho_sign_in_state").query(Long.class).single();
    }
}
