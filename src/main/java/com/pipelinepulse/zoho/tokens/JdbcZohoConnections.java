package com.pipelinepulse.zoho.tokens;

import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.zoho.ZohoConnection;
import com.pipelinepulse.zoho.ZohoConnectionStatus;
import com.pipelinepulse.zoho.ZohoConnections;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.accounts.ZohoTokens;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code zoho_connection} table. Tokens are encrypted with {@link TokenCipher} and the row's id and API domain
 * as context ({@link ZohoTokenStore#context}), so a ciphertext copied to another row, or a row whose API domain was
 * changed, does not decrypt.
 */
@Repository
public class JdbcZohoConnections implements ZohoConnections {

    private static final String COLUMNS = """
            id, user_id, zoho_user_id, location, accounts_server, api_domain, scopes, access_token_expires_at,
            status, last_refresh_outcome, last_refresh_at, created_at, updated_at""";

    /** What a sign-in did to the stored connection. {@code replacedRefreshToken} is to be revoked at Zoho. */
    /**
     * @param replacedAt the data centre the replaced refresh token belongs to (where it must be revoked), or null
     */
    public record StoredSignIn(UUID connectionId, boolean created, boolean keptStoredRefreshToken,
            String replacedRefreshToken, ZohoDataCenter replacedAt) {

        @Override
        public String toString() {
            return "StoredSignIn[connectionId=" + connectionId + ", created=" + created + ", keptStoredRefreshToken="
                    + keptStoredRefreshToken + ", replaced=" + (replacedRefreshToken != null) + "]";
        }
    }

    /** Zoho gave no refresh token and none usable is stored for this user and data centre. */
    public static final class NoRefreshTokenException extends RuntimeException {
        NoRefreshTokenException(String message) {
            super(message);
        }
    }

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    JdbcZohoConnections(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<ZohoConnection> findByUser(UUID userId) {
        return jdbc.sql("select " + COLUMNS + " from zoho_connection where user_id = ?").param(userId)
                .query(JdbcZohoConnections::connection).optional();
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<ZohoConnection> find(UUID connectionId) {
        return jdbc.sql("select " + COLUMNS + " from zoho_connection where id = ?").param(connectionId)
                .query(JdbcZohoConnections::connection).optional();
    }

    /**
     * Stores the tokens of a successful sign-in, creating the user's connection or replacing its tokens. When Zoho
     * sent no refresh token (a repeat grant without consent), the stored one is kept if it belongs to the same
     * data centre. Must run inside the sign-in's transaction.
     *
     * @throws NoRefreshTokenException when there is no refresh token to keep; nothing is written then
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public StoredSignIn storeSignIn(UUID userId, String zohoUserId, ZohoDataCenter dataCenter, ZohoTokens tokens,
            String scopes) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<Existing> existing = jdbc.sql("""
                    select id, location, accounts_server, api_domain, refresh_token from zoho_connection
                    where user_id = ? for update""")
                    .param(userId)
                    .query((rs, n) -> new Existing(rs.getObject("id", UUID.class), rs.getString("location"),
                            URI.create(rs.getString("accounts_server")), URI.create(rs.getString("api_domain")),
                            rs.getString("refresh_token")))
                    .optional();
            if (existing.isPresent()) {
                return update(existing.get(), zohoUserId, dataCenter, tokens, scopes);
            }
            if (!tokens.hasRefreshToken()) {
                throw new NoRefreshTokenException("Zoho sent no refresh token and none is stored");
            }
            UUID id = UUID.randomUUID();
            String context = ZohoTokenStore.context(id, tokens.apiDomain());
            int inserted = jdbc.sql("""
                    insert into zoho_connection (id, user_id, zoho_user_id, location, accounts_server, api_domain,
                        scopes, access_token, access_token_expires_at, refresh_token, status)
                    values (:id, :userId, :zohoUserId, :location, :accountsServer, :apiDomain, :scopes,
                        :accessToken, now() + make_interval(secs => :expiresIn), :refreshToken, 'CONNECTED')
                    on conflict (user_id) do nothing""")
                    .param("id", id)
                    .param("userId", userId)
                    .param("zohoUserId", zohoUserId)
                    .param("location", dataCenter.location())
                    .param("accountsServer", dataCenter.accountsServer().toString())
                    .param("apiDomain", tokens.apiDomain().toString())
                    .param("scopes", scopes)
                    .param("accessToken", cipher.encrypt(tokens.accessToken(), context))
                    .param("expiresIn", (double) tokens.expiresIn().toSeconds())
                    .param("refreshToken", cipher.encrypt(tokens.refreshToken(), context))
                    .update();
            if (inserted == 1) {
                return new StoredSignIn(id, true, false, null, null);
            }
            // A concurrent sign-in of the same user created the row first: replace its tokens instead.
        }
        throw new IllegalStateException("could not store the Zoho connection");
    }

    private StoredSignIn update(Existing existing, String zohoUserId, ZohoDataCenter dataCenter, ZohoTokens tokens,
            String scopes) {
        // Sealed with the API domain they are sent to: the new one, which may differ from the stored one.
        String context = ZohoTokenStore.context(existing.id(), tokens.apiDomain());
        String storedRefresh = ZohoTokenStore.open(cipher, existing.refreshToken(), existing.id(),
                existing.apiDomain(), "refresh").plaintext();
        boolean sameDataCenter = dataCenter.location().equals(existing.location());
        String refreshCiphertext;
        String replaced = null;
        boolean kept = false;
        if (tokens.hasRefreshToken()) {
            refreshCiphertext = cipher.encrypt(tokens.refreshToken(), context);
            if (storedRefresh != null && !storedRefresh.equals(tokens.refreshToken())) {
                replaced = storedRefresh;
            }
        } else if (storedRefresh != null && sameDataCenter) {
            refreshCiphertext = cipher.encrypt(storedRefresh, context);
            kept = true;
        } else {
            throw new NoRefreshTokenException("Zoho sent no refresh token and no usable one is stored");
        }
        jdbc.sql("""
                update zoho_connection set zoho_user_id = :zohoUserId, location = :location,
                    accounts_server = :accountsServer, api_domain = :apiDomain, scopes = :scopes,
                    access_token = :accessToken, access_token_expires_at = now() + make_interval(secs => :expiresIn),
                    refresh_token = :refreshToken, status = 'CONNECTED', updated_at = now()
                where id = :id""")
                .param("id", existing.id())
                .param("zohoUserId", zohoUserId)
                .param("location", dataCenter.location())
                .param("accountsServer", dataCenter.accountsServer().toString())
                .param("apiDomain", tokens.apiDomain().toString())
                .param("scopes", scopes)
                .param("accessToken", cipher.encrypt(tokens.accessToken(), context))
                .param("expiresIn", (double) tokens.expiresIn().toSeconds())
                .param("refreshToken", refreshCiphertext)
                .update();
        // A token replaced by a sign-in at another data centre is revoked where it was issued.
        ZohoDataCenter replacedAt = replaced == null ? null
                : new ZohoDataCenter(existing.location(), existing.accountsServer());
        return new StoredSignIn(existing.id(), false, kept, replaced, replacedAt);
    }

    private record Existing(UUID id, String location, URI accountsServer, URI apiDomain, String refreshToken) {
        @Override
        public String toString() {
            return "Existing[id=" + id + ", location=" + location + "]";
        }
    }

    private static ZohoConnection connection(ResultSet rs, int row) throws SQLException {
        return new ZohoConnection(
                rs.getObject("id", UUID.class),
                rs.getObject("user_id", UUID.class),
                rs.getString("zoho_user_id"),
                new ZohoDataCenter(rs.getString("location"), URI.create(rs.getString("accounts_server"))),
                URI.create(rs.getString("api_domain")),
                Arrays.stream(rs.getString("scopes").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                instant(rs, "access_token_expires_at"),
                ZohoConnectionStatus.valueOf(rs.getString("status")),
                rs.getString("last_refresh_outcome"),
                instant(rs, "last_refresh_at"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
