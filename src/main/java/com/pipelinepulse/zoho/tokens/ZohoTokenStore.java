package com.pipelinepulse.zoho.tokens;

import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.zoho.ZohoConnectionStatus;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import com.pipelinepulse.zoho.accounts.ZohoTokens;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The token manager's view of {@code zoho_connection} (decrypted tokens, never leaving the module), the
 * per-connection refresh lock shared by every instance, and the per-connection count of token requests sent to
 * Zoho ({@code zoho_token_request}, V8).
 */
@Repository
class ZohoTokenStore {

    private static final Logger log = LoggerFactory.getLogger(ZohoTokenStore.class);

    /** First key of the two-key advisory lock: "ZOHO" in ASCII, so that no other feature's lock collides. */
    private static final int LOCK_NAMESPACE = 0x5A4F484F;

    /**
     * What the token manager needs of a connection. Tokens are plain text: never log this record's parts. Both are
     * null when the stored {@code api_domain} is not one of the table's (nothing is sent there).
     *
     * @param legacyRefreshToken the stored refresh-token ciphertext when it was sealed with the row id alone (before
     *                           the API domain was bound into it), to be sealed again at the next write; else null
     */
    record TokenRow(UUID id, UUID userId, ZohoDataCenter dataCenter, URI apiDomain, ZohoConnectionStatus status,
            String accessToken, Instant accessTokenExpiresAt, String refreshToken, String legacyRefreshToken) {

        @Override
        public String toString() {
            return "TokenRow[id=" + id + ", status=" + status + ", expiresAt=" + accessTokenExpiresAt + "]";
        }
    }

    /** The local limit of token requests is reached; the next one is allowed after {@link #retryAfter()}. */
    static final class LocalLimitExceededException extends RuntimeException {
        private final transient Duration retryAfter;

        LocalLimitExceededException(Duration retryAfter) {
            super("local limit of Zoho token requests reached");
            this.retryAfter = retryAfter;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }

    /** The refresh lock of one connection, held by a database session (not a transaction). */
    interface RefreshLock extends AutoCloseable {
        @Override
        void close();
    }

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TokenCipher cipher;
    private final ZohoDataCenters dataCenters;

    ZohoTokenStore(JdbcClient jdbc, DataSource dataSource, TokenCipher cipher, ZohoDataCenters dataCenters) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.dataCenters = dataCenters;
    }

