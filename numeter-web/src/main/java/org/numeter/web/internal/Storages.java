package org.numeter.web.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.numeter.store.HostSummary;
import org.numeter.store.PluginSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every storage the web knows, asked in parallel and merged. A host held by one storage is asked of it. A host held
 * by several (a poller that moved, or two roles reporting under one id) is their union: each plugin is asked of the
 * storage with its newest data, so the host neither flips between storages nor loses plugins; the clash is logged
 * once and shown to superusers. A storage that does not answer is listed as down; its hosts show as unavailable
 * instead of failing the page. Answers are cached for a short time so a page of graphs asks once.
 */
public final class Storages {
    private static final Logger LOG = LoggerFactory.getLogger(Storages.class);

    /**
     * Where a host lives.
     *
     * @param storages the storages holding it, the one with its newest data first
     * @param summary its plugins (the union's count when several storages hold it) and newest update
     * @param stale whether the storage with its newest data says it is stale (no update for its threshold)
     * @param plugins for a host several storages hold, the union of their plugins, each with the storage holding
     *     its newest data; empty otherwise (asked of the one storage when needed)
     */
    public record Located(List<StorageClient> storages, HostSummary summary, boolean stale,
            Map<String, Home> plugins) {
        /** The storage to ask for one of the host's plugins. */
        public StorageClient storageOf(String plugin) {
            Home home = plugins.get(plugin);
            return home != null ? home.storage() : storages.get(0);
        }

        /** Whether several storages hold the host. */
        public boolean merged() {
            return storages.size() > 1;
        }

        public List<URI> storageUris() {
            return storages.stream().map(StorageClient::uri).toList();
        }
    }

    /** A plugin of a host held by several storages, and the storage with its newest data. */
    public record Home(PluginSummary plugin, StorageClient storage) {}

    /**
     * The state of one storage at the last refresh.
     *
     * @param id its id when an admin added it through the web, null when the configuration lists it
     * @param error why it is down, or what it says is wrong while it answers (a full disk), or null
     * @param writeBehind its write-behind (what waits to be written, the start's replay of the journal), or null
     *     when it is down or keeps none
     */
    public record Status(Long id, URI uri, boolean up, int hosts, String error,
            StorageClient.WriteBehind writeBehind) {}

    /** What every storage said at one moment. */
    public record Snapshot(Map<String, Located> hosts, List<Status> storages, long takenAt) {
        /** Hosts the storage with their newest data calls stale. */
        public long staleHosts() {
            return hosts.values().stream().filter(Located::stale).count();
        }
    }

    private volatile List<StorageClient> clients;
    private volatile Map<URI, Long> ids = Map.of();
    private final Duration ttl;
    private final Clock clock;
    private final Consumer<Map<String, URI>> onHosts;
    private final Set<String> clashesLogged = ConcurrentHashMap.newKeySet();
    private volatile Snapshot last;

    /**
     * @param onHosts told every host id seen and the storage it is on, after each refresh, so that new hosts are
     *     recorded
     */
    public Storages(List<StorageClient> clients, Duration ttl, Clock clock, Consumer<Map<String, URI>> onHosts) {
        this.clients = List.copyOf(clients);
        this.ttl = ttl;
        this.clock = clock;
        this.onHosts = onHosts;
    }

    public List<StorageClient> clients() {
        return clients;
    }

    /** Replaces the storages asked (the configured ones and those added through the web); the next use asks. */
    public synchronized void replace(List<StorageClient> all, Map<URI, Long> storedIds) {
        this.clients = List.copyOf(all);
        this.ids = Map.copyOf(storedIds);
        this.last = null;
    }

    public Snapshot snapshot() {
        Snapshot s = last;
        if (s != null && clock.millis() - s.takenAt() < ttl.toMillis()) {
            return s;
        }
        return refresh();
    }

