package org.numeter.poller.munin;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.MuninNames;
import org.numeter.poller.Cycle;
import org.numeter.poller.Poller;
import org.numeter.poller.Source;

/**
 * A client of one munin-node. Every cycle one connection says {@code cap multigraph dirtyconfig} and asks
 * {@code list}; then up to {@code connections} connections at once (munin-update itself talks to several nodes at
 * once) take the plugins one by one: {@code config} (remembered for {@link PluginReader#CONFIG_TTL}, asked again
 * sooner when values name an unknown field; with dirtyconfig its values are used and no {@code fetch} is sent) and
 * {@code fetch}. Each plugin has its own deadline: one that does not answer in time is abandoned alone (its
 * connection closed, another opened for the next plugin) while the other connections go on, so a hanging plugin
 * costs only its own value. munin-node's own timeout ({@code # Timed out}, or nothing) is a timed-out plugin, not a
 * broken node. Connecting every cycle, as munin's own master does, is what makes a munin-node restart harmless.
 */
public final class MuninSource implements Source {
    /** Connections to one node at once when none is configured. */
    public static final int DEFAULT_CONNECTIONS = 4;

    private final String name;
    private final MuninConnection.Connector connector;
    private final String host;
    private final Set<String> only;
    private final String prefix;
    private final Duration timeout;
    private final int connections;
    private final PluginReader reader = new PluginReader();

    /**
     * @param address {@code host:port} of the node; the port is 4949 when left out
     * @param hostId the Numeter host its batches are for, or null for the poller's own
     * @param plugins the plugins to read, or empty for all the node lists
     * @param timeout bound on connecting and on each plugin's answers, or null for
     *     {@link Poller#defaultPluginTimeout(Duration) half the interval}
     * @param connections connections to the node at once, at least 1
     * @param prefix put before every plugin name (e.g. {@code munin_}), or empty
     */
    public MuninSource(String address, String hostId, List<String> plugins, Duration timeout, int connections,
            String prefix) {
        this("munin " + address, connector(address), hostId, plugins, timeout, connections, prefix);
    }

    MuninSource(String name, MuninConnection.Connector connector, String hostId, List<String> plugins,
            Duration timeout, int connections, String prefix) {
        if (connections < 1) {
            throw new IllegalArgumentException(name + ": connections " + connections + " must be at least 1");
        }
        this.name = name;
        this.connector = connector;
        this.host = MuninBatches.hostOrDefault(hostId, null);
        this.only = Set.copyOf(plugins);
        this.timeout = timeout;
        this.connections = connections;
        this.prefix = prefix == null ? "" : prefix;
    }

    private static MuninConnection.Connector connector(String address) {
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
        return SocketConnection.to(h, port);
    }

    @Override
    public String name() {
        return name;
    }

    private Duration timeout(Cycle cycle) {
        return timeout != null ? timeout : Poller.defaultPluginTimeout(cycle.interval());
    }

    /**
     * @throws IOException when the node cannot be reached or does not list its plugins: nothing could be read
     */
    @Override
    public List<SampleBatch> collect(Cycle cycle) throws IOException, InterruptedException {
        Duration bound = timeout(cycle);
        Session first = new Session(cycle.deadlineWithin(bound));
        List<String> listed;
        try {
            listed = first.list();
        } catch (IOException e) {
            first.close();
            throw e;
        }
        List<String> plugins = listed.stream().filter(p -> only.isEmpty() || only.contains(p)).toList();
        String batchHost = host == null ? cycle.host() : host;
        ConcurrentLinkedDeque<Session> idle = new ConcurrentLinkedDeque<>();
        idle.add(first);
        Map<String, List<SampleBatch>> read = new ConcurrentHashMap<>();
        reader.startCycle();
        try {
            // The other connections opened now, and configs asked, so that every cycle reads values the same way:
            // on open connections from the next whole second (munin-node forks a process per connection).
            open(Math.min(connections, plugins.size()) - 1, idle, bound, cycle);
            List<String> configs = plugins.stream().filter(reader::needsConfig).toList();
            if (!configs.isEmpty()) {
                round(configs, idle, bound, cycle, (s, plugin) -> reader.config(s.asker(plugin), plugin, cycle));
            }
            cycle.awaitNextSecond();
            round(plugins.stream().filter(p -> !reader.needsConfig(p)).toList(), idle, bound, cycle,
                    (s, plugin) -> read.put(plugin, reader.values(s.asker(plugin), plugin, batchHost, cycle)));
        } finally {
            for (Session s : idle) {
                s.quit();
                s.close();
            }
        }
        List<SampleBatch> out = new ArrayList<>();
        for (String plugin : plugins) {
            out.addAll(read.getOrDefault(plugin, List.of()));
        }
        return MuninBatches.prefixed(out, prefix);
    }

