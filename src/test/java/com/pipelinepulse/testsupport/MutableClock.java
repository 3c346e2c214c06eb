package com.pipelinepulse.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application's {@link Clock} in the shared test context: the real UTC clock until a test fixes it with
 * {@link #fixAt(Instant)}; a test that fixes it resets it when done ({@link #reset()}).
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> fixed = new AtomicReference<>();

    public void fixAt(Instant instant) {
        fixed.set(instant);
    }

    /** Moves the clock forward, from where it was fixed or, if it was not, from now; it stays fixed there. */
    public void advance(Duration duration) {
        fixed.updateAndGet(at -> (at != null ? at : Instant.now()).plus(duration));
    }

    public void reset() {
        fixed.set(null);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(ZoneOffset.UTC) ? this : Clock.fixed(instant(), zone);
    }

    @Override
    public Instant instant() {
        Instant at = fixed.get();
        return at != null ? at : Instant.now();
    }
}