    Optional<TokenRow> read(UUID connectionId) {
        return jdbc.sql("""
                select id, user_id, location, accounts_server, api_domain, status, access_token,
                    access_token_expires_at, refresh_token
                from zoho_connection where id = ?""")
                .param(connectionId)
                .query((rs, n) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    OffsetDateTime expires = rs.getObject("access_token_expires_at", OffsetDateTime.class);
                    ZohoDataCenter dataCenter = new ZohoDataCenter(rs.getString("location"),
                            URI.create(rs.getString("accounts_server")));
                    ZohoConnectionStatus status = ZohoConnectionStatus.valueOf(rs.getString("status"));
                    // Checked at every use, not only at sign-in: a token is never sent to a host outside the table.
                    URI apiDomain = dataCenters.allowedApiDomain(rs.getString("api_domain")).orElse(null);
                    if (apiDomain == null) {
                        log.warn("Zoho connection {} names an API domain outside the data-centre table: its tokens "
                                + "are not used", id);
                        return new TokenRow(id, rs.getObject("user_id", UUID.class), dataCenter, null, status, null,
                                null, null, null);
                    }
                    String refreshCiphertext = rs.getString("refresh_token");
                    Sealed refresh = open(cipher, refreshCiphertext, id, apiDomain, "refresh");
                    return new TokenRow(id, rs.getObject("user_id", UUID.class), dataCenter, apiDomain, status,
                            open(cipher, rs.getString("access_token"), id, apiDomain, "access").plaintext(),
                            expires == null ? null : expires.toInstant(), refresh.plaintext(),
                            refresh.legacy() ? refreshCiphertext : null);
                })
                .optional();
    }

    /**
     * Stores a refreshed access token, sealed with the row's id and API domain (and seals a refresh token of the
     * old form again, unless a sign-in replaced it meanwhile); returns when the access token expires, empty when
     * the connection is no longer usable.
     */
    Optional<Instant> saveRefreshed(TokenRow row, ZohoTokens tokens) {
        String context = context(row.id(), row.apiDomain());
        return jdbc.sql("""
                update zoho_connection set access_token = :accessToken,
                    access_token_expires_at = now() + make_interval(secs => :expiresIn),
                    refresh_token = case when refresh_token = :legacyRefresh then :resealedRefresh
                        else refresh_token end,
                    last_refresh_outcome = 'success', last_refresh_at = now(), updated_at = now()
                where id = :id and status = 'CONNECTED'
                returning access_token_expires_at""")
                .param("id", row.id())
                .param("accessToken", cipher.encrypt(tokens.accessToken(), context))
                .param("expiresIn", (double) tokens.expiresIn().toSeconds())
                .param("legacyRefresh", row.legacyRefreshToken(), java.sql.Types.VARCHAR)
                .param("resealedRefresh", row.legacyRefreshToken() == null ? null
                        : cipher.encrypt(row.refreshToken(), context), java.sql.Types.VARCHAR)
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant())
                .optional();
    }

    void recordOutcome(UUID connectionId, String outcome) {
        jdbc.sql("""
                update zoho_connection set last_refresh_outcome = :outcome, last_refresh_at = now(), updated_at = now()
                where id = :id""")
                .param("id", connectionId).param("outcome", outcome).update();
    }

    /** CONNECTED to REAUTH_REQUIRED (nothing deleted); false when it was not CONNECTED any more. */
    boolean markReauthRequired(UUID connectionId, String outcome) {
        return jdbc.sql("""
                update zoho_connection set status = 'REAUTH_REQUIRED', last_refresh_outcome = :outcome,
                    last_refresh_at = now(), updated_at = now()
                where id = :id and status = 'CONNECTED'""")
                .param("id", connectionId).param("outcome", outcome).update() == 1;
    }

    /**
     * Counts one more token request for the connection, or refuses it when {@code limit} were sent in the last
     * {@code window}. Only called under {@link #lock}, so count and insert cannot interleave across instances.
     */
    void countTokenRequest(UUID connectionId, int limit, Duration window) {
        double windowSeconds = window.toMillis() / 1000.0;
        jdbc.sql("""
                delete from zoho_token_request
                where connection_id = :id and requested_at < clock_timestamp() - make_interval(secs => :window)""")
                .param("id", connectionId).param("window", windowSeconds).update();
        Window recent = jdbc.sql("""
                select count(*) as n,
                    extract(epoch from (min(requested_at) + make_interval(secs => :window) - clock_timestamp()))
                        as wait_seconds
                from zoho_token_request where connection_id = :id""")
                .param("id", connectionId).param("window", windowSeconds)
                .query((rs, n) -> new Window(rs.getLong("n"), rs.getDouble("wait_seconds")))
                .single();
        if (recent.count() >= limit) {
            throw new LocalLimitExceededException(Duration.ofMillis(Math.max(1000, (long) (recent.waitSeconds() * 1000))));
        }
        jdbc.sql("insert into zoho_token_request (connection_id) values (?)").param(connectionId).update();
    }

    private record Window(long count, double waitSeconds) {
    }

    /**
     * Takes the connection's refresh lock: a PostgreSQL session-level advisory lock on a connection of its own,
     * in autocommit, so that no transaction stays open while Zoho is called. Waits at most {@code maxWait} (the
     * holder is bounded by the token operation's own 30 s budget). A crashed holder's lock goes with its session.
     */
    RefreshLock lock(UUID connectionId, Duration maxWait) {
        int key = connectionId.hashCode();
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("set lock_timeout = " + Math.max(1, maxWait.toMillis()));
            }
            try (PreparedStatement statement = connection.prepareStatement("select pg_advisory_lock(?, ?)")) {
                statement.setInt(1, LOCK_NAMESPACE);
                statement.setInt(2, key);
                statement.execute();
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("reset lock_timeout");
                }
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new DataAccessResourceFailureException("could not take the Zoho refresh lock", e);
        }
        Connection held = connection;
        return () -> {
            try (PreparedStatement statement = held.prepareStatement("select pg_advisory_unlock(?, ?)")) {
                statement.setInt(1, LOCK_NAMESPACE);
                statement.setInt(2, key);
                statement.execute();
            } catch (SQLException e) {
                log.warn("Could not release the Zoho refresh lock of connection {}: closing its session", connectionId);
            } finally {
                closeQuietly(held);
            }
        };
    }

    /** Connections by status, every status present (0 when none). */
    Map<String, Long> countByStatus() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (ZohoConnectionStatus status : ZohoConnectionStatus.values()) {
            counts.put(status.name(), 0L);
        }
        jdbc.sql("select status, count(*) as n from zoho_connection group by status")
                .query((rs, n) -> Map.entry(rs.getString("status"), rs.getLong("n")))
                .list().forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    /**
     * The associated data of a connection's stored tokens: the row id and the API domain they are sent to. A
     * ciphertext copied to another row, or a row whose {@code api_domain} was changed, does not decrypt.
     */
    static String context(UUID id, URI apiDomain) {
        return id + "@" + apiDomain;
    }

    /** A stored token's plaintext (null when none is stored or it does not decrypt) and whether it had the old form. */
    record Sealed(String plaintext, boolean legacy) {
        @Override
        public String toString() {
            return "Sealed[legacy=" + legacy + "]";
        }
    }

    /**
     * The plaintext of a stored Zoho token of connection {@code id} ({@code which}: "access" or "refresh"), sealed
     * with {@link #context}; rows written before the API domain was bound were sealed with the id alone
     * and are read that way too (their API domain is still checked against the table before use), then sealed again
     * at the next write.
     */
    static Sealed open(TokenCipher cipher, String ciphertext, UUID id, URI apiDomain, String which) {
        if (ciphertext == null) {
            return new Sealed(null, false);
        }
        try {
            return new Sealed(cipher.decrypt(ciphertext, context(id, apiDomain)), false);
        } catch (IllegalStateException bound) {
            try {
                return new Sealed(cipher.decrypt(ciphertext, id.toString()), true);
            } catch (IllegalStateException e) {
                // Its key left the ring, the value or the row's API domain was tampered with: unusable.
                log.warn("Stored Zoho {} token of connection {} does not decrypt: treating it as absent", which, id);
                return new Sealed(null, false);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing a database connection failed", e);
        }
    }
}
