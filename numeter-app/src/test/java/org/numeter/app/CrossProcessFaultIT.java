package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, with real processes: {@code numeter poller}, {@code numeter collector} and {@code numeter storage}, each
 * in its own JVM, linked over HTTP, one of them killed or stopped while the others go on. After each fault the
 * storage's points are compared one by one with the timestamps the poller produced ({@link ExpectedPoints}):
 * nothing spooled is lost, nothing is stored twice, nothing out of order. Each test prints what it counted.
 *
 * <p>Role output is kept in {@code target/e2e/<test>/<role>.log}.
 */
@Timeout(60)
class CrossProcessFaultIT {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    @TempDir
    Path data;

    Chain chain;

    @BeforeEach
    void create(TestInfo test) throws IOException {
        chain = Chain.create(data, Paths.get("target", "e2e", test.getTestMethod().orElseThrow().getName()));
    }

    @AfterEach
    void killWhatRuns() {
        chain.close();
    }

    @Test
    void aPollerKilledDuringACollectorOutageDeliversEverythingItHadSpooledOnce() throws Exception {
        chain.start();
        awaitStoredPoints(2);

        chain.collector().stop();
        int producedBeforeOutage = chain.produced().size();
        // Nobody fetches now: what the poller produces stays in its spool.
        await("the poller spooling with its collector down").atMost(WITHIN).pollInterval(POLL)
                .until(() -> chain.produced().size() >= producedBeforeOutage + 4);

        chain.poller().kill();
        List<Long> producedBeforeKill = chain.produced();
        long lastBeforeKill = producedBeforeKill.getLast();
        chain.poller().start().awaitReady();
        List<Long> held = chain.heldByPoller();

        // SYNC durability: an append that returned survived the kill. Only the sample produced last may have been
        // caught between its collection and its append; the spool holds every other one, in order.
        List<Long> spooledInOutage = new ArrayList<>(producedBeforeKill.subList(producedBeforeOutage,
                producedBeforeKill.size() - 1));
        assertThat(held).as("poller spool after SIGKILL and restart").containsAll(spooledInOutage).isSorted();
        // A poller started again within the second it was killed in collects that second again (its first
        // collection is at once, aligned to the interval): the one repeat there may be, dropped by the storage.
        List<Long> repeated = held.stream().filter(t -> Collections.frequency(held, t) > 1).distinct().toList();
        assertThat(repeated).as("seconds the poller's spool holds twice").isSubsetOf(lastBeforeKill);
        boolean lostInFlight = !held.contains(lastBeforeKill);

        chain.collector().start().awaitReady();
        Result r = awaitEverythingUpTo(chain.produced().getLast() + 3, lostInFlight ? lastBeforeKill : null);

        System.out.printf("poller SIGKILL in a collector outage: produced %d, held across the kill %d (in flight,"
                + " not spooled: %d), stored %d known points, duplicates dropped %d%n", r.produced, held.size(),
                lostInFlight ? 1 : 0, r.stored.size(), r.duplicates);
        assertThat(r.stored).containsExactlyEntriesOf(r.expected);
        assertThat(spooledInOutage).allSatisfy(t -> assertThat(r.stored).containsEntry(t, (double) t));
    }

    @Test
    void aCollectorDownForSeveralIntervalsLosesNothingAndTheStorageGetsEverySampleOnceInOrder() throws Exception {
        chain.start();
        awaitStoredPoints(2);

        chain.collector().kill();
        int producedBeforeOutage = chain.produced().size();
        // A source logs a sample before its append and the next one after it: 7 logged means 6 appended.
        await("the poller spooling with its collector down").atMost(WITHIN).pollInterval(POLL)
                .until(() -> chain.produced().size() >= producedBeforeOutage + 7);
        List<Long> held = chain.heldByPoller();
        assertThat(held).as("poller spool in the outage")
                .containsAll(chain.produced().subList(producedBeforeOutage, producedBeforeOutage + 6));

        chain.collector().start().awaitReady();
        Result r = awaitEverythingUpTo(chain.produced().getLast() + 3, null);

        System.out.printf("collector SIGKILL: produced %d, held by the poller in the outage %d, stored %d known"
                + " points, duplicates dropped %d%n", r.produced, held.size(), r.stored.size(), r.duplicates);
        assertThat(r.stored).containsExactlyEntriesOf(r.expected);
        assertThat(held).allSatisfy(t -> assertThat(r.stored).containsEntry(t, (double) t));
    }

