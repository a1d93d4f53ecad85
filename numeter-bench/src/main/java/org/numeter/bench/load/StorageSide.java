package org.numeter.bench.load;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.codec.RecordCodec;
import org.numeter.link.RecordSink;
import org.numeter.model.SampleBatch;
import org.numeter.spool.SpoolRecord;

/**
 * What a storage does with the collector's spool, minus the disk: drop what it already has (a batch at or before
 * the last time of its plugin), count the rest, and measure each batch's end-to-end lag from its sample time.
 */
final class StorageSide implements RecordSink {
    private final Map<String, Long> lastTime = new HashMap<>();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong worstLagMillis = new AtomicLong();
    private final String ignoredPlugin;

    StorageSide(String ignoredPlugin) {
        this.ignoredPlugin = ignoredPlugin;
    }

    @Override
    public synchronized void accept(List<SpoolRecord> records) throws IOException {
        long now = System.currentTimeMillis();
        for (SpoolRecord r : records) {
            SampleBatch b = RecordCodec.decode(r.payload());
            if (b.plugin().equals(ignoredPlugin)) {
                continue;
            }
            String key = b.host() + '/' + b.plugin();
            Long last = lastTime.get(key);
            if (last != null && b.timestamp() <= last) {
                duplicates.incrementAndGet();
                continue;
            }
            lastTime.put(key, b.timestamp());
            stored.incrementAndGet();
            worstLagMillis.accumulateAndGet(now - b.timestamp() * 1000, Math::max);
        }
    }

    long stored() {
        return stored.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long worstLagMillis() {
        return worstLagMillis.get();
    }
}
