package org.numeter.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.numeter.alert.AlertState;
import org.numeter.alert.Change;
import org.numeter.codec.Json;

/** The webhook against a real HTTP receiver started here. */
class WebhookChannelIT {
    private HttpServer server;
    private final Map<String, Object> got = new ConcurrentHashMap<>();
    private volatile int status = 200;

    private String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hooks/abc", ex -> {
            got.put("body", ex.getRequestBody().readAllBytes());
            got.put("signature", String.valueOf(ex.getRequestHeaders().getFirst(WebhookChannel.SIGNATURE)));
            got.put("delivery", String.valueOf(ex.getRequestHeaders().getFirst(WebhookChannel.DELIVERY)));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/abc";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private final Change change = new Change(7, 1_700_000_000L, 1_700_000_000L, "web1", "load", "load",
            AlertState.OK, AlertState.WARNING, 7.0, "5", "value 7 warning 5 (above 5) (plugin)");

    @Test
    void theBodyHasASlackTextAndIsSignedWithTheSecret() throws Exception {
        String url = start();
        Contact hook = new Contact(2, "chat", "webhook", url, "s3cret", Set.of(AlertState.WARNING), null, 1L);
        new WebhookChannel(Duration.ofSeconds(5)).send(hook, new Notice(11, "web1", List.of(change), 0, null));
        byte[] body = (byte[]) got.get("body");
        JsonNode json = Json.mapper().readTree(body);
        assertThat(json.get("text").asText()).startsWith("WARNING web1 load.load (was OK)");
        assertThat(json.get("changes").get(0).get("field").asText()).isEqualTo("load");
        assertThat(got.get("delivery")).isEqualTo("11");
        // the receiver checks the signature with its own copy of the secret
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("s3cret".getBytes(), "HmacSHA256"));
        assertThat(got.get("signature")).isEqualTo("sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body)));
    }

    @Test
    void anAnswerOtherThan2xxOrNoReceiverIsAFailureWithoutTheUrlsToken() throws Exception {
        String url = start();
        Contact hook = new Contact(2, "chat", "webhook", url, null, Set.of(AlertState.WARNING), null, 1L);
        status = 503;
        WebhookChannel ch = new WebhookChannel(Duration.ofSeconds(5));
        assertThatThrownBy(() -> ch.send(hook, new Notice(1, "web1", List.of(change), 0, null)))
                .hasMessageEndingWith("answered 503").hasMessageNotContaining("abc");
        server.stop(0);
        server = null;
        assertThatThrownBy(() -> ch.send(hook, new Notice(1, "web1", List.of(change), 0, null)))
                .isInstanceOf(IOException.class).hasMessageNotContaining("abc");
        assertThat(got.get("signature")).isEqualTo("null");
    }
}
