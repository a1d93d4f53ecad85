package org.numeter.link;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.spool.MemorySpool;
import org.numeter.testkit.ServerRules;

/** The poller's server keeps the rules of every Numeter server. */
class PullServerRulesIT {
    private final MemorySpool spool = new MemorySpool(1 << 20, Clock.systemUTC());
    private PullServer server;

    @BeforeEach
    void start() {
        server = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).token("s3cret").build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        spool.close();
    }

    @Test
    void healthReadyAndMetricsNeedNoTokenWrongMethodsAre405AndBodiesAreNeverReadPastTheCap() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
        new ServerRules(base, Map.of("Authorization", "Bearer s3cret"))
                .answersWithoutAToken()
                .wrongMethodIs405("GET", "/spool/v1/ack")
                .wrongMethodIs405("POST", "/spool/v1/records")
                .wrongMethodIs405("DELETE", "/metrics")
                // the ack takes no body: it is answered without reading the endless one
                .bodyCapHolds("POST", "/spool/v1/ack?upTo=0", "", 204);
    }
}
