package org.numeter.alert.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.numeter.codec.Json;

/**
 * A JSON {@code POST}: {@code text} (what Slack and Mattermost incoming webhooks show), then the notice's parts
 * for programs. With a secret, {@code X-Numeter-Signature: sha256=<hex>} is the HMAC-SHA256 of the exact body;
 * {@code X-Numeter-Delivery} is the notice's id, the same on every attempt. Any 2xx answer is a delivery.
 */
public final class WebhookChannel implements Channel {
    public static final String SIGNATURE = "X-Numeter-Signature";
    public static final String DELIVERY = "X-Numeter-Delivery";

    private final HttpClient http;
    private final Duration timeout;

    public WebhookChannel(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void validate(String target) {
        try {
            URI u = new URI(target);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || target.length() > 2000) {
                throw new IllegalArgumentException();
            }
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook URL '" + (target.length() > 60 ? target.substring(0, 60)
                    + "…" : target) + "' is not an http:// or https:// URL");
        }
    }

    /** The body sent for a notice. */
    public static byte[] body(Notice n) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", n.text());
        body.put("id", n.id());
        body.put("subject", n.subject());
        body.put("host", n.host());
        body.put("state", n.worst());
        body.put("held", n.held());
        body.put("link", n.link());
        body.put("changes", n.changes());
        return Json.mapper().writeValueAsBytes(body);
    }

    /** {@code sha256=} and the HMAC-SHA256 of the body with the secret, in lower-case hex. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    @Override
    public void send(Contact contact, Notice notice) throws IOException {
        byte[] body = body(notice);
        URI uri = URI.create(contact.target());
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .header(DELIVERY, String.valueOf(notice.id()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contact.secret() != null && !contact.secret().isEmpty()) {
            r.header(SIGNATURE, sign(contact.secret(), body));
        }
        HttpResponse<Void> answer;
        try {
            answer = http.send(r.build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("webhook " + safe(uri) + ": interrupted", e);
        } catch (IOException e) {
            throw new IOException("webhook " + safe(uri) + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        if (answer.statusCode() / 100 != 2) {
            throw new IOException("webhook " + safe(uri) + " answered " + answer.statusCode());
        }
    }

    /** The URL without its path and query, which often hold a token. */
    private static String safe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/…";
    }

    @Override
    public String toString() {
        return "WebhookChannel{timeout=" + timeout + "}";
    }
}
