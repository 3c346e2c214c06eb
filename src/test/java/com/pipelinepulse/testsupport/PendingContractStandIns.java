package com.pipelinepulse.testsupport;

import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.identity.Role;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.identity.ZohoProfile;
import com.pipelinepulse.session.SessionOpener;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * TEST-ONLY, TEMPORARY: DELETE AT MERGE (with {@code src/test/resources/META-INF/spring.factories}).
 *
 * <p>On branch {@code zohologin} the contracts {@link UserDirectory}, {@link SessionOpener} and
 * {@link TokenCipher} have no implementation yet (another branch builds them), yet every application context
 * of the test suite needs them because the Zoho callback depends on them. This initializer (registered through
 * {@code spring.factories}, so that it also reaches contexts started with {@code SpringApplicationBuilder})
 * adds a bean factory post-processor that runs after all configuration classes were parsed and registers a
 * stand-in <em>only for a contract that has no bean</em>: once the real implementations are merged, nothing
 * here is active even if this file were forgotten.
 *
 * <ul>
 *   <li>{@link JdbcUserDirectoryStandIn}: upserts {@code app_user} by Zoho user id; every new user is a
 *   {@code viewer} in region {@code default} (no admin list, no region mapping).</li>
 *   <li>{@link CookieOnlySessionOpenerStandIn}: stores nothing; sets a random {@code pp_refresh} cookie and
 *   counts the sessions it "opened" ({@link #sessionsOpened()}).</li>
 *   <li>{@link ReversibleTestTokenCipherStandIn}: NOT ENCRYPTION. A keyless reversible scrambling bound to the
 *   context, so that tests can see tokens are not stored in clear and that the context is honoured.</li>
 * </ul>
 */
public final class PendingContractStandIns implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String REFRESH_COOKIE = "pp_refresh";

    private static final AtomicInteger SESSIONS_OPENED = new AtomicInteger();

    /** How many sessions the stand-in opener "opened" in this JVM. */
    public static int sessionsOpened() {
        return SESSIONS_OPENED.get();
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.addBeanFactoryPostProcessor(new RegisterWhenMissing());
    }

    /** A plain (not registry) post-processor: it runs after configuration classes have registered their beans. */
    static final class RegisterWhenMissing implements BeanFactoryPostProcessor {
        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            registerWhenMissing(beanFactory, UserDirectory.class, JdbcUserDirectoryStandIn.class);
            registerWhenMissing(beanFactory, SessionOpener.class, CookieOnlySessionOpenerStandIn.class);
            registerWhenMissing(beanFactory, TokenCipher.class, ReversibleTestTokenCipherStandIn.class);
        }

        private static void registerWhenMissing(ConfigurableListableBeanFactory beanFactory, Class<?> contract,
                Class<?> standIn) {
            if (beanFactory.getBeanNamesForType(contract, true, false).length == 0
                    && beanFactory instanceof BeanDefinitionRegistry registry) {
                registry.registerBeanDefinition("pendingContractStandIn" + contract.getSimpleName(),
                        new RootBeanDefinition(standIn));
            }
        }
    }

    /** TEST-ONLY stand-in for {@link UserDirectory}. */
    public static final class JdbcUserDirectoryStandIn implements UserDirectory {

        private final JdbcClient jdbc;

        public JdbcUserDirectoryStandIn(JdbcClient jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public UserAccount recordSignIn(ZohoProfile profile) {
            return jdbc.sql("""
                    insert into app_user (zoho_user_id, email, display_name, region, role, last_sign_in_at)
                    values (:zuid, :email, :name, 'default', 'viewer', now())
                    on conflict (zoho_user_id) do update set email = excluded.email,
                        display_name = excluded.display_name, updated_at = now(), last_sign_in_at = now()
                    returning id, zoho_user_id, email, display_name, region, role, status""")
                    .param("zuid", profile.zohoUserId())
                    .param("email", profile.email())
                    .param("name", profile.displayName())
                    .query(JdbcUserDirectoryStandIn::account).single();
        }

        @Override
        public Optional<UserAccount> find(UUID userId) {
            return jdbc.sql("select id, zoho_user_id, email, display_name, region, role, status from app_user "
                    + "where id = ?").param(userId).query(JdbcUserDirectoryStandIn::account).optional();
        }

        private static UserAccount account(ResultSet rs, int row) throws SQLException {
            return new UserAccount(rs.getObject("id", UUID.class), rs.getString("zoho_user_id"), rs.getString("email"),
                    rs.getString("display_name"), rs.getString("region"), Role.fromId(rs.getString("role")),
                    "ACTIVE".equals(rs.getString("status")));
        }
    }

    /** TEST-ONLY stand-in for {@link SessionOpener}: no session row, just the cookie. */
    public static final class CookieOnlySessionOpenerStandIn implements SessionOpener {

        private final SecureRandom random = new SecureRandom();

        @Override
        public UUID open(UUID userId, String userAgent, String clientIp, HttpServletResponse response) {
            byte[] value = new byte[32];
            random.nextBytes(value);
            response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(REFRESH_COOKIE,
                            Base64.getUrlEncoder().withoutPadding().encodeToString(value))
                    .httpOnly(true).secure(true).sameSite("Strict").path("/api/auth").build().toString());
            SESSIONS_OPENED.incrementAndGet();
            return UUID.randomUUID();
        }
    }

    /** TEST-ONLY stand-in for {@link TokenCipher}. NOT ENCRYPTION: keyless, anyone can reverse it. */
    public static final class ReversibleTestTokenCipherStandIn implements TokenCipher {

        private static final String PREFIX = "test-only-not-encrypted:";
        private static final int TAG_BYTES = 8;

        @Override
        public String encrypt(String plaintext, String context) {
            byte[] data = plaintext.getBytes(StandardCharsets.UTF_8);
            byte[] pad = pad(context, data.length);
            byte[] out = new byte[TAG_BYTES + data.length];
            System.arraycopy(sha256(context), 0, out, 0, TAG_BYTES);
            for (int i = 0; i < data.length; i++) {
                out[TAG_BYTES + i] = (byte) (data[i] ^ pad[i]);
            }
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        }

        @Override
        public String decrypt(String ciphertext, String context) {
            if (ciphertext == null || !ciphertext.startsWith(PREFIX)) {
                throw new IllegalStateException("not a value of the test cipher");
            }
            byte[] in = Base64.getUrlDecoder().decode(ciphertext.substring(PREFIX.length()));
            if (in.length < TAG_BYTES
                    || !Arrays.equals(Arrays.copyOf(in, TAG_BYTES), Arrays.copyOf(sha256(context), TAG_BYTES))) {
                throw new IllegalStateException("value belongs to another context");
            }
            byte[] pad = pad(context, in.length - TAG_BYTES);
            byte[] data = new byte[in.length - TAG_BYTES];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (in[TAG_BYTES + i] ^ pad[i]);
            }
            return new String(data, StandardCharsets.UTF_8);
        }

        private static byte[] pad(String context, int length) {
            byte[] pad = new byte[length];
            for (int block = 0; block * 32 < length; block++) {
                byte[] chunk = sha256(block + ":" + context);
                System.arraycopy(chunk, 0, pad, block * 32, Math.min(32, length - block * 32));
            }
            return pad;
        }

        private static byte[] sha256(String value) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
