package com.pipelinepulse.zoho;

import com.pipelinepulse.crypto.TokenCipher;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The token manager's view of {@code zoho_connection} (decrypted tokens, never leaving the module), the
 * per-connection refresh lease shared by every instance (V14), and the per-connection count of token requests sent
 * to Zoho ({@code zoho_token_request}, V8). Every method is one short statement (or, for the count, three) on a
 * pooled connection that goes back to the pool at once: nothing here holds a connection while Zoho is called.
 */
@Repository
class ZohoTokenStore {

    private static final Logger log = LoggerFactory.getLogger(ZohoTokenStore.class);

    private static final String TOKEN_COLUMNS = """
            id, user_id, location, accounts_server, status, access_token, access_token_expires_at, refresh_token""";

    /** What the token manager needs of a connection. Tokens are plain text: never log this record's parts. */
    record TokenRow(UUID id, UUID userId, ZohoDataCenter dataCenter, ZohoConnectionStatus status, String accessToken,
            Instant accessTokenExpiresAt, String refreshToken) {

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

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    ZohoTokenStore(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    Optional<TokenRow> read(UUID connectionId) {
        return jdbc.sql("select " + TOKEN_COLUMNS + " from zoho_connection where id = ?")
                .param(connectionId)
                .query(this::tokenRow)
                .optional();
    }

    /**
     * Claims the connection's refresh lease for {@code owner} (one refresh) until {@code ttl} from now, unless
     * another owner holds a live one. One statement: the claim and the re-read of the row are atomic, across
     * instances. Empty when the lease is held by someone else or the connection does not exist.
     */
    Optional<TokenRow> claimRefreshLease(UUID connectionId, UUID owner, Duration ttl) {
        return jdbc.sql("""
                update zoho_connection set refresh_lease_owner = :owner,
                    refresh_lease_until = clock_timestamp() + make_interval(secs => :ttl)
                where id = :id and (refresh_lease_until is null or refresh_lease_until <= clock_timestamp())
                returning\s""" + TOKEN_COLUMNS)
                .param("id", connectionId).param("owner", owner).param("ttl", ttl.toMillis() / 1000.0)
                .query(this::tokenRow)
                .optional();
    }

    /** Gives the lease back, if {@code owner} still holds it (a lapsed lease may belong to another refresh now). */
    void releaseRefreshLease(UUID connectionId, UUID owner) {
        jdbc.sql("""
                update zoho_connection set refresh_lease_owner = null, refresh_lease_until = null
                where id = :id and refresh_lease_owner = :owner""")
                .param("id", connectionId).param("owner", owner).update();
    }

    private TokenRow tokenRow(ResultSet rs, int rowNum) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        OffsetDateTime expires = rs.getObject("access_token_expires_at", OffsetDateTime.class);
        return new TokenRow(id, rs.getObject("user_id", UUID.class),
                new ZohoDataCenter(rs.getString("location"), URI.create(rs.getString("accounts_server"))),
                ZohoConnectionStatus.valueOf(rs.getString("status")),
                decryptOrNull(cipher, rs.getString("access_token"), id, "access"),
                expires == null ? null : expires.toInstant(),
                decryptOrNull(cipher, rs.getString("refresh_token"), id, "refresh"));
    }

    /** Stores a refreshed access token; returns when it expires, empty when the connection is no longer usable. */
    Optional<Instant> saveRefreshed(UUID connectionId, ZohoTokens tokens) {
        return jdbc.sql("""
                update zoho_connection set access_token = :accessToken,
                    access_token_expires_at = now() + make_interval(secs => :expiresIn),
                    last_refresh_outcome = 'success', last_refresh_at = now(), updated_at = now()
                where id = :id and status = 'CONNECTED'
                returning access_token_expires_at""")
                .param("id", connectionId)
                .param("accessToken", cipher.encrypt(tokens.accessToken(), connectionId.toString()))
                .param("expiresIn", (double) tokens.expiresIn().toSeconds())
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
     * {@code window}. Only called by the holder of the refresh lease ({@link #claimRefreshLease}), so count and
     * insert cannot interleave across instances.
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
     * The plaintext of a stored Zoho token of connection {@code id} ({@code which}: "access" or "refresh"), or
     * null when none is stored or it does not decrypt.
     */
    static String decryptOrNull(TokenCipher cipher, String ciphertext, UUID id, String which) {
        if (ciphertext == null) {
            return null;
        }
        try {
            return cipher.decrypt(ciphertext, id.toString());
        } catch (IllegalStateException e) {
            // Its key left the ring, or the value was tampered with: it cannot be used or revoked any more.
            log.warn("Stored Zoho {} token of connection {} does not decrypt: treating it as absent", which, id);
            return null;
        }
    }
}
