package org.numeter.web.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.numeter.store.HostSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every storage the web knows, asked in parallel and merged: a host lives on the storage that has its newest
 * sample, and its queries go there. A storage that does not answer is listed as down; its hosts show as
 * unavailable instead of failing the page. Answers are cached for a short time so a page of graphs asks once.
 */
public final class Storages {
    private static final Logger LOG = LoggerFactory.getLogger(Storages.class);

    /** Where a host lives. */
    public record Located(StorageClient storage, HostSummary summary) {}

    /**
     * The state of one storage at the last refresh.
     *
     * @param id its id when an admin added it through the web, null when the configuration lists it
     * @param error why it is down, or what it says is wrong while it answers (a full disk), or null
     */
    public record Status(Long id, URI uri, boolean up, int hosts, String error) {}

    /** What every storage said at one moment. */
    public record Snapshot(Map<String, Located> hosts, List<Status> storages, long takenAt) {}

    private volatile List<StorageClient> clients;
    private volatile Map<URI, Long> ids = Map.of();
    private final Duration ttl;
    private final Clock clock;
    private final Consumer<Map<String, URI>> onHosts;
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
        List<Future<List<HostSummary>>> answers = new ArrayList<>();
        List<Future<String>> problems = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (StorageClient c : clients) {
                answers.add(pool.submit(c::hosts));
                problems.add(pool.submit(c::problem));
            }
        }
        Map<String, Located> hosts = new LinkedHashMap<>();
        List<Status> statuses = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            StorageClient c = clients.get(i);
            try {
                List<HostSummary> list = answers.get(i).get();
                for (HostSummary h : list) {
                    Located previous = hosts.get(h.id());
                    if (previous == null || previous.summary().lastUpdate() < h.lastUpdate()) {
                        hosts.put(h.id(), new Located(c, h));
                    }
                }
                String problem;
                try {
                    problem = problems.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    problem = null;
                }
                statuses.add(new Status(ids.get(c.uri()), c.uri(), true, list.size(), problem));
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                String why = cause instanceof IOException ? cause.getMessage() : String.valueOf(cause);
                LOG.warn("storage {} is down: {}", c.uri(), why);
                statuses.add(new Status(ids.get(c.uri()), c.uri(), false, 0, why));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                statuses.add(new Status(ids.get(c.uri()), c.uri(), false, 0, "interrupted"));
            }
        }
        Snapshot s = new Snapshot(Map.copyOf(hosts), List.copyOf(statuses), clock.millis());
        last = s;
        Map<String, URI> seen = new LinkedHashMap<>();
        hosts.forEach((id, located) -> seen.put(id, located.storage().uri()));
        onHosts.accept(seen);
        return s;
    }

    /** The storage holding a host now, or empty when no storage that answers has it. */
    public Optional<StorageClient> storageOf(String host) {
        Located l = snapshot().hosts().get(host);
        return l == null ? Optional.empty() : Optional.of(l.storage());
    }
}
