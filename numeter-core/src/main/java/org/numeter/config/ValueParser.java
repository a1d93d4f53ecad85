package org.numeter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text of a setting into its value, or throws {@link IllegalArgumentException} with a message that
 * completes "key was 'text' but …".
 *
 * @param <T> the type of the value
 */
@FunctionalInterface
public interface ValueParser<T> {
    T parse(String text);

    ValueParser<String> STRING = text -> text;

    ValueParser<Boolean> BOOLEAN = text -> switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> true;
        case "false", "no", "off", "0" -> false;
        default -> throw new IllegalArgumentException("must be true or false");
    };

    ValueParser<Integer> INTEGER = text -> {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be an integer");
        }
    };

    ValueParser<Path> PATH = text -> Path.of(text.trim());

    /** An absolute URL with a host ({@code http://collector1:4951}, {@code amqp://user:pw@broker:5672}). */
    ValueParser<java.net.URI> URI = text -> {
        try {
            java.net.URI uri = new java.net.URI(text.trim());
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below, with the form expected
        }
        throw new IllegalArgumentException("must be a URL such as scheme://host:port/");
    };

    /** Comma-separated, blanks trimmed, empty items left out. */
    ValueParser<List<String>> LIST = text -> Arrays.stream(text.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();

    /** {@code 60s}, {@code 5m}, {@code 250ms}, {@code 1h}, {@code 2d}; a bare number is seconds. */
    ValueParser<Duration> DURATION = new ValueParser<>() {
        private final Pattern form = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

        @Override
        public Duration parse(String text) {
            Matcher m = form.matcher(text.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("must be a duration such as 250ms, 10s, 5m, 1h or 2d");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }
    };

    /** {@code 512MB}, {@code 64KiB}, {@code 2GB}: powers of 1024 whatever the spelling; a bare number is bytes. */
    ValueParser<Long> BYTES = new ValueParser<>() {
        private final Pattern form = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

        @Override
        public Long parse(String text) {
            Matcher m = form.matcher(text.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("must be a size such as 4096, 64KB, 512MB or 2GB");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2);
            return switch (unit.charAt(0)) {
                case 'k' -> n << 10;
                case 'm' -> n << 20;
                case 'g' -> n << 30;
                default -> n;
            };
        }
    };

    /** Requires the value to lie in {@code [min, max]}. */
    static ValueParser<Integer> integer(int min, int max) {
        return text -> {
            int v = INTEGER.parse(text);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        };
    }

    /** A TCP port, 0 meaning "any free one". */
    ValueParser<Integer> PORT = integer(0, 65535);

    /** A duration of at least {@code min}. */
    static ValueParser<Duration> durationAtLeast(Duration min) {
        return text -> {
            Duration d = DURATION.parse(text);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException("must be at least " + min.toMillis() + "ms");
            }
            return d;
        };
    }

    /** One of the names given, case-insensitively. */
    static ValueParser<String> oneOf(String... names) {
        return text -> {
            for (String n : names) {
                if (n.equalsIgnoreCase(text.trim())) {
                    return n;
                }
            }
            throw new IllegalArgumentException("must be one of " + String.join(", ", names));
        };
    }
}
