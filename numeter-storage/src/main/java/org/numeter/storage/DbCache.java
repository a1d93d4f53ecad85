package org.numeter.storage;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import org.rrd4j.core.RrdDb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RRD files kept open, least recently used first out. A memory-mapped file costs a mapping and a descriptor,
 * and a machine runs out of those long before it runs out of plugins (about 18,000 was the limit seen), so only
 * {@code capacity} stay open. Every use of a database happens under its key's lock; closing one does too, so a
 * database is never closed while another thread writes to it.
 */
final class DbCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DbCache.class);

    interface Opener {
        RrdDb open() throws IOException;
    }

    private final int capacity;
    private final Function<String, Lock> locks;
    private final LinkedHashMap<String, RrdDb> open = new LinkedHashMap<>(64, 0.75f, true);
    private long opened;

    DbCache(int capacity, Function<String, Lock> locks) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("open files " + capacity + " must be positive");
        }
        this.capacity = capacity;
        this.locks = locks;
    }

    /** The open database of {@code key}; the caller holds the key's lock. */
    RrdDb get(String key, Opener opener) throws IOException {
        synchronized (this) {
            RrdDb db = open.get(key);
            if (db != null) {
                return db;
            }
        }
        RrdDb db = opener.open();
        synchronized (this) {
            open.put(key, db);
            opened++;
        }
        return db;
    }

    /** Closes the database of {@code key} if open; the caller holds the key's lock. */
    void invalidate(String key) throws IOException {
        RrdDb db;
        synchronized (this) {
            db = open.remove(key);
        }
        if (db != null) {
            db.close();
        }
    }

    /** Closes the least recently used databases beyond the capacity; the caller holds no key lock. */
    void trim() {
        while (true) {
            String victim;
            synchronized (this) {
                if (open.size() <= capacity) {
                    return;
                }
                victim = open.keySet().iterator().next();
            }
            Lock lock = locks.apply(victim);
            lock.lock();
            try {
                invalidate(victim);
            } catch (IOException e) {
                LOG.warn("closing {} failed: {}", victim, e.toString());
            } finally {
                lock.unlock();
            }
        }
    }

    synchronized int size() {
        return open.size();
    }

    synchronized long opened() {
        return opened;
    }

    @Override
    public synchronized void close() {
        for (Iterator<Map.Entry<String, RrdDb>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, RrdDb> e = it.next();
            try {
                e.getValue().close();
            } catch (IOException ex) {
                LOG.warn("closing {} failed: {}", e.getKey(), ex.toString());
            }
            it.remove();
        }
    }
}
