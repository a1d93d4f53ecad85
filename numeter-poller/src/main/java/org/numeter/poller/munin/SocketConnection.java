package org.numeter.poller.munin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A munin-node over TCP. Every read is bounded, so a node that stops answering cannot hold a thread forever. */
final class SocketConnection implements MuninConnection {
    private final Socket socket;
    private final BufferedReader in;
    private final Writer out;

    private SocketConnection(Socket socket) throws IOException {
        this.socket = socket;
        // munin-node speaks Latin-1 as often as UTF-8; Latin-1 never fails to decode.
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1);
    }

    static MuninConnection.Connector to(String host, int port, Duration timeout) {
        return () -> {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                return new SocketConnection(socket);
            } catch (IOException e) {
                socket.close();
                throw new IOException("munin-node " + host + ":" + port + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public String readLine() throws IOException {
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
