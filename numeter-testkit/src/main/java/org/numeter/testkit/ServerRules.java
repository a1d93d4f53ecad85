package org.numeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The rules every Numeter server keeps, asserted over real HTTP against one of them: {@code /health},
 * {@code /ready} and {@code /metrics} without a token, 405 for a wrong method, and a body cap that holds before the
 * body is read, chunked or with a length.
 */
public final class ServerRules {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private final URI base;
    private final Map<String, String> headers;

    /** @param headers sent with the body requests (a bearer token, so that the limit is what refuses them) */
    public ServerRules(URI base, Map<String, String> headers) {
        this.base = base;
        this.headers = headers;
    }

    /** 200 on {@code /health}, a JSON answer of 200 or 503 on {@code /ready}, Prometheus text on /metrics. */
    public ServerRules answersWithoutAToken() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> health = get(http, "/health");
            assertThat(health.statusCode()).as("/health").isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            HttpResponse<String> ready = get(http, "/ready");
            assertThat(ready.statusCode()).as("/ready: " + ready.body()).isIn(200, 503);
            assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
            HttpResponse<String> metrics = get(http, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(Scrape.parse(metrics.body()).has("jvm_memory_used_bytes")).isTrue();
        }
        return this;
    }

    /** A wrong method on an existing path is a 405, not a 404 (with the headers: a caller who may use the path). */
    public ServerRules wrongMethodIs405(String method, String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            headers.forEach(b::header);
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(405);
        }
        return this;
    }

    /**
     * An endless chunked body to {@code method path} is answered with {@code status} (413 where the route reads a
     * body; the route's own answer where it reads none), so the server stopped reading; and a declared length over
     * the cap is a 413 at once.
     */
    public ServerRules bodyCapHolds(String method, String path, String bodyStart, int status)
            throws IOException, InterruptedException {
        EndlessBody.Answer a = EndlessBody.send(base, method, path, headers, bodyStart, WITHIN);
        assertThat(a.status()).as(method + " " + path + " with an endless chunked body: " + a.statusLine())
                .isEqualTo(status);
        assertThat(declaredTooLong(method, path)).as(method + " " + path + " declaring 100 MB").startsWith(
                "HTTP/1.1 413");
        return this;
    }

    /** Announces 100 MB, sends none of it, and returns the status line: the answer must not wait for the body. */
    private String declaredTooLong(String method, String path) throws IOException {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout((int) WITHIN.toMillis());
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + base.getHost()
                    + "\r\nContent-Length: 104857600\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = s.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }

    private HttpResponse<String> get(HttpClient http, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
