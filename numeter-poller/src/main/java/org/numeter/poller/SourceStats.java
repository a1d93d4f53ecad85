package org.numeter.poller;

import java.util.List;
import org.numeter.munin.Problems;

/**
 * What one scheduled source has done since the poller started.
 *
 * @param source the source's name
 * @param cycles collections attempted
 * @param batches batches appended to the spool
 * @param samples values appended to the spool
 * @param failures collections that threw (nothing arrived from them)
 * @param timeouts collections abandoned after the timeout
 * @param skipped cycles not started because an abandoned collection was still hanging
 * @param problems single plugins or lines reported bad while the rest arrived
 * @param lastDurationMillis how long the last finished collection took
 * @param recentProblems the last few problems, newest last, each naming the plugin and the line
 */
public record SourceStats(
        String source,
        long cycles,
        long batches,
        long samples,
        long failures,
        long timeouts,
        long skipped,
        long problems,
        long lastDurationMillis,
        List<String> recentProblems) {

    /** Everything that went wrong, as the self-monitoring plugin counts it. */
    public long errors() {
        return failures + timeouts + skipped + problems;
    }
}
