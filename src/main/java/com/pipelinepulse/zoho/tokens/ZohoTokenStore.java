package com.pipelinepulse.zoho.tokens;

import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.zoho.ZohoConnectionStatus;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import com.pipelinepulse.zoho.accounts.ZohoTokens;
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
            id, user_id, location, accounts_server, api_domain, status, access_token, access_token_expires_at,
            refresh_token""";

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

    private final JdbcClient jdbc;
    private final TokenCipher cipher;
    private final ZohoDataCenters dataCenters;

    ZohoTokenStore(JdbcClient jdbc, TokenCipher cipher, ZohoDataCenters dataCenters) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.dataCenters = dataCenters;
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
     * instances; the row is read exactly like {@link #read} (API domain checked, tokens opened with it). Empty when
     * the lease is held by someone else or the connection does not exist.
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
}
