package org.numeter.collector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An attacker's "poller": it answers the pull link with the batches it was given (about any host) and keeps the
 * {@code Authorization} header of every request, so a test can tell which tokens the collector handed it.
 */
final class TokenTrap implements AutoCloseable {
    private static final byte[] STATS = ("{\"records\":0,\"bytes\":0,\"oldestAppendedAtMillis\":0,"
            + "\"lastSequence\":3,\"dropped\":0,\"corrupt\":0}").getBytes(StandardCharsets.UTF_8);
    private final HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    TokenTrap(List<byte[]> batches) throws IOException {
        StringBuilder page = new StringBuilder("{\"records\":[");
        for (int i = 0; i < batches.size(); i++) {
            page.append(i == 0 ? "" : ",").append("{\"seq\":").append(i + 1).append(",\"appended\":1,\"batch\":")
                    .append(new String(batches.get(i), StandardCharsets.UTF_8)).append('}');
        }
        byte[] full = page.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        byte[] empty = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "(none)" : auth);
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            if (path.endsWith("/records")) {
                // the whole page to a reader starting at the beginning, nothing after it
                boolean first = query != null && (query.startsWith("from=0&") || query.startsWith("from=1&"));
                answer(exchange, 200, first ? full : empty);
            } else if (path.endsWith("/stats")) {
                answer(exchange, 200, STATS);
            } else {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }
        });
        server.start();
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every Authorization header received, {@code (none)} for a request without one. */
    List<String> authorizations() {
        return new ArrayList<>(authorizations);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