    /** Opens {@code n} more connections at once into {@code idle}; one that fails is opened again when needed. */
    private void open(int n, ConcurrentLinkedDeque<Session> idle, Duration bound, Cycle cycle)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    Session s = new Session(cycle.deadlineWithin(bound));
                    s.capabilities();
                    idle.add(s);
                } catch (IOException e) {
                    // the round that needs it opens it, and tells the plugin's failure
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** What one round does with one plugin over one connection. */
    @FunctionalInterface
    private interface Step {
        void run(Session session, String plugin) throws IOException;
    }

    /**
     * Takes {@code plugins} one by one over up to {@code connections} connections at once (idle ones first), each
     * plugin bounded by its own deadline; a connection that timed out or broke is closed and another opened for
     * the next plugin. Returns when every plugin was taken or the cycle's time is up.
     */
    private void round(List<String> plugins, ConcurrentLinkedDeque<Session> idle, Duration bound, Cycle cycle,
            Step step) throws InterruptedException {
        ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(plugins);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < Math.min(connections, plugins.size()); i++) {
            threads.add(Thread.ofVirtual().name(name + " connection " + (i + 1))
                    .start(() -> work(queue, idle, bound, cycle, step)));
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
    }

    private void work(ConcurrentLinkedQueue<String> queue, ConcurrentLinkedDeque<Session> idle, Duration bound,
            Cycle cycle, Step step) {
        Session session = idle.poll();
        try {
            String plugin;
            while ((plugin = queue.poll()) != null) {
                String graph = MuninNames.plugin(plugin);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (cycle.expired()) {
                    cycle.outcomes().timedOut(graph, "not asked: the source's timeout passed before its turn");
                    continue;
                }
                long deadline = cycle.deadlineWithin(bound);
                try {
                    if (session == null) {
                        session = new Session(deadline);
                        session.capabilities();
                    }
                    session.connection.deadline(deadline);
                    step.run(session, plugin);
                } catch (SocketTimeoutException e) {
                    cycle.outcomes().timedOut(graph, "no answer within " + bound.toMillis()
                            + " ms; its connection was closed and the others went on");
                    session = closed(session);
                } catch (IOException e) {
                    cycle.outcomes().failed(graph, null, e.getMessage());
                    session = closed(session);
                }
            }
            if (session != null) {
                idle.add(session);
                session = null;
            }
        } finally {
            closed(session);
        }
    }

    private static Session closed(Session session) {
        if (session != null) {
            session.close();
        }
        return null;
    }

    /** One connection: banner read, capabilities told. */
    private final class Session implements AutoCloseable {
        private final MuninConnection connection;
        private boolean closed;

        Session(long deadline) throws IOException {
            connection = connector.open(deadline);
            connection.deadline(deadline);
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

        /** Asks {@code plugin}'s config or values over this connection, munin-node's "no value" answers thrown. */
        PluginReader.Asker asker(String plugin) {
            return config -> {
                String command = (config ? "config " : "fetch ") + plugin;
                return PluginReader.nodeVerdict(command, ask(command));
            };
        }

        void capabilities() throws IOException {
            connection.writeLine("cap multigraph dirtyconfig");
            if (connection.readLine() == null) {
                throw new EOFException(name + ": connection closed after 'cap multigraph dirtyconfig'");
            }
        }

        List<String> list() throws IOException {
            capabilities();
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
