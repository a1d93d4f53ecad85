package org.numeter.alert.notify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.numeter.alert.Change;

/** An {@link Outbox} in memory, for tests: the same behaviour as the web's table, nothing durable. */
public final class MemoryOutbox implements Outbox {
    private final Map<Long, Entry> entries = new LinkedHashMap<>();
    private final Map<Long, Long> claimedAt = new LinkedHashMap<>();
    private final Map<Long, Long> sentAt = new LinkedHashMap<>();
    private long next = 1;

    @Override
    public synchronized void add(long contactId, Change change, long nowMillis, long windowMillis) {
        for (Entry e : entries.values()) {
            if (e.contactId() == contactId && e.status() == Status.PENDING && e.attempts() == 0 && e.held() == 0
                    && change.host().equals(e.host()) && e.dueAt() > nowMillis) {
                List<Change> more = new ArrayList<>(e.changes());
                more.add(change);
                put(e, more, e.attempts(), e.dueAt(), e.status(), e.error());
                return;
            }
        }
        long id = next++;
        entries.put(id, new Entry(id, contactId, change.host(), List.of(change), 0, 0, nowMillis,
                nowMillis + windowMillis, Status.PENDING, null));
    }

    private void put(Entry e, List<Change> changes, int attempts, long dueAt, Status status, String error) {
        entries.put(e.id(), new Entry(e.id(), e.contactId(), e.host(), changes, e.held(), attempts, e.createdAt(),
                dueAt, status, error));
    }

    private void set(long id, Status status, int attempts, long dueAt, String error) {
        Entry e = entries.get(id);
        put(e, e.changes(), attempts, dueAt, status, error);
    }

    @Override
    public synchronized List<Entry> due(long nowMillis, int max) {
        return entries.values().stream().filter(e -> e.status() == Status.PENDING && e.dueAt() <= nowMillis)
                .sorted(Comparator.comparingLong(Entry::dueAt).thenComparingLong(Entry::id)).limit(max).toList();
    }

    @Override
    public synchronized boolean claim(long id, long nowMillis) {
        Entry e = entries.get(id);
        if (e == null || e.status() != Status.PENDING) {
            return false;
        }
        set(id, Status.SENDING, e.attempts() + 1, e.dueAt(), e.error());
        claimedAt.put(id, nowMillis);
        return true;
    }

    @Override
    public synchronized void sent(long id, long nowMillis) {
        Entry e = entries.get(id);
        set(id, Status.SENT, e.attempts(), e.dueAt(), null);
        sentAt.put(id, nowMillis);
    }

    @Override
    public synchronized void retry(long id, long dueAtMillis, String error) {
        Entry e = entries.get(id);
        set(id, Status.PENDING, e.attempts(), dueAtMillis, error);
    }

    @Override
    public synchronized void fail(long id, String error, long nowMillis) {
        Entry e = entries.get(id);
        set(id, Status.FAILED, e.attempts(), e.dueAt(), error);
    }

    @Override
    public synchronized void drop(long id, String why, long nowMillis) {
        Entry e = entries.get(id);
        set(id, Status.DROPPED, e.attempts(), e.dueAt(), why);
    }

    @Override
    public synchronized void hold(long id, long nowMillis) {
        Entry e = entries.get(id);
        set(id, Status.HELD, e.attempts(), e.dueAt(), null);
    }

    @Override
    public synchronized int sentSince(long contactId, long sinceMillis) {
        int n = 0;
        for (var s : sentAt.entrySet()) {
            if (s.getValue() >= sinceMillis && entries.get(s.getKey()).contactId() == contactId) {
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized List<Long> contactsHolding() {
        return entries.values().stream().filter(e -> e.status() == Status.HELD).map(Entry::contactId).distinct()
                .toList();
    }

    @Override
    public synchronized Optional<Long> summarize(long contactId, long nowMillis, int maxChanges) {
        List<Change> changes = new ArrayList<>();
        int held = 0;
        for (Entry e : List.copyOf(entries.values())) {
            if (e.contactId() == contactId && e.status() == Status.HELD) {
                held++;
                for (Change c : e.changes()) {
                    if (changes.size() < maxChanges) {
                        changes.add(c);
                    }
                }
                set(e.id(), Status.SUMMARIZED, e.attempts(), e.dueAt(), null);
            }
        }
        if (held == 0) {
            return Optional.empty();
        }
        long id = next++;
        entries.put(id, new Entry(id, contactId, null, changes, held, 0, nowMillis, nowMillis, Status.PENDING,
                null));
        return Optional.of(id);
    }

    @Override
    public synchronized int requeueStale(long claimedBeforeMillis) {
        int n = 0;
        for (Entry e : List.copyOf(entries.values())) {
            if (e.status() == Status.SENDING && claimedAt.getOrDefault(e.id(), 0L) < claimedBeforeMillis) {
                set(e.id(), Status.PENDING, e.attempts(), e.dueAt(), e.error());
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized Map<Status, Long> counts() {
        Map<Status, Long> out = new EnumMap<>(Status.class);
        for (Entry e : entries.values()) {
            out.merge(e.status(), 1L, Long::sum);
        }
        return out;
    }

    @Override
    public synchronized List<Entry> recent(int max) {
        List<Entry> all = new ArrayList<>(entries.values());
        java.util.Collections.reverse(all);
        return all.subList(0, Math.min(max, all.size()));
    }
}
