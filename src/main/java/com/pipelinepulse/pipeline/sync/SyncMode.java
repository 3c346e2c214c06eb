package com.pipelinepulse.pipeline.sync;

import java.util.Locale;
import java.util.Optional;

/** {@code incremental}: what changed since the cursor; {@code full}: every deal, unseen ones marked deleted. */
enum SyncMode {
    INCREMENTAL, FULL;

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<SyncMode> parse(String raw) {
        for (SyncMode mode : values()) {
            if (mode.id().equals(raw)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
