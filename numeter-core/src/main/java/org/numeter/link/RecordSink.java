package org.numeter.link;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolRecord;

/**
 * The downstream side of a hop: a spool of the next role, or the storage's writer. When {@link #accept} returns,
 * the records are safe there and may be acknowledged upstream.
 */
@FunctionalInterface
public interface RecordSink {
    void accept(List<SpoolRecord> records) throws IOException;

    /** Appends the payloads, unchanged, to a spool, with one durability barrier for the lot. */
    static RecordSink into(Spool spool) {
        return records -> {
            List<byte[]> payloads = new ArrayList<>(records.size());
            for (SpoolRecord r : records) {
                payloads.add(r.payload());
            }
            spool.appendAll(payloads);
        };
    }
}
