package org.numeter.poller.prometheus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.numeter.model.Names;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.poller.Source;

/**
 * Scrapes one Prometheus text-format endpoint (node_exporter and friends) and turns each metric family into a
 * plugin, as {@link FamilyMapper} describes. Families can be narrowed with a regular expression, since an
 * exporter may expose far more than anyone graphs.
 */
public final class PrometheusSource implements Source, AutoCloseable {
    private final URI url;
    private final Duration timeout;
    private final Pattern include;
    private final String host;
    private final FamilyMapper mapper;
    private HttpClient client;

    /**
     * @param url the endpoint, e.g. {@code http://127.0.0.1:9100/metrics}
     * @param include families to keep (a regular expression matched against the whole name), or null for all
     * @param prefix put before every plugin name, e.g. {@code prom_}, or empty
     * @param hostId the host id of the batches, or null for the poller's own
     * @param timeout bound on connecting and on the whole answer
     */
    public PrometheusSource(URI url, String include, String prefix, String hostId, Duration timeout) {
        this(url, include, prefix, hostId, timeout, DEFAULT_MAX_FIELDS);
    }

    /** Series one plugin keeps over its life when no bound is given. */
    public static final int DEFAULT_MAX_FIELDS = 500;

    /**
     * @param maxFields series one plugin keeps over its life: past them a family's new series are refused, counted
     *     ({@link #refused()}) and told once
     */
    public PrometheusSource(URI url, String include, String prefix, String hostId, Duration timeout,
            int maxFields) {
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("prometheus url '" + url + "' is not http or https");
        }
        this.url = url;
        this.timeout = timeout;
        this.include = include == null || include.isBlank() ? null : Pattern.compile(include);
        this.host = hostId == null || hostId.isBlank() ? null : Names.requireHost(hostId);
        this.mapper = new FamilyMapper(prefix == null ? "" : prefix, maxFields);
    }

    @Override
    public String name() {
        return "prometheus " + url;
    }

    @Override
    public List<SampleBatch> collect(Cycle cycle) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1").GET().build();
        long sent = cycle.clock().millis();
        HttpResponse<java.util.stream.Stream<String>> response =
                client().send(request, HttpResponse.BodyHandlers.ofLines());
        List<String> lines;
        try (var body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode());
            }
            lines = body.toList();
        }
        String batchHost = host == null ? cycle.host() : host;
        // Stamped when read, halfway between the question and the whole answer (the endpoint read its values in
        // between), counters with their value at that whole second; a sample with the exposition's own timestamp
        // keeps it.
        long readMillis = sent + (cycle.clock().millis() - sent) / 2;
        long read = Math.floorDiv(readMillis, 1000);
        List<SampleBatch> out = new ArrayList<>();
        for (ExpositionParser.Family f : ExpositionParser.parse(name(), lines, cycle.problems())) {
            if (include != null && !include.matcher(f.name()).matches()) {
                continue;
            }
            try {
                out.addAll(mapper.map(f, batchHost, read, cycle.problems()));
            } catch (IllegalArgumentException e) {
                cycle.problems().report(f.name(), e.getMessage());
            }
        }
        return cycle.aligned(out, readMillis);
    }

    /** Series refused since start, by plugin, for being past the plugin's bound. */
    public java.util.Map<String, Long> refused() {
        return mapper.refused();
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        }
        return client;
    }

    /** Stops the HTTP client's selector thread; the poller calls this when it closes. */
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public String toString() {
        // The URL may carry credentials in its user part: leave them out.
        return "PrometheusSource{" + url.getScheme() + "://" + url.getHost() + ":" + url.getPort() + url.getPath()
                + "}";
    }
}
