package com.pipelinepulse.identity;

import java.util.Locale;

/** What a person may do. Claims and the database use the lower-case {@link #id()}. */
public enum Role {
    ADMIN, MANAGER, VIEWER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this role may do less than {@code other} (admin > manager > viewer). */
    public boolean isBelow(Role other) {
        return ordinal() > other.ordinal();
    }

    public static Role fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
