package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.BatchCodec;
import org.numeter.link.PullServer;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;

/**
 * Who may talk to whom, over real HTTP: the collector's spool answers only with its token; the collector reaches a
 * poller only with the poller's; a registration only with the registering host's own token; and what a poller
 * sends about another host, malformed or oversized, is refused and counted while the rest of the transfer goes on.
 * The credentials in the wrong hands (the collector's drain token, which every storage holds, and one host's
 * registration token) try every attack of issue 11: each is refused, and nothing is read or acknowledged.
 */
class CollectorSecurityIT {
    static final String DRAIN_TOKEN = "collector-secret";
    static final String POLLER_TOKEN = "poller-secret";
    static final String SECRET_TEXT = "registration-secret-of-the-security-test";
    static final RegistrationSecret SECRET = RegistrationSecret.of(SECRET_TEXT);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private PullServer pollerServer(MemorySpool spool, String token) {
        PullServer s = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).token(token).build();
        s.start();
        toClose.add(s);
        return s;
    }

    private Collector collector(MemorySpool own, Collector.Builder b) throws Exception {
        Collector c = b.host("collector1").spool(own).interval(Duration.ZERO).token(DRAIN_TOKEN)
                .listen("127.0.0.1", 0).build();
        c.start();
        toClose.add(c);
        return c;
    }

    private int register(URI collector, String host, String url, String pollerToken, String bearer)
            throws Exception {
        String body = "{\"host\":\"" + host + "\",\"url\":\"" + url + "\""
                + (pollerToken == null ? "" : ",\"token\":\"" + pollerToken + "\"") + "}";
        HttpRequest.Builder b = HttpRequest.newBuilder(collector.resolve("/collector/v1/register"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int status(String method, URI uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theCollectorsSpoolAnswersOnlyWithItsToken() throws Exception {
        MemorySpool own = new MemorySpool();
        own.append(Batches.load("web1", 1));
        Collector c = collector(own, Collector.builder());
        URI base = URI.create("http://127.0.0.1:" + c.port());

        assertThat(status("GET", base.resolve("/spool/v1/records"), null)).isEqualTo(401);
        assertThat(status("POST", base.resolve("/spool/v1/ack?upTo=100"), null)).isEqualTo(401);
        assertThat(status("POST", base.resolve("/spool/v1/ack?upTo=100"), "guess")).isEqualTo(401);
        assertThat(status("GET", base.resolve("/spool/v1/stats"), null)).isEqualTo(401);
        assertThat(own.stats().records()).as("nothing acknowledged").isEqualTo(1);

        assertThat(status("GET", base.resolve("/spool/v1/records"), DRAIN_TOKEN)).isEqualTo(200);
    }

    @Test
    void theWrongCredentialsCannotMoveAHostInjectDataStealATokenOrDrainASpool() throws Exception {
        // web1 is configured (the collector's own poller token), web2 registered itself with its own token.
        MemorySpool web1 = new MemorySpool();
        web1.append(Batches.load("web1", 1));
        PullServer web1Server = pollerServer(web1, POLLER_TOKEN);
        MemorySpool web2 = new MemorySpool();
        web2.append(Batches.load("web2", 1));
        PullServer web2Server = pollerServer(web2, "web2-own");
        String web1Url = "http://127.0.0.1:" + web1Server.port();
        String web2Url = "http://127.0.0.1:" + web2Server.port();
        // The attacker's poller: it serves batches about web1 and web2, and keeps every Authorization it is sent.
        TokenTrap trap = new TokenTrap(List.of(Batches.load("web1", 2), Batches.load("web2", 2),
                Batches.load("web3", 2)));
        toClose.add(trap);
        MemorySpool own = new MemorySpool();
        own.append(Batches.load("web0", 1));
        Collector c = collector(own, Collector.builder().registrationSecret(SECRET_TEXT).pollerToken(POLLER_TOKEN)
                .poller(PollerAddress.of("web1", web1Url, null)));
        URI base = URI.create("http://127.0.0.1:" + c.port());
        assertThat(register(base, "web2", web2Url, "web2-own", SECRET.tokenFor("web2"))).isEqualTo(201);

        // The drain token (every storage has it) registers nothing: not another host at its URL, not a new one.
        assertThat(register(base, "web2", trap.url(), null, DRAIN_TOKEN)).isEqualTo(403);
        assertThat(register(base, "web1", trap.url(), null, DRAIN_TOKEN)).isEqualTo(403);
        assertThat(register(base, "web4", trap.url(), null, DRAIN_TOKEN)).isEqualTo(403);
        assertThat(register(base, "web2", trap.url(), null, null)).isEqualTo(401);
        // It does not open a poller's spool either (drain or acknowledge another poller's data).
        assertThat(status("GET", URI.create(web1Url + "/spool/v1/records"), DRAIN_TOKEN)).isEqualTo(401);
        assertThat(status("POST", URI.create(web1Url + "/spool/v1/ack?upTo=100"), DRAIN_TOKEN)).isEqualTo(401);

        // web3's registration token speaks for web3 only: it moves neither web2 nor web1, and it reads or
        // acknowledges nothing of the collector's.
        String web3 = SECRET.tokenFor("web3");
        assertThat(register(base, "web2", trap.url(), null, web3)).isEqualTo(403);
        assertThat(register(base, "web1", trap.url(), null, web3)).isEqualTo(403);
        assertThat(status("GET", base.resolve("/spool/v1/records"), web3)).isEqualTo(401);
        assertThat(status("POST", base.resolve("/spool/v1/ack?upTo=100"), web3)).isEqualTo(401);
        assertThat(status("GET", base.resolve("/collector/v1/status"), web3)).isEqualTo(401);
        // Even web1's own token cannot move a configured host.
        assertThat(register(base, "web1", trap.url(), null, SECRET.tokenFor("web1"))).isEqualTo(409);
        // What it may do, register web3 at a URL of its own, brings the collector no token and no other host's data.
        assertThat(register(base, "web3", trap.url(), null, web3)).isEqualTo(201);

        assertThat(c.statuses()).extracting(PollerStatus::host, PollerStatus::url).containsExactly(
                org.assertj.core.groups.Tuple.tuple("web1", web1Url),
                org.assertj.core.groups.Tuple.tuple("web2", web2Url),
                org.assertj.core.groups.Tuple.tuple("web3", trap.url()));
        assertThat(own.stats().records()).as("nothing of the collector's acknowledged").isEqualTo(1);
        assertThat(web1.stats().records()).as("nothing of web1's acknowledged by an attacker").isEqualTo(1);

        c.runOnce();
        assertThat(Batches.ofPlugin(Batches.all(own), "load")).extracting(b -> b.host() + " " + b.values())
                .containsExactlyInAnyOrder("web0 {load=1.0}", "web1 {load=1.0}", "web2 {load=1.0}",
                        "web3 {load=2.0}");
        assertThat(c.rejections().foreignHost()).as("web1's and web2's batches from web3's URL").isEqualTo(2);
        assertThat(trap.authorizations()).as("what the collector sent to the URL web3 registered").isNotEmpty()
                .allSatisfy(a -> assertThat(a).isEqualTo("(none)"));
        assertThat(c.statuses()).allSatisfy(s -> assertThat(s.consecutiveErrors()).isZero());
    }

    @Test
    void withoutARegistrationSecretRegistrationIsOff() throws Exception {
        Collector c = collector(new MemorySpool(), Collector.builder());
        URI base = URI.create("http://127.0.0.1:" + c.port());
        assertThat(register(base, "web9", "http://127.0.0.1:1", null, DRAIN_TOKEN)).isEqualTo(403);
        assertThat(register(base, "web9", "http://127.0.0.1:1", null, SECRET.tokenFor("web9"))).isEqualTo(403);
        assertThat(c.statuses()).isEmpty();
    }

    @Test
    void withoutThePollersTokenNothingIsReadOrAcknowledged() throws Exception {
        MemorySpool poller = new MemorySpool();
        poller.append(Batches.load("web1", 1));
        PullServer server = pollerServer(poller, "poller-secret");
        URI url = URI.create("http://127.0.0.1:" + server.port());
        MemorySpool own = new MemorySpool();
        Collector c = collector(own, Collector.builder().poller(new PollerAddress("web1", url, "wrong")));
        c.runOnce();

        PollerStatus s = c.statuses().get(0);
        assertThat(s.consecutiveErrors()).isEqualTo(1);
        assertThat(s.lastError()).contains("401");
        assertThat(poller.stats().records()).isEqualTo(1);
        assertThat(Batches.ofPlugin(Batches.all(own), "load")).isEmpty();
        assertThat(server.routes().unauthorized()).isPositive();

        MemorySpool own2 = new MemorySpool();
        Collector right = collector(own2, Collector.builder().pollerToken(POLLER_TOKEN)
                .poller(new PollerAddress("web1", url, null)));
        right.runOnce();
        assertThat(Batches.ofPlugin(Batches.all(own2), "load")).hasSize(1);
        right.runOnce(); // the acknowledgement travels with the next read (docs/link.md)
        assertThat(poller.stats().records()).isZero();
        assertThat(Batches.ofPlugin(Batches.all(own2), "load")).hasSize(1);
    }

    @Test
    void foreignMalformedAndOversizedBatchesAreRefusedAndTheRestArrives() throws Exception {
        MemorySpool poller = new MemorySpool();
        poller.append(Batches.load("web1", 1));
        poller.append(Batches.load("db1", 2));
        poller.append("{\"host\":\"web1\",\"plugin\":\"load\",\"time\":-5,\"values\":{}}"
                .getBytes(StandardCharsets.UTF_8));
        Map<String, Double> many = new LinkedHashMap<>();
        for (int i = 0; i < 400; i++) {
            many.put("f" + i, (double) i);
        }
        poller.append(BatchCodec.encode(new SampleBatch("web1", "big", Batches.T0, many, null)));
        poller.append(Batches.load("web1", 3));
        PullServer server = pollerServer(poller, "poller-secret");
        MemorySpool own = new MemorySpool();
        Collector c = collector(own, Collector.builder().maxBatchBytes(4096).poller(new PollerAddress("web1",
                URI.create("http://127.0.0.1:" + server.port()), "poller-secret")));
        c.runOnce();

        assertThat(Batches.ofPlugin(Batches.all(own), "load")).extracting(b -> b.values().get("load"))
                .containsExactly(1.0, 3.0);
        assertThat(Batches.ofPlugin(Batches.all(own), "big")).isEmpty();
        assertThat(poller.stats().records()).as("kept until the next read acknowledges it").isEqualTo(5);
        c.runOnce(); // the acknowledgement travels with the next read (docs/link.md)
        assertThat(poller.stats().records()).as("everything acknowledged, refused records too").isZero();
        assertThat(c.rejections().foreignHost()).isEqualTo(1);
        assertThat(c.rejections().malformed()).isEqualTo(1);
        assertThat(c.rejections().oversized()).isEqualTo(1);
        PollerStatus s = c.statuses().get(0);
        assertThat(s.records()).isEqualTo(2);
        assertThat(s.rejected()).isEqualTo(3);
        assertThat(s.consecutiveErrors()).isZero();
    }
}
