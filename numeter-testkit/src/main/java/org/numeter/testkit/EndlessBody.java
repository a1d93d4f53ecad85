package org.numeter.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request whose chunked body never ends: a server that reads past its limit would wait for the end forever, so
 * an answer at all proves it stopped reading. Sent over a raw socket, since no client sends an endless body.
 */
public final class EndlessBody {
    /** What the server answered, and how much of the body had been sent by then. */
    public record Answer(int status, String statusLine, long bytesSent) {}

    private EndlessBody() {}

    /**
     * Sends {@code method path} to {@code server} with {@code headers} and a chunked body starting with
     * {@code start} then endless {@code x}s, and returns the server's status line once it answers; fails when it
     * has not answered within {@code within}.
     */
    public static Answer send(URI server, String method, String path, Map<String, String> headers, String start,
            Duration within) throws IOException, InterruptedException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout((int) within.toMillis());
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
                    .append("Host: ").append(server.getHost()).append(':').append(server.getPort()).append("\r\n")
                    .append("Transfer-Encoding: chunked\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            AtomicBoolean answered = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            Thread writer = Thread.ofVirtual().name("endless-body").start(() -> {
                byte[] x = new byte[8192];
                Arrays.fill(x, (byte) 'x');
                try {
                    if (!start.isEmpty()) { // an empty chunk would end the body
                        chunk(out, start.getBytes(StandardCharsets.UTF_8));
                        sent.addAndGet(start.length());
                    }
                    while (!answered.get()) {
                        chunk(out, x);
                        sent.addAndGet(x.length);
                    }
                } catch (IOException e) {
                    // the server closed the connection after answering: what a server that stops reading does
                }
            });
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                String line = in.readLine();
                answered.set(true);
                if (line == null) {
                    throw new AssertionError(method + " " + path + ": the server closed the connection without an"
                            + " answer after " + sent.get() + " bytes");
                }
                String[] parts = line.split(" ", 3);
                return new Answer(Integer.parseInt(parts[1]), line, sent.get());
            } catch (SocketTimeoutException e) {
                throw new AssertionError(method + " " + path + ": no answer within " + within + " after "
                        + sent.get() + " bytes of an endless body: the server keeps reading it", e);
            } finally {
                answered.set(true);
                socket.shutdownOutput();
                writer.join(within.toMillis());
            }
        }
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
