package org.numeter.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.numeter.codec.Json;

/** A test's browser without a browser: keeps the session cookie and sends the CSRF token like the pages do. */
final class WebClient {
    /** An answer, its body as bytes and text. */
    record Answer(int status, String contentType, byte[] bytes, java.net.http.HttpHeaders headers) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return Json.mapper().readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + text(), e);
            }
        }
    }

    private final URI base;
    private final HttpClient http;
    private String csrf;
    private String bearer;
    private final Map<String, String> headers = new java.util.LinkedHashMap<>();

    WebClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static WebClient loggedIn(URI base, String user, String password) {
        WebClient c = new WebClient(base);
        Answer a = c.login(user, password);
        if (a.status() != 200) {
            throw new IllegalStateException("login of " + user + " failed: " + a.status() + " " + a.text());
        }
        return c;
    }

    static WebClient withToken(URI base, String token) {
        WebClient c = new WebClient(base);
        c.bearer = token;
        return c;
    }

    Answer login(String user, String password) {
        Answer a = send("POST", "/api/login", Json.mapper().valueToTree(Map.of("username", user, "password",
                password)).toString());
        if (a.status() == 200) {
            csrf = a.json().path("csrf").asText();
        }
        return a;
    }

    /** Sends this header with every request from now on (X-Forwarded-For, as a proxy would). */
    WebClient header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    String csrf() {
        return csrf;
    }

    void forgetCsrf() {
        csrf = null;
    }

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer post(String path, String json) {
        return send("POST", path, json);
    }

    Answer put(String path, String json) {
        return send("PUT", path, json);
    }

    Answer delete(String path) {
        return send("DELETE", path, null);
    }

    Answer send(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (csrf != null && !method.equals("GET")) {
            b.header("X-CSRF-Token", csrf);
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(b::header);
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
