package org.numeter.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/**
 * One collection of one source.
 *
 * @param host the host id batches are for, unless the source knows better (a munin-node serving another host)
 * @param timestamp epoch second the collection started, for values read at once (a source reading plugins one by
 *     one stamps each with {@link #now()} instead)
 * @param problems where single bad lines are reported (bad output), so that the rest still arrives
 * @param interval the source's interval, which plugin timeouts are derived from when none is configured
 * @param deadlineNanos {@link System#nanoTime()} by which the source must have returned (it stops starting plugins
 *     then and returns what it has), or {@link Long#MAX_VALUE} for none
 * @param clock the wall clock values are stamped with
 * @param outcomes how each plugin's collection ended, for its health
 * @param counters the source's last counter readings, through which a source that knows when within a second it
 *     read its values sends each counter's value at its whole-second stamp ({@link #aligned})
 */
public record Cycle(String host, long timestamp, Problems problems, Duration interval, long deadlineNanos,
        Clock clock, PluginOutcomes outcomes, CounterReadings.Scoped counters) {

    /**
     * A cycle without deadline at a fixed moment, reporting every plugin outcome but success to {@code problems}, its
     * values sent as read ({@link CounterReadings#none()}): for one look at a source.
     */
    public Cycle(String host, long timestamp, Problems problems) {
        this(host, timestamp, problems, Poller.DEFAULT_INTERVAL, Long.MAX_VALUE,
                Clock.fixed(Instant.ofEpochSecond(timestamp), ZoneOffset.UTC), PluginOutcomes.reportingTo(problems),
                CounterReadings.none().forSource(""));
    }

    /** The epoch second now: the time of a value read now. */
    public long now() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    /**
     * {@code batches}, read at {@code readMillis} (epoch milliseconds of {@link #clock()}) and stamped with its
     * second, with each counter's value at that whole second ({@link CounterReadings}).
     */
    public List<SampleBatch> aligned(List<SampleBatch> batches, long readMillis) {
        return counters.align(batches, readMillis);
    }

    /**
     * Milliseconds from {@code clock}'s now to its next whole second. Timestamps are whole seconds: a value read a few
     * milliseconds into a second is stamped with the second it belongs to.
     */
    static long millisToNextSecond(Clock clock) {
        return 1000 - Math.floorMod(clock.millis(), 1000);
    }

    /**
     * Waits for the next whole second of the cycle's clock, when values are read after configs were asked, unless
     * the cycle's deadline comes first.
     */
    public void awaitNextSecond() throws InterruptedException {
        long wait = millisToNextSecond(clock);
        if (!expired() && (deadlineNanos == Long.MAX_VALUE || deadlineNanos - System.nanoTime() > wait * 1_000_000)) {
            Thread.sleep(wait);
        }
    }

    /** Whether the source's deadline has passed. */
    public boolean expired() {
        return deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0;
    }

    /** The earlier of the source's deadline and {@code timeout} from now, as a {@link System#nanoTime()}. */
    public long deadlineWithin(Duration timeout) {
        long own = System.nanoTime() + timeout.toNanos();
        return deadlineNanos == Long.MAX_VALUE || own - deadlineNanos < 0 ? own : deadlineNanos;
    }

    /** A cycle like this one whose bad lines are told to {@code problems}. */
    public Cycle withProblems(Problems other) {
        return new Cycle(host, timestamp, other, interval, deadlineNanos, clock, outcomes, counters);
    }
}
