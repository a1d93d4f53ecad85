package org.numeter.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.regex.Pattern;
import org.numeter.codec.Json;
import org.numeter.model.Names;

/**
 * Every value a request carries is read and checked here, before anything changes: a bad one is a 400 whose
 * one line quotes it. Names are restricted to plain characters, so no markup or SQL meta-character gets stored.
 */
public final class Input {
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\- ]{0,63}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+\\-]{1,64}@[A-Za-z0-9.\\-]{1,189}");
    private static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N} _.,:()/%+\\-]{1,100}");
    private static final Pattern STORAGE_URL =
            Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+(/[A-Za-z0-9._~/\\-]*)?");
    private static final int MAX_QUOTED = 60;

    private Input() {}

    /** Reads a JSON body into a record; unknown keys, wrong types and broken JSON are all 400. */
    public static <T> T body(Context ctx, Class<T> type) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw HttpProblem.badRequest("the request body is empty; a JSON object is expected");
        }
        try {
            T value = Json.mapper().readValue(bytes, type);
            if (value == null) {
                throw HttpProblem.badRequest("the request body is null; a JSON object is expected");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("the request body is not a valid " + type.getSimpleName() + ": "
                    + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw HttpProblem.badRequest("the request body cannot be read: " + oneLine(e.getMessage()));
        }
    }

    public static String username(String value) {
        return match(USERNAME, value, "username", "letters, digits, '.', '_', '-'; at most 64");
    }

    public static String groupName(String value) {
        return match(GROUP, value, "group name", "letters, digits, spaces, '.', '_', '-'; at most 64");
    }

    /** A short human text: a token, view or dashboard name. */
    public static String label(String value, String what) {
        return match(LABEL, value, what, "letters, digits, spaces and . , : ( ) / % + - _; at most 100");
    }

    public static String email(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        return match(EMAIL, value, "email", "name@domain");
    }

    public static String password(String value, String what) {
        if (value == null || value.length() < 8 || value.length() > 200) {
            throw HttpProblem.badRequest(what + " must have 8 to 200 characters");
        }
        return value;
    }

    /** An http or https base URL without credentials, query or fragment. */
    public static java.net.URI storageUrl(String value) {
        String rule = "an http:// or https:// URL such as http://storage1:4952/";
        if (value == null || value.length() > 2000 || !STORAGE_URL.matcher(value).matches()) {
            throw HttpProblem.badRequest("storage url '" + quote(value) + "' is not valid (" + rule + ")");
        }
        try {
            return new java.net.URI(value);
        } catch (java.net.URISyntaxException e) {
            throw HttpProblem.badRequest("storage url '" + quote(value) + "' is not valid (" + rule + ")");
        }
    }

    public static String host(String value) {
        try {
            return Names.requireHost(value);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("host '" + quote(value) + "' is not a valid host name");
        }
    }

    public static String plugin(String value) {
        try {
            return Names.requirePlugin(value);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("plugin '" + quote(value) + "' is not a valid plugin name");
        }
    }

    public static String field(String value) {
        try {
            return Names.requireField(value);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("field '" + quote(value) + "' is not a valid field name");
        }
    }

    public static long id(String value, String what) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpProblem.badRequest(what + " '" + quote(value) + "' is not a positive integer");
    }

    /** A query parameter that must be a long within bounds, or its default when absent. */
    public static long longParam(Context ctx, String name, long dflt, long min, long max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpProblem.badRequest(name + " '" + quote(text) + "' is not an integer from " + min + " to " + max);
    }

    private static String match(Pattern p, String value, String what, String rule) {
        if (value == null || !p.matcher(value).matches()) {
            throw HttpProblem.badRequest(what + " '" + quote(value) + "' is not valid (" + rule + ")");
        }
        return value;
    }

    /** The value as an error message quotes it: one line, at most 60 characters. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String v = oneLine(value);
        return v.length() <= MAX_QUOTED ? v : v.substring(0, MAX_QUOTED - 3) + "...";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
    }
}
