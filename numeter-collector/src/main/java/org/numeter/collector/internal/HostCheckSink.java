package org.numeter.collector.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.numeter.codec.RecordCodec;
import org.numeter.link.RecordSink;
import org.numeter.spool.SpoolRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets through only the records a poller may send: a well-formed batch, no larger than the limit, about the
 * poller's own host, so that no host can write another's data, and not too far ahead of the collector's clock (a
 * point from a clock that jumped ahead would block its plugin in the storage until that time). A refused record is
 * counted, logged (a future one once per host, see {@link org.numeter.time.TimeFaults}) and acknowledged with the
 * rest of its page (sending it again would not make it acceptable); the others go on, unchanged.
 *
 * <p>It reads only each record's envelope ({@link RecordCodec#envelope}: host, plugin, time, the framing and the
 * names checked), never the values, so that a collector forwards what it does not need to read.
 */
public final class HostCheckSink implements RecordSink {
    private static final Logger LOG = LoggerFactory.getLogger(HostCheckSink.class);

    private final String host;
    private final RecordSink next;
    private final int maxBatchBytes;
    private final Rejections rejections;
    private final long nowMillis;
    private long accepted;
    private long rejected;
    private long oldestAppended;

    public HostCheckSink(String host, RecordSink next, int maxBatchBytes, Rejections rejections, long nowMillis) {
        this.host = host;
        this.next = next;
        this.maxBatchBytes = maxBatchBytes;
        this.rejections = rejections;
        this.nowMillis = nowMillis;
    }

    @Override
    public void accept(List<SpoolRecord> records) throws IOException {
        List<SpoolRecord> good = new ArrayList<>(records.size());
        for (SpoolRecord r : records) {
            String problem = problem(r);
            if (problem == null) {
                good.add(r);
                if (oldestAppended == 0 || r.appendedAtMillis() < oldestAppended) {
                    oldestAppended = r.appendedAtMillis();
                }
            } else {
                rejected++;
                if (!problem.isEmpty()) {
                    LOG.warn("poller {}: record {} rejected: {}", host, r.sequence(), problem);
                }
            }
        }
        if (!good.isEmpty()) {
            next.accept(good);
            accepted += good.size();
        }
    }

    /** Why a record is refused (an empty text when that was logged already), or null when it may pass. */
    private String problem(SpoolRecord r) {
        if (r.payload().length > maxBatchBytes) {
            rejections.oversized.incrementAndGet();
            return "batch of " + r.payload().length + " bytes is larger than the limit of " + maxBatchBytes;
        }
        RecordCodec.Envelope batch;
        try {
            batch = RecordCodec.envelope(r.payload());
        } catch (IllegalArgumentException e) { // CodecException, or a model rule the codec let through
            rejections.malformed.incrementAndGet();
            return "malformed batch: " + e.getMessage();
        }
        if (!batch.host().equals(host)) {
            rejections.foreignHost.incrementAndGet();
            return "batch for host '" + batch.host() + "' (plugin " + batch.plugin() + ") from poller " + host
                    + ": a poller may only send its own host's data";
        }
        long ahead = rejections.time.policy().refusedAhead(batch.time());
        if (ahead > 0) {
            // counted and logged once per host there: a clock off sends every batch ahead
            rejections.time.future(host, batch.plugin(), batch.time(), ahead);
            return "";
        }
        return null;
    }

    public long accepted() {
        return accepted;
    }

    public long rejected() {
        return rejected;
    }

    /** Age at {@code nowMillis} of the oldest record let through, 0 when none was. */
    public long lagMillis() {
        return oldestAppended == 0 ? 0 : Math.max(0, nowMillis - oldestAppended);
    }
}
