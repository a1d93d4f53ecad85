package org.numeter.poller.munin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A munin-node over TCP. Every read is bounded by the deadline set last, so a node that stops answering cannot hold
 * a thread past it.
 */
final class SocketConnection implements MuninConnection {
    private final Socket socket;
    private final BufferedReader in;
    private final Writer out;
    private long deadline = Long.MAX_VALUE;

    private SocketConnection(Socket socket) throws IOException {
        this.socket = socket;
        // munin-node speaks Latin-1 as often as UTF-8; Latin-1 never fails to decode.
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1);
    }

    static MuninConnection.Connector to(String host, int port) {
        return deadline -> {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), remainingMillis(deadline));
                SocketConnection c = new SocketConnection(socket);
                c.deadline(deadline);
                return c;
            } catch (IOException e) {
                socket.close();
                throw e instanceof SocketTimeoutException
                        ? new SocketTimeoutException("munin-node " + host + ":" + port + ": connect timed out")
                        : new IOException("munin-node " + host + ":" + port + ": " + e.getMessage(), e);
            }
        };
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    @Override
    public void deadline(long nanoTime) {
        this.deadline = nanoTime;
    }

    @Override
    public String readLine() throws IOException {
        if (deadline != Long.MAX_VALUE) {
            socket.setSoTimeout(remainingMillis(deadline));
        }
        return in.readLine();
    }

    @Override
    public void writeLine(String line) throws IOException {
        out.write(line);
        out.write('\n');
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
