package com.pipelinepulse.session;

import java.security.SecureRandom;
import java.util.Base64;
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
 * The CPU part of a refresh-token rotation (docs/benchmarks.md): {@code hashPresented} is what every refresh
 * does to the presented token ({@link RefreshTokenRotation#hash}, SHA-256); {@code newTokenAndHash} is what
 * issuing the next token costs (32 bytes from {@link SecureRandom}, base64url, then the same hash), written
 * out here the way {@code RefreshTokenRotation.newToken} does it because that method is private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RefreshTokenBenchmarks {

    private final SecureRandom random = new SecureRandom();
    private String presented;

    @Setup(Level.Trial)
    public void setUp() {
        presented = newToken();
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Benchmark
    public byte[] hashPresented() {
        return RefreshTokenRotation.hash(presented);
    }

    @Benchmark
    public byte[] newTokenAndHash() {
        return RefreshTokenRotation.hash(newToken());
    }
}
