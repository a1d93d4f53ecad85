package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.Json;
import org.numeter.spool.MemorySpool;

/**
 * The collector's own HTTP endpoints on a real port: registration behind each host's registration token, status
 * behind the collector's token.
 */
class CollectorHttpIT {
    private static final String TOKEN = "collector-token";
    private static final RegistrationSecret SECRET = RegistrationSecret.of("registration-secret-of-the-test");
    private final HttpClient http = HttpClient.newHttpClient();
    private final MemorySpool own = new MemorySpool();
    private final MemorySpool web9 = new MemorySpool();
    private Collector collector;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        collector = Collector.builder().host("collector1").spool(own).interval(Duration.ZERO)
                .poller(PollerAddress.of("web1", "http://10.0.0.1:8081", null))
                .readers(a -> a.host().equals("web9") ? web9 : new MemorySpool())
                .token(TOKEN).registrationSecret("registration-secret-of-the-test").listen("127.0.0.1", 0).build();
        collector.start();
        base = URI.create("http://127.0.0.1:" + collector.port());
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutTheTokenNothingIsRegisteredOrShown() throws Exception {
        String body = "{\"host\":\"web9\",\"url\":\"http://10.0.0.9:8081\"}";
        assertThat(send("POST", "/collector/v1/register", body, null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/collector/v1/register", body, "wrong").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/collector/v1/register", body, TOKEN).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/collector/v1/status", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/collector/v1/status", null, SECRET.tokenFor("web9")).statusCode()).isEqualTo(401);
        assertThat(collector.statuses()).extracting(PollerStatus::host).containsExactly("web1");
    }

    @Test
    void aPollerRegistersAndShowsInTheStatus() throws Exception {
        web9.append(Batches.load("web9", 1));
        HttpResponse<String> r = send("POST", "/collector/v1/register",
                "{\"host\":\"web9\",\"url\":\"http://10.0.0.9:8081\",\"token\":\"poller-token\"}",
                SECRET.tokenFor("web9"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(Json.mapper().readTree(r.body()).get("known").booleanValue()).isFalse();
        HttpResponse<String> heartbeat = send("POST", "/collector/v1/register",
                "{\"host\":\"web9\",\"url\":\"http://10.0.0.9:8081\",\"token\":\"poller-token\"}",
                SECRET.tokenFor("web9"));
        assertThat(heartbeat.statusCode()).as("a heartbeat the collector knows").isEqualTo(200);
        assertThat(Json.mapper().readTree(heartbeat.body()).get("known").booleanValue()).isTrue();
        collector.runOnce();

        HttpResponse<String> status = send("GET", "/collector/v1/status", null, TOKEN);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).doesNotContain("poller-token");
        JsonNode doc = Json.mapper().readTree(status.body());
        assertThat(doc.get("ok").booleanValue()).isTrue();
        assertThat(doc.get("host").textValue()).isEqualTo("collector1");
        assertThat(doc.get("pollers")).hasSize(2);
        JsonNode p = doc.get("pollers").get(1);
        assertThat(p.get("host").textValue()).isEqualTo("web9");
        assertThat(p.get("source").textValue()).isEqualTo("registered");
        assertThat(p.get("records").longValue()).isEqualTo(1);
        assertThat(p.get("consecutiveErrors").longValue()).isZero();
        assertThat(doc.get("spool").get("records").longValue()).isEqualTo(2); // web9's batch and the collector's own
        assertThat(doc.get("rejected").get("foreignHost").longValue()).isZero();
        assertThat(doc.get("registration").get("registered").longValue()).isEqualTo(1);
        assertThat(doc.get("silent").longValue()).isZero();
    }

    @Test
    void badRegistrationsAreRefusedWithTheReason() throws Exception {
        HttpResponse<String> notJson = send("POST", "/collector/v1/register", "{nope", SECRET.tokenFor("web1"));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).startsWith("registration body is not JSON");

        HttpResponse<String> badHost = send("POST", "/collector/v1/register",
                "{\"host\":\"../etc\",\"url\":\"http://x:1\"}", SECRET.tokenFor("web1"));
        assertThat(badHost.statusCode()).isEqualTo(400);
        assertThat(badHost.body()).contains("host '../etc' is not a valid host name");

        HttpResponse<String> moved = send("POST", "/collector/v1/register",
                "{\"host\":\"web1\",\"url\":\"http://10.6.6.6:8081\"}", SECRET.tokenFor("web1"));
        assertThat(moved.statusCode()).isEqualTo(409);
        assertThat(moved.body()).contains("poller web1 is configured at http://10.0.0.1:8081");
        assertThat(collector.statuses()).extracting(PollerStatus::url).containsExactly("http://10.0.0.1:8081");
    }
}