    public synchronized Snapshot refresh() {
        List<StorageClient> clients = this.clients;
        List<Future<List<StorageClient.RemoteHost>>> answers = new ArrayList<>();
        List<Future<StorageClient.Reported>> problems = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (StorageClient c : clients) {
                answers.add(pool.submit(c::hosts));
                problems.add(pool.submit(c::status));
            }
        }
        Map<String, List<Held>> held = new TreeMap<>();
        List<Status> statuses = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            StorageClient c = clients.get(i);
            try {
                List<StorageClient.RemoteHost> list = answers.get(i).get();
                for (StorageClient.RemoteHost h : list) {
                    held.computeIfAbsent(h.id(), k -> new ArrayList<>()).add(new Held(c, h));
                }
                StorageClient.Reported reported;
                try {
                    reported = problems.get(i).get();
                } catch (ExecutionException e) {
                    reported = new StorageClient.Reported(null, null);
                }
                statuses.add(new Status(ids.get(c.uri()), c.uri(), true, list.size(), reported.problem(),
                        reported.writeBehind()));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String why = cause instanceof IOException ? cause.getMessage() : String.valueOf(cause);
                LOG.warn("storage {} is down: {}", c.uri(), why);
                statuses.add(new Status(ids.get(c.uri()), c.uri(), false, 0, why, null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                statuses.add(new Status(ids.get(c.uri()), c.uri(), false, 0, "interrupted", null));
            }
        }
        Map<String, Located> hosts = new LinkedHashMap<>();
        held.forEach((id, places) -> hosts.put(id, locate(id, places)));
        clashesLogged.retainAll(hosts.entrySet().stream().filter(e -> e.getValue().merged())
                .map(e -> clashKey(e.getKey(), e.getValue())).toList());
        Snapshot s = new Snapshot(Map.copyOf(hosts), List.copyOf(statuses), clock.millis());
        last = s;
        Map<String, URI> seen = new LinkedHashMap<>();
        hosts.forEach((id, located) -> seen.put(id, located.storages().get(0).uri()));
        onHosts.accept(seen);
        return s;
    }

    private record Held(StorageClient storage, StorageClient.RemoteHost host) {}

    private Located locate(String id, List<Held> places) {
        places.sort(Comparator.comparingLong((Held h) -> h.host().lastUpdate()).reversed());
        List<StorageClient> storages = places.stream().map(Held::storage).toList();
        StorageClient.RemoteHost newest = places.get(0).host();
        // points refused or dropped for their time: each storage counts its own
        long late = places.stream().mapToLong(h -> h.host().late()).sum();
        long future = places.stream().mapToLong(h -> h.host().future()).sum();
        long apart = places.stream().mapToLong(h -> h.host().apart()).sum();
        if (places.size() == 1) {
            return new Located(storages, new HostSummary(id, newest.plugins(), newest.lastUpdate(), late, future,
                    apart),
                    newest.stale(), Map.of());
        }
        // Several storages hold this host: the union of their plugins, each from the one with its newest data.
        Map<String, Home> plugins = new TreeMap<>();
        for (Held h : places) {
            List<PluginSummary> list;
            try {
                list = h.storage().plugins(id);
            } catch (IOException e) {
                continue; // down since it listed its hosts: the others still answer for it
            }
            for (PluginSummary p : list) {
                Home current = plugins.get(p.name());
                if (current == null || p.lastUpdate() > current.plugin().lastUpdate()) {
                    plugins.put(p.name(), new Home(p, h.storage()));
                }
            }
        }
        Located located = new Located(storages, new HostSummary(id, plugins.size(), newest.lastUpdate(), late,
                future, apart), newest.stale(), Map.copyOf(plugins));
        if (clashesLogged.add(clashKey(id, located))) {
            Map<URI, Long> count = new HashMap<>();
            plugins.values().forEach(p -> count.merge(p.storage().uri(), 1L, Long::sum));
            LOG.warn("host {} is held by {} storages ({}): its {} plugins are merged, each read from the storage with"
                    + " its newest data ({}). Give each host one storage, or each role its own id.", id,
                    storages.size(), located.storageUris(), plugins.size(), count);
        }
        return located;
    }

    private static String clashKey(String id, Located located) {
        return id + " " + located.storageUris().stream().map(URI::toString).sorted().toList();
    }

    /** Where a host lives now, or empty when no storage that answers has it. */
    public Optional<Located> located(String host) {
        return Optional.ofNullable(snapshot().hosts().get(host));
    }

    /** The storage to ask for one plugin of a host, or empty when no storage that answers has the host. */
    public Optional<StorageClient> storageOf(String host, String plugin) {
        return located(host).map(l -> l.storageOf(plugin));
    }

    /**
     * The plugins of a host: the merged list when several storages hold it, else its storage's list, asked now;
     * empty when no storage that answers has it.
     */
    public Optional<List<PluginSummary>> plugins(String host) throws IOException {
        Located l = located(host).orElse(null);
        if (l == null) {
            return Optional.empty();
        }
        if (l.merged()) {
            return Optional.of(l.plugins().values().stream().map(Home::plugin).toList());
        }
        return Optional.of(l.storages().get(0).plugins(host));
    }
}
