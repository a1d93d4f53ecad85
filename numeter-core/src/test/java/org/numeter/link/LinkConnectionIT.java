package org.numeter.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LinkConnection} against a server that answers exactly what each test scripts, byte for byte: the HTTP/1.1
 * framings an upstream may use, a connection kept between requests, one the server closed meanwhile, a server
 * that does not answer, and TLS with the host name checked.
 */
class LinkConnectionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private ServerSocket listener;
    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private Thread acceptor;
    private LinkConnection connection;

    /** What the server does with one request on a connection: an answer, and whether it closes after it. */
    private record Script(String answer, boolean closeAfter) {}

    @BeforeEach
    void start() throws IOException {
        serve(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        connection = new LinkConnection(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/p/web1"),
                Duration.ofSeconds(2));
    }

    /** Answers the scripts on this listener from now on. */
    private void serve(ServerSocket on) {
        listener = on;
        acceptor = Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    accepted.add(s);
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        listener.close();
        for (Socket s : accepted) {
            s.close();
        }
        acceptor.join(2000);
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            while (true) {
                String head = head(in);
                if (head == null) {
                    return;
                }
                requests.add(head);
                Script script = scripts.poll(5, TimeUnit.SECONDS);
                if (script == null) {
                    return;
                }
                if (script.answer() != null) {
                    s.getOutputStream().write(script.answer().getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                }
                if (script.closeAfter()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test closed it
        }
    }

    /** A request's head, up to its empty line; null when the client closed the connection. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            out.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private void answer(String answer, boolean closeAfter) {
        scripts.add(new Script(answer, closeAfter));
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private LinkConnection.Response get(String target) throws IOException {
        return connection.exchange("GET", target, "Accept: text/plain\r\n", TIMEOUT);
    }

    @Test
    void keepsOneConnectionForManyExchangesAndWritesAWholeRequest() throws Exception {
        answer(ok("one"), false);
        answer("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.numeter.page.v2\r\nNumeter-Acks-On-Read: 1\r\n"
                + "Content-Length: 3\r\n\r\ntwo", false);
        answer("HTTP/1.1 204 No Content\r\n\r\n", false);

        LinkConnection.Response first = get("/p/web1/spool/v1/records?from=0");
        LinkConnection.Response second = get("/p/web1/spool/v1/records?from=1&ack=0");
        LinkConnection.Response third = connection.exchange("POST", "/p/web1/spool/v1/ack?upTo=4", "", TIMEOUT);

        assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("one");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.contentType()).isEqualTo("text/plain");
        assertThat(first.acksOnRead()).isFalse();
        assertThat(new String(second.body(), StandardCharsets.US_ASCII)).isEqualTo("two");
        assertThat(second.contentType()).isEqualTo(Pages.V2);
        assertThat(second.acksOnRead()).isTrue();
        assertThat(third.status()).isEqualTo(204);
        assertThat(third.body()).isEmpty();
        assertThat(connections.get()).isEqualTo(1);
        assertThat(requests.get(0)).isEqualTo("GET /p/web1/spool/v1/records?from=0 HTTP/1.1\r\nHost: 127.0.0.1:"
                + listener.getLocalPort() + "\r\nAccept: text/plain\r\n\r\n");
        assertThat(requests.get(2)).startsWith("POST /p/web1/spool/v1/ack?upTo=4 HTTP/1.1\r\n")
                .endsWith("\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    void readsChunkedAnswersWithExtensionsAndTrailers() throws Exception {
        answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n", false);
        answer(ok("after"), false);

        assertThat(new String(get("/a").body(), StandardCharsets.US_ASCII)).isEqualTo("Wikipedia in \r\n\r\nchunks.");
        assertThat(new String(get("/b").body(), StandardCharsets.US_ASCII)).isEqualTo("after");
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void anAnswerWithoutALengthEndsWithItsConnectionAndTheNextRequestOpensAnother() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", true);
        answer(ok("fresh"), false);

        assertThat(new String(get("/a").body(), StandardCharsets.US_ASCII)).isEqualTo("until the end");
        assertThat(new String(get("/b").body(), StandardCharsets.US_ASCII)).isEqualTo("fresh");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        answer("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", true);
        answer(ok("again"), false);

        get("/a");
        assertThat(new String(get("/b").body(), StandardCharsets.US_ASCII)).isEqualTo("again");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void aKeptConnectionTheUpstreamClosedMeanwhileIsOpenedAgainAndTheRequestSentOnce() throws Exception {
        answer(ok("first"), false);
        get("/a");
        // the upstream drops the idle connection (its idle timeout, a restart) without a word
        for (Socket s : accepted) {
            s.close();
        }
        answer(ok("second"), false);

        assertThat(new String(get("/b").body(), StandardCharsets.US_ASCII)).isEqualTo("second");
        assertThat(connections.get()).isEqualTo(2);
        assertThat(requests).hasSize(2);
    }

    @Test
    void anUpstreamThatDoesNotAnswerInTimeFailsTheExchangeWithoutASecondTry() throws Exception {
        answer(null, false); // reads the request, says nothing

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> connection.exchange("GET", "/slow", "", Duration.ofMillis(300)))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessage("no whole answer from 127.0.0.1:" + listener.getLocalPort() + " within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(requests).hasSize(1);

        answer(ok("later"), false);
        assertThat(new String(get("/b").body(), StandardCharsets.US_ASCII)).isEqualTo("later");
    }

    @Test
    void aGarbledAnswerIsAnErrorThatQuotesIt() throws Exception {
        answer("SSH-2.0-OpenSSH_9.6\r\n\r\n", true);

        assertThatThrownBy(() -> get("/a")).isInstanceOf(IOException.class)
                .hasMessageContaining("'SSH-2.0-OpenSSH_9.6'");
    }

    @Test
    void anAnswerCutShortIsAnError() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true);

        assertThatThrownBy(() -> get("/a")).isInstanceOf(IOException.class).hasMessageContaining("5 of its 10 bytes");
    }

    /**
     * A key and its self-signed certificate made by the JDK's keytool, for {@code names} (subject alternative names
     * as keytool writes them, e.g. {@code ip:127.0.0.1}).
     */
    private static KeyStore certificate(Path dir, String names) throws Exception {
        Path file = dir.resolve("link-" + names.replaceAll("\\W", "_") + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "link", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=upstream",
                "-ext", "SAN=" + names, "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit").redirectErrorStream(true).start();
        String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(said).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, "changeit".toCharArray());
        }
        return store;
    }

    /** Serves the scripts over TLS with {@code key}; the connection trusts {@code key}'s certificate only. */
    private void overTls(KeyStore key) throws Exception {
        listener.close();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(key, "changeit".toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keys.getKeyManagers(), null, null);
        serve(server.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(key);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        connection = new LinkConnection(URI.create("https://127.0.0.1:" + listener.getLocalPort() + "/p/web1"),
                Duration.ofSeconds(2), client.getSocketFactory());
    }

    @Test
    void speaksHttpsToAnUpstreamWhoseCertificateNamesIt(@TempDir Path dir) throws Exception {
        overTls(certificate(dir, "ip:127.0.0.1"));
        answer(ok("secret"), false);
        answer(ok("kept"), false);

        assertThat(new String(get("/a").body(), StandardCharsets.US_ASCII)).isEqualTo("secret");
        assertThat(new String(get("/b").body(), StandardCharsets.US_ASCII)).isEqualTo("kept");
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void refusesAnUpstreamWhoseCertificateNamesAnotherHost(@TempDir Path dir) throws Exception {
        overTls(certificate(dir, "dns:elsewhere.example.org"));
        answer(ok("never"), false);

        assertThatThrownBy(() -> get("/a")).isInstanceOf(SSLHandshakeException.class);
        assertThat(requests).isEmpty();
    }

    @Test
    void aClosedConnectionRefusesExchanges() {
        connection.close();

        assertThatThrownBy(() -> get("/a")).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(connections.get()).isZero();
    }
}
