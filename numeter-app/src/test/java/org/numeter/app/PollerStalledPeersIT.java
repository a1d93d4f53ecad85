package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The poller's pull endpoint outlives peers that stop halfway through a request (a cut network, a stalled client).
 * Its server has four workers and, past them, answers on its own thread, which then accepts nothing else: six
 * half-sent requests used to hold all of them for good, and the poller's link was gone until a restart. The JDK
 * server's {@code sun.net.httpserver.maxReqTime} cuts such a request; {@code PullServer} sets it (30 s) unless the
 * JVM was given one, as here (2 s, so that the test takes seconds): the stalled connections are closed by the
 * poller, and {@code /health} answers again well before the 30 s default could have freed anything.
 */
class PollerStalledPeersIT {
    private static final int STALLED = 8; // more than the four workers and the server's own thread
    private static final int REQUEST_SECONDS = 2;
    // Well under PullServer's own 30 s, so that passing proves the JVM's value was the one used; well over 2 s (and
    // the server's 1 s check of its connections, twice for the requests queued behind the first five) for a loaded
    // machine.
    private static final Duration ANSWERS_AGAIN_WITHIN = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Socket> stalled = new ArrayList<>();
    private NumeterProcess poller;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : stalled) {
            s.close();
        }
        if (poller != null) {
            poller.close();
        }
    }

    @Test
    void halfSentRequestsAreCutAndTheEndpointAnswersAgain() throws Exception {
        Path logs = Paths.get("target", "e2e", "poller-stalled-peers");
        int port = NumeterProcess.freePort();
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Settings.DATA_DIR.name(), logs.toAbsolutePath().resolve("data").toString());
        p.put(Settings.POLLER_HOST.name(), "stalled");
        p.put(Settings.POLLER_PORT.name(), String.valueOf(port));
        p.put(Settings.POLLER_INTERVAL.name(), "1s");
        p.put(Settings.POLLER_SOURCES.name(), "system");
        p.put(Settings.POLLER_TOKEN.name(), "drain-stalled");
        poller = NumeterProcess.of("poller", "poller", p,
                List.of("-Dsun.net.httpserver.maxReqTime=" + REQUEST_SECONDS), port, "/health", logs)
                .start().awaitReady();

        for (int i = 0; i < STALLED; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            stalled.add(s);
            // A request line and one header, never the blank line that ends the headers.
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        long cutAt = System.nanoTime();
        await("/health answering again behind " + STALLED + " half-sent requests").atMost(ANSWERS_AGAIN_WITHIN)
                .pollInterval(Duration.ofMillis(200)).until(() -> health(port) == 200);
        // Each stalled peer was cut by the poller, not answered: the server never had a whole request from it.
        for (int i = 0; i < stalled.size(); i++) {
            Socket s = stalled.get(i);
            long left = ANSWERS_AGAIN_WITHIN.toMillis() - (System.nanoTime() - cutAt) / 1_000_000;
            s.setSoTimeout((int) Math.max(1_000, left));
            assertThat(readToEnd(s.getInputStream())).as("what stalled peer %d of %d got before it was cut", i + 1,
                    STALLED).isEmpty();
        }
        assertThat(poller.alive()).as("the poller after its peers were cut; log %s", poller.log()).isTrue();
        assertThat(health(port)).isEqualTo(200);
    }

    /** {@code /health}'s status, or -1 when it does not answer within 2 s. */
    private static int health(int port) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * What the peer reads until the poller closes the connection (a reset counts as closed); fails when it is still
     * open at the socket's timeout.
     */
    private static String readToEnd(InputStream in) throws IOException {
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[512];
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the poller kept a half-sent request open; it had sent: '" + got + "'", e);
        } catch (IOException e) {
            // reset by the poller: closed too
        }
        return got.toString();
    }
}
