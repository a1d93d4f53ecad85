package org.numeter.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.numeter.link.Drain;
import org.numeter.telemetry.Meters;
import org.numeter.telemetry.Redact;

/**
 * The storage's figures and check in its process's telemetry, one line per figure: what arrived and what the store
 * made of it ({@code numeter_ingest_*}), its upstreams' drains ({@code numeter_drain_*{role="storage"}}), its files.
 */
final class StorageFigures {
    private static final List<String> DRAIN = List.of("role", "upstream");

    private StorageFigures() {}

    /** One upstream with its drain. */
    private record Upstream(String name, Drain drain) {}

    static Meters bind(Meters m, Storage s) {
        StoreSink sink = s.sink();
        m.check("storage", s::check)
                .counter("numeter.ingest.records", "Records read from upstreams, malformed ones included",
                        sink::records)
                .counter("numeter.ingest.malformed", "Records that were not sample batches: dropped and logged",
                        sink::malformed)
                .counter("numeter.ingest.batches", "Sample batches stored", () -> sink.written().batches())
                .counter("numeter.ingest.points", "Values stored (unknowns included)", () -> sink.written().points())
                .counter("numeter.ingest.duplicates", "Batches dropped as replays: their plugin already had that moment",
                        () -> sink.written().duplicates())
                .counter("numeter.ingest.late", "Batches dropped as late: their plugin already stored a later moment"
                        + " and never had this one (a clock that went back)", () -> sink.written().late())
                .counter("numeter.ingest.future", "Batches refused as too far ahead of the storage's clock",
                        () -> sink.written().future())
                .counter("numeter.ingest.rejected", "Batches the store refused as invalid (the log says why)",
                        () -> sink.written().rejected())
                .counter("numeter.storage.drain.rounds", "Rounds in which every upstream was drained once",
                        s::drainRounds)
                .gauge("numeter.storage.stale.hosts", "Hosts whose last update is older than storage.stale-after steps",
                        () -> staleHosts(s))
                .gauge("numeter.storage.last.drain.timestamp.seconds", "When the last drain round ended (epoch s)",
                        () -> s.lastRoundMillis() / 1000.0)
                .counters("numeter.drain.records", "Records (sample batches) moved from the upstream", DRAIN,
                        () -> upstreams(s), StorageFigures::labels, u -> u.drain().recordsMoved())
                .counters("numeter.drain.pages", "Pages moved from the upstream", DRAIN,
                        () -> upstreams(s), StorageFigures::labels, u -> u.drain().pagesMoved())
                .counters("numeter.drain.errors", "Drains of the upstream that failed (the page comes again)", DRAIN,
                        () -> upstreams(s), StorageFigures::labels, u -> u.drain().failures())
                .gauges("numeter.drain.lag.seconds", "Age of the oldest record the last drain moved", DRAIN,
                        () -> upstreams(s), StorageFigures::labels, u -> u.drain().lagMillis() / 1000.0)
                .gauges("numeter.drain.up", "1 when the last drain of the upstream succeeded, else 0", DRAIN,
                        () -> upstreams(s), StorageFigures::labels, u -> u.drain().failing() ? 0 : 1);
        if (s.store() instanceof RrdStore rrd) {
            m.gauge("numeter.storage.open.files", "Round-robin files open now (at most storage.open-files)",
                            rrd::openFiles)
                    .counter("numeter.ingest.apart", "Points further from their plugin's last one than its file's"
                            + " heartbeat: stored as unknown", () -> rrd.timeFaults().apart())
                    .counter("numeter.storage.heartbeats.raised", "Files whose heartbeat was raised to two of their"
                            + " points' interval, three in a row having come slower than it",
                            () -> rrd.timeFaults().raised())
                    .counter("numeter.storage.files.opened", "Round-robin files opened since start (cache misses)",
                            rrd::filesOpened)
                    .gauge("numeter.storage.layout.warnings", "Files that keep archives other than the configured",
                            () -> rrd.layoutWarnings().size())
                    .gauge("numeter.storage.quarantined.files", "Files moved to the quarantine folder (the log says why)",
                            rrd::quarantinedFiles)
                    .gauge("numeter.storage.pending.bytes", "Memory held by updates waiting to be written"
                            + " (storage.write-behind)", rrd::pendingBytes)
                    .gauge("numeter.storage.pending.oldest.seconds", "Age of the oldest update waiting to be written"
                            + " (0 when none waits)", () -> Math.max(0, rrd.oldestPendingMillis()) / 1000.0)
                    .gauge("numeter.storage.journal.replaying", "1 while the start replays the journal of the last"
                            + " run (the storage is not ready), else 0",
                            () -> rrd.replayState() == RrdStore.ReplayState.REPLAYING ? 1 : 0)
                    .counter("numeter.storage.journal.replayed.records", "Batches the start replayed from the journal"
                            + " of the last run", () -> rrd.replay().records())
                    .counter("numeter.storage.journal.corrupt.records", "Journal records the replay skipped as corrupt"
                            + " (the log names each file and offset)", () -> rrd.replay().corruptRecords())
                    .counter("numeter.storage.quarantine.kept.points", "Waiting points of a quarantined file written"
                            + " into the file made again for its plugin", rrd::quarantineKeptPoints)
                    .counter("numeter.storage.quarantine.dropped.points", "Waiting points of a quarantined file that"
                            + " could not be kept (the log names the plugin)", rrd::quarantineDroppedPoints)
                    .counter("numeter.storage.write.failures",
                            "Writes that failed for the machine's reasons (disk full, read-only, I/O)", rrd::writeFailures);
        }
        return m;
    }

    private static double staleHosts(Storage s) {
        try {
            return s.staleHosts();
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    private static List<Upstream> upstreams(Storage s) {
        List<Upstream> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, ?> e : s.upstreams().entrySet()) {
            out.add(new Upstream(e.getKey(), s.drains().get(i++)));
        }
        return out;
    }

    private static List<String> labels(Upstream u) {
        return List.of("storage", Redact.text(u.name()));
    }
}
