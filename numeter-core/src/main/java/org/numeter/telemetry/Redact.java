package org.numeter.telemetry;

import java.util.regex.Pattern;

/**
 * Keeps credentials out of what is served without a token: a check's detail may quote an exception that quotes a
 * URL, and a URL may carry {@code user:password@} (a Redis or AMQP address).
 */
public final class Redact {
    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");

    private Redact() {}

    /** The text with every {@code scheme://user:password@} turned into {@code scheme://***@}. */
    public static String text(String detail) {
        return detail == null ? null : USER_INFO.matcher(detail).replaceAll("$1***@");
    }
}
