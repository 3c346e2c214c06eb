package com.pipelinepulse.pipeline;

import com.pipelinepulse.web.ParameterProblems;
import java.util.Locale;

/**
 * The order of the deal list: {@code amount} (the reporting amount), {@code closing_date} or {@code modified},
 * ascending or, with a leading {@code -}, descending; ties broken by deal id in the same direction. Deals
 * without a closing date come last either way.
 */
record DealOrder(Key key, boolean descending) {

    static final DealOrder DEFAULT = new DealOrder(Key.AMOUNT, true);

    enum Key {
        AMOUNT("amount"), CLOSING_DATE("closing_date"), MODIFIED("modified");

        private final String id;

        Key(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }
    }

    /** {@code amount}, {@code -amount}, ...; blank is {@link #DEFAULT}. */
    static DealOrder parse(String sort) {
        if (sort == null || sort.isBlank()) {
            return DEFAULT;
        }
        String text = sort.trim().toLowerCase(Locale.ROOT);
        boolean descending = text.startsWith("-");
        String name = descending ? text.substring(1) : text;
        for (Key key : Key.values()) {
            if (key.id.equals(name)) {
                return new DealOrder(key, descending);
            }
        }
        throw ParameterProblems.invalid("sort", "one of amount, closing_date, modified, optionally with a leading -");
    }

    /** As the caller writes it, e.g. {@code -amount}. */
    String id() {
        return (descending ? "-" : "") + key.id;
    }
}
