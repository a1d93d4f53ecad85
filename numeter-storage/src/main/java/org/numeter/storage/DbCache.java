package org.numeter.storage;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files kept open (rrd4j databases, descriptors, mappings), at most {@code capacity}, the least recently used
 * closed first (approximately: a file used since the last sweep gets a second chance, as in the CLOCK algorithm, so that a write touches no shared
 * structure when its file is open). Each plugin's database sits in its {@link Handle}; every use and every close
 * of it happens under the plugin's lock, so a database is never closed while another thread writes to it.
 */
final class DbCache<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DbCache.class);

    interface Opener<T> {
        T open() throws IOException;
    }

    interface Closer<T> {
        void close(T open) throws IOException;
    }

    /** One plugin's place in the cache; its fields are guarded by the plugin's lock. */
    static final class Handle<T> {
        final String key;
        private T db;
        private volatile boolean used;

        Handle(String key) {
            this.key = key;
        }
    }

    private final int capacity;
    private final Function<String, Lock> locks;
    private final Closer<T> closer;
    private final ConcurrentLinkedQueue<Handle<T>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong opened = new AtomicLong();

    DbCache(int capacity, Function<String, Lock> locks, Closer<T> closer) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("open files " + capacity + " must be positive");
        }
        this.capacity = capacity;
        this.locks = locks;
        this.closer = closer;
    }

    /** The open database of a plugin; the caller holds the plugin's lock. */
    T get(Handle<T> h, Opener<T> opener) throws IOException {
        T db = h.db;
        if (db != null) {
            if (!h.used) {
                h.used = true;
            }
            return db;
        }
        db = opener.open();
        h.db = db;
        h.used = true;
        open.incrementAndGet();
        opened.incrementAndGet();
        queue.add(h);
        return db;
    }

    /** Closes a plugin's database if open; the caller holds the plugin's lock. */
    void invalidate(Handle<T> h) throws IOException {
        T db = h.db;
        if (db != null) {
            h.db = null;
            open.decrementAndGet();
            closer.close(db);
        }
    }

    /** Whether a plugin's file is open here; the caller holds the plugin's lock. */
    boolean isOpen(Handle<T> h) {
        return h.db != null;
    }

    /** Closes databases until at most {@code capacity} are open; the caller holds no plugin lock. */
    void trim() {
        if (open.get() <= capacity) {
            return;
        }
        // two passes over the queue close enough: the first clears the marks, the second finds them clear
        int sweeps = 2 * queue.size() + 16;
        while (open.get() > capacity && sweeps-- > 0) {
            Handle<T> h = queue.poll();
            if (h == null) {
                return;
            }
            Lock lock = locks.apply(h.key);
            lock.lock();
            try {
                if (h.db == null) {
                    continue;
                }
                if (h.used) {
                    h.used = false;
                    queue.add(h);
                    continue;
                }
                invalidate(h);
            } catch (IOException e) {
                LOG.warn("closing {} failed: {}", h.key, e.toString());
            } finally {
                lock.unlock();
            }
        }
    }

    int size() {
        return open.get();
    }

    long opened() {
        return opened.get();
    }

    /** Closes every database; the caller holds every plugin lock. */
    @Override
    public void close() {
        Handle<T> h;
        while ((h = queue.poll()) != null) {
            try {
                invalidate(h);
            } catch (IOException e) {
                LOG.warn("closing {} failed: {}", h.key, e.toString());
            }
        }
    }
}
