package com.pipelinepulse.zoho.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Token refreshes never get more than half the database pool, whatever the setting says. */
class ZohoTokenRefreshThreadsTests {

    @ParameterizedTest(name = "{0} configured, pool of {1}: {2} threads")
    @CsvSource({
            "4, 10, 4",   // the defaults: the setting fits
            "8, 10, 5",   // more than half the pool asked for: half
            "4, 4, 2",
            "4, 3, 1",
            "4, 1, 1",    // a pool of one: refreshes still get a thread
            "6, 0, 6"})   // pool size unknown (not HikariCP): the setting
    void refreshThreadsAreAtMostHalfThePool(int configured, int poolSize, int expected) {
        assertThat(ZohoTokenManager.refreshThreads(configured, poolSize)).isEqualTo(expected);
    }
}
