package com.pipelinepulse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AesGcmTokenCipherTests {

    private static final String ZOHO_TOKEN = "zoho-refresh-token-made-up-for-this-test";
    private final AtomicReference<String> ring = new AtomicReference<>("k1:" + newKey());
    private final Secrets secrets = name -> name == SecretName.ENCRYPTION_KEYS ? Optional.of(ring.get())
            : Optional.empty();
    private final TokenCipher cipher = new AesGcmTokenCipher(secrets);

    @Test
    void ciphertextIsVersionedNamesItsKeyAndRevealsNothing() {
        String sealed = cipher.encrypt(ZOHO_TOKEN, "connection:42");
        assertThat(sealed).startsWith("v1.k1.").doesNotContain(ZOHO_TOKEN).doesNotContain("refresh-token");
        byte[] body = Base64.getUrlDecoder().decode(sealed.substring("v1.k1.".length()));
        assertThat(new String(body, StandardCharsets.ISO_8859_1)).doesNotContain("refresh-token");
        // 12-byte nonce + ciphertext + 16-byte tag
        assertThat(body).hasSize(12 + ZOHO_TOKEN.getBytes(StandardCharsets.UTF_8).length + 16);
        assertThat(cipher.decrypt(sealed, "connection:42")).isEqualTo(ZOHO_TOKEN);
    }

    @Test
    void everyEncryptionUsesAFreshNonce() {
        assertThat(cipher.encrypt(ZOHO_TOKEN, "c")).isNotEqualTo(cipher.encrypt(ZOHO_TOKEN, "c"));
    }

    @Test
    void valuesWrittenBeforeARotationStillDecryptWhileTheOldKeyIsInTheRing() {
        String old = cipher.encrypt(ZOHO_TOKEN, "c");
        ring.set("k2:" + newKey() + "," + ring.get());

        String fresh = cipher.encrypt(ZOHO_TOKEN, "c");
        assertThat(fresh).startsWith("v1.k2.");
        assertThat(cipher.decrypt(old, "c")).isEqualTo(ZOHO_TOKEN);
        assertThat(cipher.decrypt(fresh, "c")).isEqualTo(ZOHO_TOKEN);

        ring.set(ring.get().substring(0, ring.get().indexOf(',')));
        assertThatThrownBy(() -> cipher.decrypt(old, "c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("k1").hasMessageNotContaining(ZOHO_TOKEN);
        assertThat(cipher.decrypt(fresh, "c")).isEqualTo(ZOHO_TOKEN);
    }

    @Test
    void aValueMovedToAnotherRowDoesNotDecrypt() {
        String sealed = cipher.encrypt(ZOHO_TOKEN, "connection:42");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "connection:43")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tamperingIsDetected() {
        String sealed = cipher.encrypt(ZOHO_TOKEN, "c");
        byte[] body = Base64.getUrlDecoder().decode(sealed.substring(6));
        body[body.length / 2] ^= 1;
        String flipped = "v1.k1." + Base64.getUrlEncoder().withoutPadding().encodeToString(body);
        assertThatThrownBy(() -> cipher.decrypt(flipped, "c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt(sealed.substring(0, 20), "c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt("v2" + sealed.substring(2), "c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt(ZOHO_TOKEN, "c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void relabellingTheKeyIdIsDetected() {
        String k1Key = ring.get().substring(3);
        ring.set("k1:" + k1Key + ",k9:" + k1Key);
        String sealed = cipher.encrypt(ZOHO_TOKEN, "c");
        // Same key bytes under another id: the key id is authenticated, so this fails.
        assertThatThrownBy(() -> cipher.decrypt("v1.k9." + sealed.substring(6), "c"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aValueStoredUnderAKeyIdWithADotDecryptsAndStaysBoundToThatId() {
        // The key ring allows '.' in ids; values sealed under such an id (before the validator refused it as the
        // active key) must still decrypt, as long as the id stays in the ring behind a new active key.
        String dottedKey = newKey();
        ring.set("2026.a:" + dottedKey);
        String sealed = cipher.encrypt(ZOHO_TOKEN, "c");
        assertThat(sealed).startsWith("v1.2026.a.");
        ring.set("k2:" + newKey() + ",2026.a:" + dottedKey);

        assertThat(cipher.decrypt(sealed, "c")).isEqualTo(ZOHO_TOKEN);
        // The whole id is authenticated: the same key bytes under the id's first part do not open it.
        ring.set("k2:" + newKey() + ",2026.a:" + dottedKey + ",2026:" + dottedKey);
        String body = sealed.substring("v1.2026.a.".length());
        assertThatThrownBy(() -> cipher.decrypt("v1.2026." + body, "c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt("v1.." + body, "c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a v1");
    }

    @Test
    void keysThatAreNot256BitsAreRefused() {
        byte[] shortKey = new byte[16];
        ring.set("k1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(shortKey));
        assertThatThrownBy(() -> cipher.encrypt(ZOHO_TOKEN, "c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("256");
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
