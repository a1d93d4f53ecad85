package org.numeter.poller.prometheus;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import org.numeter.poller.Poller;
import org.numeter.poller.Settings;
import org.numeter.poller.Source;
import org.numeter.poller.SourceProvider;

/**
 * {@code prometheus}: one text-format endpoint. Settings: {@code url} (required), {@code include} (a regular
 * expression of families to keep, default all), {@code prefix} (before each plugin name, default none),
 * {@code host} (default the poller's), {@code timeout} (default 10s), {@code max-fields} (series one plugin keeps over
 * its life, default 500).
 */
public final class PrometheusSourceProvider implements SourceProvider {
    @Override
    public String name() {
        return "prometheus";
    }

    @Override
    public Source create(Map<String, String> settings) {
        Settings s = Settings.of("prometheus", settings, "url", "include", "prefix", "host", "timeout",
                "max-fields");
        String url = s.required("url");
        try {
            return new PrometheusSource(new URI(url), s.text("include", null), s.text("prefix", ""),
                    s.text("host", null), s.duration("timeout", Poller.DEFAULT_TIMEOUT),
                    s.integer("max-fields", PrometheusSource.DEFAULT_MAX_FIELDS, 1, 100_000));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("source prometheus: setting 'url' was '" + url
                    + "' but must be a URL: " + e.getMessage(), e);
        }
    }
}
