package org.numeter.link;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One kept-alive HTTP/1.1 connection from a downstream to one upstream of the pull link: blocking, one exchange at a
 * time, opened at the first exchange and again after the upstream closed it.
 *
 * <p>Why not {@code java.net.http.HttpClient}: a collector makes thousands of small exchanges a minute, one per
 * poller, and the JDK's client spends most of a collector's CPU on each (its asynchronous pipeline of futures,
 * subscribers, selector hand-offs and filters, and the compiler's work on all that code; docs/benchmarks.md,
 * "Pipeline (issue 13, goal 5)"). A reader talks to one upstream, one request after the other, so it needs no pool,
 * no multiplexing and no redirects: one socket, a request written in one piece, the answer read by Content-Length or
 * chunks. What the link sends is idempotent (a read, with or without the acknowledgement it carries, and an
 * acknowledgement), so a request that fails on a connection the upstream had closed meanwhile is sent once more on a
 * new one. {@code https} upstreams are checked as the JDK's client checks them: the default trust store, the host
 * name verified ({@code HTTPS} endpoint identification), SNI.
 */
final class LinkConnection implements AutoCloseable {
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;

    /** An answer: its status, the two headers the link reads, and the body. */
    record Response(int status, String contentType, boolean acksOnRead, byte[] body) {}

    private final String address;
    private final int port;
    private final boolean tls;
    private final String hostHeader;
    private final int connectTimeoutMillis;
    private final SSLSocketFactory tlsSockets;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    private long deadline;
    private volatile Socket socket;
    private InputStream in;
    private OutputStream out;
    private volatile boolean closed;
    // not synchronized: a virtual thread waiting on the socket under a monitor pins its carrier on Java 21
    private final ReentrantLock lock = new ReentrantLock();

    LinkConnection(URI base, Duration connectTimeout) {
        this(base, connectTimeout, null);
    }

    /** @param tlsSockets what makes {@code https} connections; null for the JVM's default (its trust store) */
    LinkConnection(URI base, Duration connectTimeout, SSLSocketFactory tlsSockets) {
        this.tlsSockets = tlsSockets;
        this.tls = "https".equals(base.getScheme());
        String host = base.getHost();
        if (host == null) {
            throw new IllegalArgumentException("pull link URL '" + base + "' names no host");
        }
        // an IPv6 literal comes in brackets, as the Host header wants it and the socket does not
        this.address = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        this.port = base.getPort() >= 0 ? base.getPort() : tls ? 443 : 80;
        this.hostHeader = base.getPort() >= 0 ? host + ":" + base.getPort() : host;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    }

