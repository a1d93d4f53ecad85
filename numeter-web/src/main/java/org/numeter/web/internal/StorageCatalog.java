package org.numeter.web.internal;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The storages the web asks: those the configuration lists, which only the configuration changes, and those an
 * admin adds through the web, kept in the database. Every change re-asks them all at once.
 */
public final class StorageCatalog {
    private final List<URI> configured;
    private final StorageRepository repository;
    private final Function<URI, StorageClient> clients;
    private final Storages storages;
    private final Clock clock;

    public StorageCatalog(List<URI> configured, StorageRepository repository, Function<URI, StorageClient> clients,
            Storages storages, Clock clock) {
        this.configured = List.copyOf(configured);
        this.repository = repository;
        this.clients = clients;
        this.storages = storages;
        this.clock = clock;
    }

    public synchronized void load() {
        Map<URI, StorageClient> all = new LinkedHashMap<>();
        for (URI u : configured) {
            StorageClient c = clients.apply(u);
            all.putIfAbsent(c.uri(), c);
        }
        Map<URI, Long> ids = new LinkedHashMap<>();
        for (StorageRepository.StoredStorage s : repository.all()) {
            StorageClient c = clients.apply(s.uri());
            if (all.putIfAbsent(c.uri(), c) == null) {
                ids.put(c.uri(), s.id());
            }
        }
        storages.replace(new ArrayList<>(all.values()), ids);
    }

    /** Adds a storage; a URL already asked is a 409. */
    public synchronized long add(URI uri) {
        URI normal = clients.apply(uri).uri();
        if (storages.clients().stream().anyMatch(c -> c.uri().equals(normal))) {
            throw HttpProblem.conflict("storage '" + normal + "' is already asked");
        }
        long id = repository.add(normal, clock.millis());
        load();
        return id;
    }

    public synchronized boolean remove(long id) {
        boolean removed = repository.remove(id);
        if (removed) {
            load();
        }
        return removed;
    }
}
