package org.numeter.collector;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.numeter.collector.internal.PollersFile;
import org.numeter.model.Names;

/**
 * Where a poller answers, and the token its pull endpoint wants.
 *
 * @param host the poller's host id: every batch read from it must carry this host
 * @param url the base URL of its pull endpoint, e.g. {@code http://10.0.0.5:8081}, or, for a poller spooling in
 *     Redis as the original did, its Redis server, e.g. {@code redis://:password@10.0.0.5:6379}
 * @param token the bearer token its pull endpoint wants, or null when it wants none
 */
public record PollerAddress(String host, URI url, String token) {
    private static final Set<String> SCHEMES = Set.of("http", "https", "redis", "rediss");

    public PollerAddress {
        Names.requireHost(host);
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (scheme == null || !SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("poller " + host + ": url '" + withoutUserInfo(url)
                    + "' is not an http, https, redis or rediss URL");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("poller " + host + ": url '" + withoutUserInfo(url) + "' has no host");
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
    }

    public static PollerAddress of(String host, String url, String token) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("poller " + host + ": url '" + url.replaceAll("//[^/@]*@", "//***@")
                    + "' is not a URL", e);
        }
        return new PollerAddress(host, uri, token);
    }

    /**
     * Parses pollers as the configuration writes them, one entry each: {@code host=url} (the collector's poller
     * token then applies) or {@code host url [token]} (the pollers file's format). Every bad entry is named, with
     * its position, in one exception.
     */
    public static List<PollerAddress> parseList(String entries, String where) {
        return parseList(List.of(entries.split("[,\\n]", -1)), where);
    }

    /** As {@link #parseList(String, String)}, with the entries already apart. */
    public static List<PollerAddress> parseList(List<String> entries, String where) {
        List<String> lines = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.strip();
            if (e.isEmpty() && entries.size() == 1) {
                continue;
            }
            int eq = e.indexOf('=');
            boolean pair = eq > 0 && e.chars().noneMatch(Character::isWhitespace);
            lines.add(pair ? e.substring(0, eq) + " " + e.substring(eq + 1) : e);
        }
        PollersFile.Parsed parsed = PollersFile.parse(lines, where + " entry ");
        if (!parsed.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", parsed.problems()));
        }
        return parsed.pollers();
    }

    /** The URL without its user and password, for logs and the status page. */
    public String safeUrl() {
        return withoutUserInfo(url);
    }

    private static String withoutUserInfo(URI url) {
        String text = url.toString();
        String userInfo = url.getRawUserInfo();
        return userInfo == null ? text : text.replace(userInfo + "@", "***@");
    }

    @Override
    public String toString() {
        return "PollerAddress{" + host + " " + safeUrl() + (token == null ? "" : " token=***") + "}";
    }
}
