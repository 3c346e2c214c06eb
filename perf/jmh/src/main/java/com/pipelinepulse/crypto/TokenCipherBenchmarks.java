package com.pipelinepulse.crypto;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encrypting and decrypting a Zoho refresh token with {@link AesGcmTokenCipher} as the service runs it (key
 * ring read from {@link Secrets} and parsed at every call). The plaintext has the length and shape of a Zoho
 * refresh token, made of random hex at start (docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenCipherBenchmarks {

    private AesGcmTokenCipher cipher;
    private String plaintext;
    private String context;
    private String ciphertext;

    @Setup(Level.Trial)
    public void setUp() {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[32];
        random.nextBytes(key);
        String ringText = "bench-1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        Secrets secrets = name -> name == SecretName.ENCRYPTION_KEYS ? Optional.of(ringText) : Optional.empty();
        cipher = new AesGcmTokenCipher(secrets);
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        random.nextBytes(a);
        random.nextBytes(b);
        plaintext = "1000." + HexFormat.of().formatHex(a) + "." + HexFormat.of().formatHex(b);
        context = UUID.randomUUID().toString();
        ciphertext = cipher.encrypt(plaintext, context);
    }

    @Benchmark
    public String encrypt() {
        return cipher.encrypt(plaintext, context);
    }

    @Benchmark
    public String decrypt() {
        return cipher.decrypt(ciphertext, context);
    }
}
