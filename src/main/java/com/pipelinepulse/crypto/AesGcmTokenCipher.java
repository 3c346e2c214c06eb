package com.pipelinepulse.crypto;

import com.pipelinepulse.secrets.KeyRing;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * AES-256-GCM with a random 96-bit nonce per value and the key ring {@link SecretName#ENCRYPTION_KEYS}
 * (read at every call, so a rotated ring is used without a restart).
 *
 * <p>Stored form: {@code v1.<kid>.<base64url(nonce | ciphertext | tag)>}. The associated data is
 * {@code v1.<kid>.} followed by the caller's context, so neither the key id nor the owning row can be
 * swapped without the authentication tag failing. The body is read after the last {@code .}, so a key id that
 * contains {@code .} still decrypts (the start-up validator refuses such an id as the active key, so none is
 * written any more: instances of older versions split on every {@code .}).
 */
@Component
class AesGcmTokenCipher implements TokenCipher {

    static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY_BYTES = 32;

    private final Secrets secrets;
    private final SecureRandom random = new SecureRandom();

    AesGcmTokenCipher(Secrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public String encrypt(String plaintext, String context) {
        KeyRing ring = secrets.keyRing(SecretName.ENCRYPTION_KEYS);
        String kid = ring.activeKid();
        byte[] key = ring.activeKey();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, kid, context);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return VERSION + "." + kid + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Override
    public String decrypt(String ciphertext, String context) {
        String prefix = VERSION + ".";
        // The body (base64url) never contains '.', so it starts after the last one; everything between the
        // version and the body is the key id, even an id that itself contains '.'.
        int bodyStart = ciphertext == null ? -1 : ciphertext.lastIndexOf('.') + 1;
        if (bodyStart <= prefix.length() + 1 || !ciphertext.startsWith(prefix)) {
            throw new IllegalStateException("not a v1 token ciphertext");
        }
        String kid = ciphertext.substring(prefix.length(), bodyStart - 1);
        String body = ciphertext.substring(bodyStart);
        byte[] key = secrets.keyRing(SecretName.ENCRYPTION_KEYS).key(kid)
                .orElseThrow(() -> new IllegalStateException("encryption key " + kid + " is no longer in the key ring"));
        try {
            byte[] in = Base64.getUrlDecoder().decode(body);
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new IllegalStateException("token ciphertext is truncated");
            }
            byte[] nonce = Arrays.copyOfRange(in, 0, NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, kid, context);
            byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // Deliberately vague: tampering, a moved value and a wrong key look the same to the caller.
            throw new IllegalStateException("token ciphertext could not be authenticated");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, String kid, String context)
            throws GeneralSecurityException {
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException("encryption key " + kid + " is not 256 bits");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD((VERSION + "." + kid + "." + (context == null ? "" : context)).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
