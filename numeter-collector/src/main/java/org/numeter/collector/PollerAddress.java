package org.numeter.collector;

import java.net.URI;
import java.util.Objects;
import org.numeter.model.Names;

/**
 * Where a poller answers, and the token its pull endpoint wants.
 *
 * @param host the poller's host id: every batch read from it must carry this host
 * @param url the base URL of its pull endpoint, e.g. {@code http://10.0.0.5:8081}
 * @param token the bearer token its pull endpoint wants, or null when it wants none
 */
public record PollerAddress(String host, URI url, String token) {

    public PollerAddress {
        Names.requireHost(host);
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("poller " + host + ": url '" + url + "' is not an http or https URL");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("poller " + host + ": url '" + url + "' has no host");
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
            throw new IllegalArgumentException("poller " + host + ": url '" + url + "' is not a URL", e);
        }
        return new PollerAddress(host, uri, token);
    }

    @Override
    public String toString() {
        return "PollerAddress{" + host + " " + url + (token == null ? "" : " token=***") + "}";
    }
}
