package com.pipelinepulse.pipeline;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Position in the deal list: the order it belongs to, the sort value of the last deal served and its id.
 * Sent to clients as an opaque base64url string; a cursor of another order is refused like a malformed one.
 *
 * @param value the sort value as PostgreSQL reads it back: a decimal, a date ({@code infinity} and
 *              {@code -infinity} standing for "no date") or an ISO-8601 instant
 */
record DealCursor(DealOrder order, String value, String id) {

    private static final String VERSION = "d1";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    String encode() {
        String plain = VERSION + "|" + order.id() + "|" + value + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor, or empty when {@code text} is not one this service issued for {@code order}. */
    static Optional<DealCursor> decode(String text, DealOrder order) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8);
            String[] parts = plain.split("\\|", -1);
            if (parts.length != 4 || !VERSION.equals(parts[0]) || !order.id().equals(parts[1])
                    || !ID.matcher(parts[3]).matches() || !validValue(order.key(), parts[2])) {
                return Optional.empty();
            }
            return Optional.of(new DealCursor(order, parts[2], parts[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** PostgreSQL's stand-ins for "no date", which sort after (or before) every date. */
    private static boolean infinite(String value) {
        return value.equals("infinity") || value.equals("-infinity");
    }

    private static boolean validValue(DealOrder.Key key, String value) {
        try {
            switch (key) {
                case AMOUNT -> new BigDecimal(value);
                case CLOSING_DATE -> {
                    if (!infinite(value)) {
                        LocalDate.parse(value);
                    }
                }
                case MODIFIED -> {
                    if (!infinite(value)) {
                        Instant.parse(value);
                    }
                }
                default -> throw new IllegalStateException();
            }
            return value.length() <= 40;
        } catch (NumberFormatException | DateTimeException e) {
            return false;
        }
    }
}
