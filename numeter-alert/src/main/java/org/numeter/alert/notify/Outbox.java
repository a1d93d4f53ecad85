package org.numeter.alert.notify;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.numeter.alert.Change;

/**
 * The durable notification queue: a notice is written here before it is sent, marked as being sent before the
 * attempt (so that two senders never take the same one), and marked sent after. The web keeps it in its database
 * ({@code alert_outbox}); {@link MemoryOutbox} is for tests.
 */
public interface Outbox {

    /** Where an entry is in its life. */
    enum Status { PENDING, SENDING, SENT, HELD, SUMMARIZED, FAILED, DROPPED }

    /**
     * One queued notice.
     *
     * @param host the host, null for a summary
     * @param held for a summary, the number of notices it stands for; 0 otherwise
     * @param attempts attempts started so far
     * @param dueAt when it may be sent next (epoch ms): the end of its grouping window, then of its back-off
     */
    record Entry(long id, long contactId, String host, List<Change> changes, int held, int attempts, long createdAt,
            long dueAt, Status status, String error) {
        public Entry {
            changes = List.copyOf(changes);
        }
    }

    /**
     * Adds a change for a contact: to the contact's entry of that host that is still gathering (pending, never
     * tried, due later than now), or to a new entry due at {@code now + window}.
     */
    void add(long contactId, Change change, long nowMillis, long windowMillis);

    /** Pending entries due at {@code now} or before, the earliest first. */
    List<Entry> due(long nowMillis, int max);

    /** Takes a pending entry for sending (one attempt more); false when someone else took it. */
    boolean claim(long id, long nowMillis);

    void sent(long id, long nowMillis);

    /** A failed attempt: pending again, due at {@code dueAtMillis}, with the error kept. */
    void retry(long id, long dueAtMillis, String error);

    /** Given up: never sent. */
    void fail(long id, String error, long nowMillis);

    /** Nothing left to say (acknowledged, silenced, contact deleted). */
    void drop(long id, String why, long nowMillis);

    /** Held back by the contact's rate limit, for a later summary. */
    void hold(long id, long nowMillis);

    /** Notices sent to the contact since a moment (summaries included). */
    int sentSince(long contactId, long sinceMillis);

    /** Contacts with held notices. */
    List<Long> contactsHolding();

    /** Turns every held notice of a contact into one pending summary, at once; its id, or empty when none. */
    Optional<Long> summarize(long contactId, long nowMillis, int maxChanges);

    /** Entries left being sent since before a moment (a sender died mid-way): pending again; how many. */
    int requeueStale(long claimedBeforeMillis);

    /** How many entries are in each status. */
    Map<Status, Long> counts();

    /** The newest entries, for the web's admin page. */
    List<Entry> recent(int max);
}
