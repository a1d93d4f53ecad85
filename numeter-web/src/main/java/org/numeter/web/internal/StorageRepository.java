package org.numeter.web.internal;

import java.net.URI;
import java.util.List;

/** Storages an admin added through the web, kept across restarts. */
public final class StorageRepository {
    /** A stored storage. */
    public record StoredStorage(long id, URI uri) {}

    private final Db db;

    public StorageRepository(Db db) {
        this.db = db;
    }

    public long add(URI uri, long now) {
        return db.insert("INSERT INTO storages (url, added_at) VALUES (?, ?)", uri.toString(), now);
    }

    public List<StoredStorage> all() {
        return db.list("SELECT id, url FROM storages ORDER BY id",
                rs -> new StoredStorage(rs.getLong(1), URI.create(rs.getString(2))));
    }

    public boolean remove(long id) {
        return db.update("DELETE FROM storages WHERE id = ?", id) == 1;
    }
}
