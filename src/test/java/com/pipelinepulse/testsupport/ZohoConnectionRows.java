package com.pipelinepulse.testsupport;

import com.pipelinepulse.crypto.TokenCipher;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes {@code zoho_connection} rows the way sign-in stores them (tokens encrypted with the row id and API domain
 * as context, {@link #context}),
 * pointing at the {@link ZohoStandIn}, with tokens the stand-in accepts for its {@code us-admin} person. Every
 * token is generated here at run time, so each test can match its own requests at the stand-in.
 */
public final class ZohoConnectionRows {

    /** The stand-in's marker of us-admin (see src/test/resources/zoho-stand-in/README.md). */
    public static final String US_ADMIN_MARKER = "0000000000000000000000000000a001";
    public static final String US_ADMIN_ZUID = "9000000001";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    public ZohoConnectionRows(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** A token of the stand-in's shape for us-admin: {@code 1000.<32 random hex>.<marker>}. */
    public static String usAdminToken() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return "1000." + HexFormat.of().formatHex(random) + "." + US_ADMIN_MARKER;
    }

    /** A token the stand-in's CRM and user info refuse (right shape, unknown marker). */
    public static String refusedToken() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return "1000." + HexFormat.of().formatHex(random) + ".ffffffffffffffffffffffffffffffff";
    }

    /** A CONNECTED us connection for the user; returns its id. */
    public UUID insert(UUID userId, String accessToken, Instant accessTokenExpiresAt, String refreshToken) {
        UUID id = UUID.randomUUID();
        String apiDomain = ZohoStandIn.baseUrl() + "/api/us";
        jdbc.sql("""
                insert into zoho_connection (id, user_id, zoho_user_id, location, accounts_server, api_domain, scopes,
                    access_token, access_token_expires_at, refresh_token, status)
                values (:id, :userId, :zuid, 'us', :accountsServer, :apiDomain,
                    'ZohoCRM.modules.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ,AaaServer.profile.READ',
                    :accessToken, :expiresAt, :refreshToken, 'CONNECTED')""")
                .param("id", id)
                .param("userId", userId)
                .param("zuid", US_ADMIN_ZUID)
                .param("accountsServer", ZohoStandIn.accountsServer("us"))
                .param("apiDomain", apiDomain)
                .param("accessToken", cipher.encrypt(accessToken, context(id, apiDomain)))
                .param("expiresAt", OffsetDateTime.ofInstant(accessTokenExpiresAt, ZoneOffset.UTC))
                .param("refreshToken", cipher.encrypt(refreshToken, context(id, apiDomain)))
                .update();
        return id;
    }

    /** The associated data of a connection's stored tokens, as docs/zoho-integration.md states it: {@code <id>@<api domain>}. */
    public static String context(UUID id, String apiDomain) {
        return id + "@" + apiDomain;
    }

    /** A connection whose access token expired a minute ago: the next use must refresh it. */
    public UUID insertExpired(UUID userId, String refreshToken) {
        return insert(userId, usAdminToken(), Instant.now().minusSeconds(60), refreshToken);
    }
}
