package org.numeter.collector;

/**
 * What a collector knows about one of its pollers, as its status endpoint shows it. Times are epoch
 * milliseconds, 0 when it never happened.
 *
 * @param host the poller's host id
 * @param url its pull endpoint
 * @param source where the collector learnt of it: {@code static}, {@code file} or {@code registered}
 * @param lastAttempt when the last drain started
 * @param lastSuccess when the last drain ended without error
 * @param lagMillis how old the oldest record moved by the last successful drain was when it arrived here; 0
 *     when that drain found nothing
 * @param consecutiveErrors failed drains since the last success
 * @param lastError the last failure's message, or null after a success
 * @param records records moved from this poller since the collector started
 * @param rejected records refused (oversized, malformed, or carrying another host) since the collector started
 * @param pollerDropped records the poller's own spool dropped because it was full, or -1 when not known
 * @param lastRecord when a drain last moved at least one record from it
 * @param silent whether no record came from it for the collector's silence threshold (a number of intervals)
 * @param silentAfterMillis that threshold for this poller: {@code collector.silent-after} of its interval, as
 *     learned from how often its records arrive (at least the collector's interval)
 */
public record PollerStatus(
        String host,
        String url,
        String source,
        long lastAttempt,
        long lastSuccess,
        long lagMillis,
        long consecutiveErrors,
        String lastError,
        long records,
        long rejected,
        long pollerDropped,
        long lastRecord,
        boolean silent,
        long silentAfterMillis) {}
