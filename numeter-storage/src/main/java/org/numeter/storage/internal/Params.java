package org.numeter.storage.internal;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads query parameters; every refusal quotes the parameter and its value. */
public final class Params {
    private Params() {}

    /** An epoch second, or {@code otherwise} when absent. */
    public static long epochSecond(Context ctx, String name, long otherwise) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            long t = Long.parseLong(v.trim());
            if (t < 0) {
                throw new IllegalArgumentException(name + " '" + quote(v) + "' is not an epoch second");
            }
            return t;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + quote(v) + "' is not an epoch second", e);
        }
    }

    /** A whole number within [min, max], or {@code otherwise} when absent. */
    public static long number(Context ctx, String name, long min, long max, long otherwise) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " '" + quote(v) + "' is not between " + min + " and "
                        + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + quote(v) + "' is not a whole number", e);
        }
    }

    /** A value as a message quotes it: at most 40 characters. */
    static String quote(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "...";
    }

    public static boolean bool(Context ctx, String name, boolean otherwise) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(name + " '" + v + "' is not true or false");
        };
    }

    /** A comma-separated list, empty when absent. */
    public static List<String> list(Context ctx, String name) {
        String v = ctx.queryParam(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isBlank()) {
            return out;
        }
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                throw new IllegalArgumentException(name + " '" + v + "' has an empty item");
            }
            out.add(part.trim());
        }
        return out;
    }
}
