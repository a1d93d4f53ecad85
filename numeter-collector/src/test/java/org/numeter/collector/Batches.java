package org.numeter.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.RecordCodec;
import org.numeter.model.SampleBatch;
import org.numeter.spool.SpoolReader;
import org.numeter.spool.SpoolRecord;

/** Sample batches for collector tests, and reading a spool back as batches. */
final class Batches {
    static final long T0 = 1_700_000_000L;

    private Batches() {}

    static byte[] load(String host, int i) {
        return BatchCodec.encode(new SampleBatch(host, "load", T0 + 60L * i, Map.of("load", (double) i), null));
    }

    /** Everything a reader holds, decoded, without acknowledging it. */
    static List<SampleBatch> all(SpoolReader reader) throws Exception {
        List<SampleBatch> out = new ArrayList<>();
        long from = 0;
        while (true) {
            List<SpoolRecord> page = reader.read(from, 1000);
            if (page.isEmpty()) {
                return out;
            }
            page.forEach(r -> out.add(RecordCodec.decode(r.payload())));
            from = page.get(page.size() - 1).sequence() + 1;
        }
    }

    static List<SampleBatch> ofPlugin(List<SampleBatch> batches, String plugin) {
        return batches.stream().filter(b -> b.plugin().equals(plugin)).toList();
    }
}