    @Test
    void aStorageDownWhileTheCollectorKeepsFetchingGetsEverythingFromTheCollectorsSpool() throws Exception {
        chain.start();
        awaitStoredPoints(2);

        chain.storage().kill();
        int producedBeforeOutage = chain.produced().size();
        long collectorHeld = chain.collectorSpoolRecords();
        // The collector keeps emptying the poller; what it fetched waits in its own spool.
        await("the collector holding what the storage cannot take").atMost(WITHIN).pollInterval(POLL)
                .until(() -> fetchedByCollectorSince(producedBeforeOutage).size() >= 5
                        && chain.collectorSpoolRecords() >= collectorHeld + 10);
        List<Long> onlyAtCollector = fetchedByCollectorSince(producedBeforeOutage);
        long heldByCollector = chain.collectorSpoolRecords();

        chain.storage().start().awaitReady();
        Result r = awaitEverythingUpTo(chain.produced().getLast() + 3, null);

        System.out.printf("storage SIGKILL: produced %d, held by the collector %d records (%d samples no longer at"
                + " the poller), stored %d known points, duplicates dropped %d%n", r.produced, heldByCollector,
                onlyAtCollector.size(), r.stored.size(), r.duplicates);
        assertThat(r.stored).containsExactlyEntriesOf(r.expected);
        assertThat(onlyAtCollector).allSatisfy(t -> assertThat(r.stored).containsEntry(t, (double) t));
    }

    /**
     * Samples produced since the {@code since}-th that the poller's spool no longer holds: with the storage down,
     * the collector acknowledged them, so only its spool has them. The newest is left out, as it may be produced
     * and not yet appended.
     */
    private List<Long> fetchedByCollectorSince(int since) throws Exception {
        List<Long> produced = chain.produced();
        List<Long> held = chain.heldByPoller();
        List<Long> fetched = new ArrayList<>(produced.subList(Math.min(since, produced.size()),
                Math.max(since, produced.size() - 1)));
        fetched.removeAll(held);
        return fetched;
    }

    private void awaitStoredPoints(int n) {
        await("the storage holding " + n + " points from the poller").atMost(WITHIN).pollInterval(POLL).until(() -> {
            List<Long> produced = chain.produced();
            return produced.size() >= n
                    && chain.stored(produced.getFirst(), produced.getLast()).size() >= n;
        });
    }

    private record Result(int produced, SortedMap<Long, Double> stored, SortedMap<Long, Double> expected,
            long duplicates) {}

    /**
     * Waits until the storage holds the point at {@code cutoff}, which it can only do once every earlier update
     * reached it, then reads its points and what the poller produced.
     *
     * @param notSpooled a sample produced but never spooled (a kill between collection and append), or null
     */
    private Result awaitEverythingUpTo(long cutoff, Long notSpooled) throws Exception {
        long from = chain.produced().getFirst() - 5;
        await("the storage holding the point at " + cutoff).atMost(WITHIN).pollInterval(POLL)
                .until(() -> chain.stored(cutoff - Chain.STEP, cutoff).containsKey(cutoff));
        SortedMap<Long, Double> stored = chain.stored(from, cutoff);
        // Read after the storage: the update that made the cutoff known is among these.
        List<Long> produced = chain.produced();
        List<Long> delivered = new ArrayList<>(produced);
        if (notSpooled != null) {
            delivered.remove(notSpooled);
        }
        long duplicates = chain.storageStatus().get("duplicates").asLong();
        SortedMap<Long, Double> expected = ExpectedPoints.of(delivered, Chain.STEP, Chain.HEARTBEAT, from, cutoff);
        StringBuilder timeline = new StringBuilder("second\tproduced\tstored\texpected\n");
        for (long t = from; t <= cutoff; t++) {
            String made = !produced.contains(t) ? "-" : Long.valueOf(t).equals(notSpooled) ? "not spooled" : "yes";
            timeline.append(t).append('\t').append(made).append('\t').append(show(stored.get(t))).append('\t')
                    .append(show(expected.get(t))).append('\n');
        }
        chain.keep("timeline.tsv", timeline.toString());
        return new Result((int) produced.stream().filter(t -> t <= cutoff).count(), stored, expected, duplicates);
    }

    private static String show(Double value) {
        return value == null ? "unknown" : String.valueOf(value.longValue());
    }
}
