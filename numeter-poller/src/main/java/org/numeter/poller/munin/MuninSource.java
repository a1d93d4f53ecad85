package org.numeter.poller.munin;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.munin.Problems;
import org.numeter.poller.Source;
import org.numeter.munin.MuninConfigParser;
import org.numeter.munin.MuninValueParser;
import org.numeter.munin.MuninNames;

/**
 * A client of one munin-node: every cycle it connects, says {@code cap multigraph}, asks {@code list}, then
 * {@code config} (remembered for {@link #CONFIG_TTL}, asked again sooner when values name an unknown field) and
 * {@code fetch} for each plugin, and {@code quit}s. Connecting every cycle, as munin's own master does, is what
 * makes a munin-node restart harmless. A connection lost in the middle of an answer is reported with the plugin
 * and the cycle carries on over a new connection.
 */
public final class MuninSource implements Source {
    static final Duration CONFIG_TTL = Duration.ofMinutes(10);

    private final String name;
    private final MuninConnection.Connector connector;
    private final String host;
    private final Set<String> only;
    private final String prefix;
    private final Map<String, Cached> configs = new HashMap<>();

    private record Cached(Map<String, Plugin> graphs, long askedAt) {}

    /**
     * @param address {@code host:port} of the node; the port is 4949 when left out
     * @param hostId the Numeter host its batches are for, or null for the poller's own
     * @param plugins the plugins to read, or empty for all the node lists
     * @param timeout bound on connecting and on each read
     * @param prefix put before every plugin name (e.g. {@code munin_}), or empty
     */
    public MuninSource(String address, String hostId, List<String> plugins, Duration timeout, String prefix) {
        this("munin " + address, connector(address, timeout), hostId, plugins, prefix);
    }

    MuninSource(String name, MuninConnection.Connector connector, String hostId, List<String> plugins,
            String prefix) {
        this.name = name;
        this.connector = connector;
        this.host = MuninBatches.hostOrDefault(hostId, null);
        this.only = Set.copyOf(plugins);
        this.prefix = prefix == null ? "" : prefix;
    }

    private static MuninConnection.Connector connector(String address, Duration timeout) {
        String h = address;
        int port = 4949;
        int colon = address.lastIndexOf(':');
        if (colon > 0 && !address.endsWith("]")) {
            h = address.substring(0, colon);
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("munin node '" + address + "': port '"
                        + address.substring(colon + 1) + "' is not a number", e);
            }
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return SocketConnection.to(h, port, timeout);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<SampleBatch> collect(Cycle cycle) throws IOException {
        String batchHost = host == null ? cycle.host() : host;
        Problems problems = cycle.problems();
        List<SampleBatch> out = new ArrayList<>();
        Session session = new Session();
        try {
            List<String> plugins = session.list();
            for (String plugin : plugins) {
                if (!only.isEmpty() && !only.contains(plugin)) {
                    continue;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new IOException(name + ": interrupted after its timeout");
                }
                try {
                    out.addAll(read(session, plugin, batchHost, cycle.timestamp(), problems));
                } catch (EOFException e) {
                    problems.report(MuninNames.plugin(plugin), e.getMessage());
                    session.close();
                    session = new Session();
                    session.list();
                }
            }
            session.quit();
        } finally {
            session.close();
        }
        return MuninBatches.prefixed(out, prefix);
    }

    private List<SampleBatch> read(Session session, String plugin, String batchHost, long timestamp,
            Problems problems) throws IOException {
        long now = System.currentTimeMillis();
        Cached cached = configs.get(plugin);
        if (cached == null || now - cached.askedAt() > CONFIG_TTL.toMillis()) {
            List<String> lines = session.ask("config " + plugin);
            cached = new Cached(MuninConfigParser.parse(plugin, lines, problems), now);
            configs.put(plugin, cached);
        }
        List<MuninValueParser.Value> values = MuninValueParser.parse(plugin, session.ask("fetch " + plugin),
                problems);
        for (MuninValueParser.Value v : values) {
            Plugin graph = cached.graphs().get(v.plugin());
            if (graph == null || graph.field(v.field()).isEmpty()) {
                // The plugin's graphs changed (a new disk, a new interface): ask its config again next cycle.
                configs.remove(plugin);
                break;
            }
        }
        return MuninBatches.build(batchHost, timestamp, cached.graphs(), values, problems);
    }

    /** One connection: banner read, multigraph asked for. */
    private final class Session implements AutoCloseable {
        private final MuninConnection connection;
        private boolean closed;

        Session() throws IOException {
            connection = connector.open();
            String banner = connection.readLine();
            if (banner == null) {
                close();
                throw new IOException(name + ": the node closed the connection before its banner");
            }
            if (!banner.startsWith("#")) {
                close();
                throw new IOException(name + ": '" + banner + "' is not a munin-node banner");
            }
        }

        List<String> list() throws IOException {
            connection.writeLine("cap multigraph");
            String cap = connection.readLine();
            if (cap == null) {
                throw new IOException(name + ": connection closed after 'cap multigraph'");
            }
            connection.writeLine("list");
            String list = connection.readLine();
            if (list == null) {
                throw new IOException(name + ": connection closed after 'list'");
            }
            return list.isBlank() ? List.of() : List.of(list.strip().split("\\s+"));
        }

        /** The lines of a multi-line answer, without the final "."; EOF when the node hung up midway. */
        List<String> ask(String command) throws IOException {
            connection.writeLine(command);
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = connection.readLine();
                if (line == null) {
                    throw new EOFException("connection closed in the middle of the answer to '" + command
                            + "' after " + lines.size() + " line(s)"
                            + (lines.isEmpty() ? "" : ", the last '" + lines.get(lines.size() - 1) + "'"));
                }
                if (line.equals(".")) {
                    return lines;
                }
                lines.add(line);
            }
        }

        void quit() {
            try {
                connection.writeLine("quit");
            } catch (IOException e) {
                // the node may hang up first; nothing is lost
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try {
                    connection.close();
                } catch (IOException e) {
                    // nothing to do
                }
            }
        }
    }

    @Override
    public String toString() {
        return "MuninSource{" + name + "}";
    }
}
