package com.pipelinepulse.database;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * RDS IAM authentication tokens (SigV4-presigned {@code connect} requests, valid 15 minutes) for one host,
 * port, user and region. A token is reused for new connections until it is near its expiry, then a new one
 * is generated; RDS checks the token only when a connection is opened, so open connections are unaffected.
 */
final class RdsIamTokens {

    static final Duration LIFETIME = Duration.ofMinutes(15);
    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(3);

    private final RdsUtilities rds;
    private final String host;
    private final int port;
    private final String user;
    private final Region region;
    private final Clock clock;
    private String token;
    private Instant issuedAt;

    RdsIamTokens(RdsUtilities rds, String host, int port, String user, Region region, Clock clock) {
        this.rds = rds;
        this.host = host;
        this.port = port;
        this.user = user;
        this.region = region;
        this.clock = clock;
    }

    /** A token valid for at least {@link #RENEW_BEFORE_EXPIRY} more. */
    synchronized String token() {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(issuedAt.plus(LIFETIME).minus(RENEW_BEFORE_EXPIRY))) {
            token = rds.generateAuthenticationToken(r -> r.hostname(host).port(port).username(user).region(region));
            issuedAt = now;
        }
        return token;
    }
}