    /**
     * Sends a request and reads its whole answer within {@code timeout}.
     *
     * @param target the path and query, as they go on the request line
     * @param headers further header lines, each ending in CRLF
     */
    Response exchange(String method, String target, String headers, Duration timeout) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("connection to " + hostHeader + " closed");
            }
            byte[] request = (method + " " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n" + headers
                    + (method.equals("POST") ? "Content-Length: 0\r\n\r\n" : "\r\n"))
                    .getBytes(StandardCharsets.ISO_8859_1);
            deadline = System.nanoTime() + timeout.toNanos();
            try {
                boolean reused = socket != null;
                try {
                    return send(request);
                } catch (Stale e) {
                    disconnect();
                    if (!reused) {
                        throw e.cause;
                    }
                    // The upstream closed the kept connection meanwhile (idle, restarted): the request never
                    // got there.
                }
                try {
                    return send(request);
                } catch (Stale e) {
                    throw e.cause;
                }
            } catch (SocketTimeoutException e) {
                disconnect();
                SocketTimeoutException named = new SocketTimeoutException("no whole answer from " + hostHeader
                        + " within " + timeout.toMillis() + " ms");
                named.initCause(e);
                throw named;
            } catch (IOException | RuntimeException e) {
                disconnect();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A failure before any byte of the answer came: nothing was read, so nothing was done twice by a retry. */
    private static final class Stale extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient IOException cause;

        Stale(IOException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }

    private Response send(byte[] request) throws IOException, Stale {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            if (!fill()) {
                throw new EOFException("connection closed by " + hostHeader + " before an answer");
            }
        } catch (SocketTimeoutException e) {
            throw e; // a slow upstream, not a closed connection: sending again would only wait twice
        } catch (IOException e) {
            throw new Stale(e);
        }
        while (true) {
            String statusLine = line();
            int status = status(statusLine);
            String contentType = null;
            boolean acksOnRead = false;
            long length = -1;
            boolean chunked = false;
            boolean keep = !statusLine.startsWith("HTTP/1.0");
            for (int n = 0; ; n++) {
                String header = line();
                if (header.isEmpty()) {
                    break;
                }
                if (n == MAX_HEADERS) {
                    throw new IOException("answer from " + hostHeader + " has more than " + MAX_HEADERS + " headers");
                }
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("answer from " + hostHeader + " has a header line without a name: '"
                            + abbreviate(header) + "'");
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = contentLength(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                } else if (name.equalsIgnoreCase("Content-Type")) {
                    contentType = value;
                } else if (name.equalsIgnoreCase(PullRoutes.ACKS_ON_READ)) {
                    acksOnRead = true;
                } else if (name.equalsIgnoreCase("Connection")) {
                    String v = value.toLowerCase(Locale.ROOT);
                    keep = v.contains("close") ? false : v.contains("keep-alive") || keep;
                }
            }
            if (status >= 100 && status < 200) {
                continue; // an interim answer (100 Continue): the real one follows
            }
            byte[] body;
            if (status == 204 || status == 304) {
                body = new byte[0];
            } else if (chunked) {
                body = chunks();
            } else if (length >= 0) {
                body = new byte[(int) length];
                readFully(body, 0, body.length);
            } else {
                body = untilClosed();
                keep = false;
            }
            if (!keep) {
                disconnect();
            }
            return new Response(status, contentType, acksOnRead, body);
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            try {
                s.connect(new InetSocketAddress(address, port), connectTimeoutMillis);
            } catch (SocketTimeoutException e) {
                // not the answer's timeout, which the caller names
                ConnectException named = new ConnectException("no connection to " + hostHeader + " within "
                        + connectTimeoutMillis + " ms");
                named.initCause(e);
                throw named;
            }
            s.setTcpNoDelay(true);
            if (tls) {
                SSLSocketFactory factory = tlsSockets != null ? tlsSockets
                        : (SSLSocketFactory) SSLSocketFactory.getDefault();
                SSLSocket secure = (SSLSocket) factory.createSocket(s, address, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.setSoTimeout(remainingMillis());
                secure.startHandshake();
                s = secure;
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        socket = s;
        if (closed) { // closed by another thread while connecting
            disconnect();
            throw new IOException("connection to " + hostHeader + " closed");
        }
        in = s.getInputStream();
        out = s.getOutputStream();
        position = 0;
        limit = 0;
    }

    private int status(String statusLine) throws IOException {
        // HTTP/1.1 200 OK
        if (statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.charAt(8) == ' ') {
            try {
                int status = Integer.parseInt(statusLine, 9, 12, 10);
                if (status >= 100 && status <= 999) {
                    return status;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IOException("answer from " + hostHeader + " does not start with an HTTP/1.x status line: '"
                + abbreviate(statusLine) + "'");
    }

    private long contentLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length >= 0 && length <= Integer.MAX_VALUE - 8) {
                return length;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("answer from " + hostHeader + " has Content-Length '" + abbreviate(value)
                + "', not a size this link can hold");
    }

    private byte[] chunks() throws IOException {
        byte[] body = new byte[0];
        int size = 0;
        while (true) {
            String line = line();
            int end = line.indexOf(';'); // chunk extensions mean nothing here
            String hex = (end < 0 ? line : line.substring(0, end)).trim();
            long chunk;
            try {
                chunk = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("answer from " + hostHeader + " has a chunk size '" + abbreviate(line)
                        + "' that is not hexadecimal", e);
            }
            if (chunk < 0 || size + chunk > Integer.MAX_VALUE - 8) {
                throw new IOException("answer from " + hostHeader + " has a chunk of " + chunk + " bytes after "
                        + size + ": larger than this link can hold");
            }
            if (chunk == 0) {
                while (!line().isEmpty()) {
                    // trailers: none is read
                }
                return size == body.length ? body : Arrays.copyOf(body, size);
            }
            if (size + chunk > body.length) {
                body = Arrays.copyOf(body, (int) Math.max(size + chunk, Math.min(Integer.MAX_VALUE - 8L,
                        2L * body.length)));
            }
            readFully(body, size, (int) chunk);
            size += (int) chunk;
            if (!line().isEmpty()) {
                throw new IOException("answer from " + hostHeader + " has a chunk of " + chunk
                        + " bytes followed by more than its CRLF");
            }
        }
    }

    private byte[] untilClosed() throws IOException {
        byte[] body = new byte[Math.max(64, limit - position)];
        int size = 0;
        while (true) {
            if (position == limit && !fill()) {
                return Arrays.copyOf(body, size);
            }
            int n = limit - position;
            if (size + n > body.length) {
                if (size + (long) n > Integer.MAX_VALUE - 8) {
                    throw new IOException("answer from " + hostHeader + " is larger than this link can hold");
                }
                body = Arrays.copyOf(body, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(size + n,
                        2L * body.length)));
            }
            System.arraycopy(buffer, position, body, size, n);
            size += n;
            position = limit;
        }
    }

    private void readFully(byte[] into, int offset, int length) throws IOException {
        int buffered = Math.min(length, limit - position);
        System.arraycopy(buffer, position, into, offset, buffered);
        position += buffered;
        int done = buffered;
        while (done < length) {
            socket.setSoTimeout(remainingMillis());
            int n = in.read(into, offset + done, length - done);
            if (n < 0) {
                throw new EOFException("answer from " + hostHeader + " ended after " + done + " of its " + length
                        + " bytes");
            }
            done += n;
        }
    }

    /** A line of the answer's head, without its CRLF (a bare LF ends one too). */
    private String line() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (position == limit && !fill()) {
                throw new EOFException("answer from " + hostHeader + " ended in its head");
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            boolean ended = position < limit;
            int end = position;
            if (ended) {
                position++;
            }
            int length = (line == null ? 0 : line.length()) + end - start;
            if (length > MAX_LINE) {
                throw new IOException("answer from " + hostHeader + " has a line longer than " + MAX_LINE + " bytes");
            }
            if (ended && line == null) {
                int to = end > start && buffer[end - 1] == '\r' ? end - 1 : end;
                return new String(buffer, start, to - start, StandardCharsets.ISO_8859_1);
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
            if (ended) {
                int to = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1
                        : line.length();
                return line.substring(0, to);
            }
        }
    }

    /** Reads what the socket has into the emptied buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        socket.setSoTimeout(remainingMillis());
        int n = in.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(0, n);
        return n > 0;
    }

    private int remainingMillis() throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("out of time");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
    }

    private void disconnect() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        position = 0;
        limit = 0;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing more can be done with a socket that does not close
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }

    /** Closes the connection, from any thread: an exchange under way fails, later ones are refused. */
    @Override
    public void close() {
        closed = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is all that was asked
            }
        }
    }
}
