package com.pipelinepulse.zoho.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pipelinepulse.crypto.TokenCipher;
import com.pipelinepulse.testsupport.ZohoConnectionRows;
import com.pipelinepulse.testsupport.ZohoIntegrationTest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Zoho tokens at rest: the raw columns reveal nothing, and values written before an encryption key rotation
 * still decrypt after it (the old key stays in the ring as a decrypt-only key), while new writes use the new
 * key. The key ring is read from the environment at each use, so the test rotates it the way an operator
 * would, without a restart.
 */
@ZohoIntegrationTest
class ZohoTokenEncryptionIntegrationTests {

    private static final String ROTATION_SOURCE = "encryption-key-rotation";
    private static final String ZUID = ZohoSignInFlowIntegrationTests.ZUIDS.get("in-viewer");

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TokenCipher cipher;

    @Autowired
    ConfigurableEnvironment environment;

    @AfterEach
    void restoreKeysAndForgetThePerson() {
        environment.getPropertySources().remove(ROTATION_SOURCE);
        // Rows written under this test's keys would not decrypt for other tests sharing the context.
        jdbc.sql("delete from app_user where zoho_user_id = ?").param(ZUID).update();
    }

    @Test
    void storedTokensAreUnreadableAndSurviveAnEncryptionKeyRotation() throws Exception {
        String oldKey = randomKey();
        String newKey = randomKey();
        useEncryptionKeys("old:" + oldKey);

        signIn();
        Map<String, Object> before = connectionRow();
        String context = ZohoConnectionRows.context((UUID) before.get("id"), (String) before.get("api_domain"));
        String accessBefore = (String) before.get("access_token");
        String refreshBefore = (String) before.get("refresh_token");
        for (String raw : new String[] {accessBefore, refreshBefore}) {
            assertThat(raw).startsWith("v1.old.").doesNotContain("1000.");
        }
        String refreshToken = cipher.decrypt(refreshBefore, context);
        assertThat(refreshToken).startsWith("1000.");
        // Bound to the row and to the API domain the tokens are sent to: neither alone opens them.
        assertThatThrownBy(() -> cipher.decrypt(refreshBefore, before.get("id").toString()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt(refreshBefore, ZohoConnectionRows.context((UUID) before.get("id"),
                "https://www.zohoapis.com"))).isInstanceOf(IllegalStateException.class);

        // Rotation step 1: the new key becomes active, the old one stays for decryption.
        useEncryptionKeys("new:" + newKey + ",old:" + oldKey);
        assertThat(cipher.decrypt(refreshBefore, context)).isEqualTo(refreshToken);
        assertThat(cipher.decrypt(accessBefore, context)).startsWith("1000.");

        // A new sign-in re-encrypts with the active key; the old ciphertext is gone from the row.
        signIn();
        Map<String, Object> after = connectionRow();
        assertThat((String) after.get("refresh_token")).startsWith("v1.new.");
        assertThat((String) after.get("access_token")).startsWith("v1.new.");
        assertThat(cipher.decrypt((String) after.get("refresh_token"), context)).startsWith("1000.");
    }

    private void signIn() throws Exception {
        SignInBrowser browser = new SignInBrowser(mvc);
        browser.start("/");
        assertThat(browser.callback(browser.link("user-in-viewer")).getResponse().getHeader("Location"))
                .doesNotContain("signin-error");
    }

    private Map<String, Object> connectionRow() {
        return jdbc.sql("""
                select c.id, c.api_domain, c.access_token, c.refresh_token from zoho_connection c
                join app_user u on u.id = c.user_id where u.zoho_user_id = ?""").param(ZUID).query().singleRow();
    }

    private void useEncryptionKeys(String ring) {
        environment.getPropertySources().remove(ROTATION_SOURCE);
        environment.getPropertySources().addFirst(new MapPropertySource(ROTATION_SOURCE,
                Map.of("PP_ENCRYPTION_KEYS", ring)));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
