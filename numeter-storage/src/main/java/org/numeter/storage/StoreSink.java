package org.numeter.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.codec.RecordCodec;
import org.numeter.codec.CodecException;
import org.numeter.link.RecordSink;
import org.numeter.model.SampleBatch;
import org.numeter.spool.SpoolRecord;
import org.numeter.store.Store;
import org.numeter.store.StoreWriteException;
import org.numeter.store.WriteListener;
import org.numeter.store.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the last hop: decodes each record into a sample batch and writes them to the store, a few thousand at
 * a time. A record that cannot be decoded is counted and logged with its sequence and the codec's reason, and the
 * others are written; a store that fails throws, so that the page is not acknowledged and comes again.
 */
public final class StoreSink implements RecordSink {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSink.class);

    private final Store store;
    private final int writeSize;
    private final WriteListener listener;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong points = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong future = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    public StoreSink(Store store) {
        this(store, 5000);
    }

    /** @param writeSize the most batches handed to the store in one write */
    public StoreSink(Store store, int writeSize) {
        this(store, writeSize, WriteListener.NONE);
    }

    /**
     * @param writeSize the most batches handed to the store in one write
     * @param listener told of each write's batches once the store has them (the alert engine)
     */
    public StoreSink(Store store, int writeSize, WriteListener listener) {
        if (writeSize <= 0) {
            throw new IllegalArgumentException("write size " + writeSize + " must be positive");
        }
        this.store = store;
        this.writeSize = writeSize;
        this.listener = listener;
    }

    @Override
    public void accept(List<SpoolRecord> page) throws IOException {
        List<SampleBatch> pending = new ArrayList<>(Math.min(page.size(), writeSize));
        for (SpoolRecord r : page) {
            records.incrementAndGet();
            try {
                pending.add(RecordCodec.decode(r.payload()));
            } catch (CodecException e) {
                malformed.incrementAndGet();
                LOG.warn("record {} dropped: {}", r.sequence(), e.getMessage());
            }
            if (pending.size() == writeSize) {
                write(pending);
                pending.clear();
            }
        }
        if (!pending.isEmpty()) {
            write(pending);
        }
    }

    private void write(List<SampleBatch> pending) throws IOException {
        WriteResult r;
        try {
            r = store.write(pending);
        } catch (StoreWriteException e) {
            // what it stored is counted now: the page comes again, and those batches then count as duplicates
            count(e.partial());
            throw e;
        }
        count(r);
        listener.written(pending);
    }

    private void count(WriteResult r) {
        batches.addAndGet(r.batches());
        points.addAndGet(r.points());
        duplicates.addAndGet(r.duplicates());
        late.addAndGet(r.late());
        future.addAndGet(r.future());
        rejected.addAndGet(r.rejected());
    }

    /** What was written since this sink was made. */
    public WriteResult written() {
        return new WriteResult(batches.get(), points.get(), duplicates.get(), late.get(), future.get(),
                rejected.get());
    }

    /** Records received, malformed ones included. */
    public long records() {
        return records.get();
    }

    /** Records that could not be decoded. */
    public long malformed() {
        return malformed.get();
    }

    @Override
    public String toString() {
        return "StoreSink{" + store + "}";
    }
}
