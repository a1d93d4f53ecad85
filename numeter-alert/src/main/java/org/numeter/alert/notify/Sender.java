package org.numeter.alert.notify;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.numeter.alert.Change;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the {@link Outbox} holds, once each: an entry is claimed (marked as being sent, durably) before the
 * attempt and marked sent after. A channel that fails is tried again with a doubling back-off up to
 * {@code retryMax}, for up to {@code giveUp}; a contact that had {@code maxMessages} notices within
 * {@code rateWindow} has the next ones held, and gets one summary of them when the window has room again.
 * Changes acknowledged or silenced since they were queued are left out at sending time.
 *
 * <p>The window that remains: a crash after the receiver took a notice and before it is marked sent leaves it
 * claimed; after {@code lease} it is sent again, with the same delivery id (webhook header, e-mail Message-ID).
 */
public final class Sender implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    /** Whether a change must not be told to a contact now (acknowledged, silenced). */
    @FunctionalInterface
    public interface Suppression {
        boolean suppressed(Contact contact, Change change, long nowMillis);
    }

    private final Outbox outbox;
    private final LongFunction<Optional<Contact>> contacts;
    private final Map<String, Channel> channels;
    private final Suppression suppression;
    private final Function<String, String> link;
    private final Clock clock;
    private final Duration retryMin;
    private final Duration retryMax;
    private final Duration giveUp;
    private final int maxMessages;
    private final Duration rateWindow;
    private final Duration lease;
    private final Duration tick;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Map<Long, String> failing = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    private Sender(Builder b) {
        this.outbox = Objects.requireNonNull(b.outbox, "outbox");
        this.contacts = Objects.requireNonNull(b.contacts, "contacts");
        this.channels = Map.copyOf(b.channels);
        this.suppression = b.suppression;
        this.link = b.link;
        this.clock = b.clock;
        this.retryMin = b.retryMin;
        this.retryMax = b.retryMax;
        this.giveUp = b.giveUp;
        this.maxMessages = b.maxMessages;
        this.rateWindow = b.rateWindow;
        this.lease = b.lease;
        this.tick = b.tick;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The queue, the contacts and the channels are required; the rest has defaults. */
    public static final class Builder {
        private Outbox outbox;
        private LongFunction<Optional<Contact>> contacts;
        private final Map<String, Channel> channels = new LinkedHashMap<>();
        private Suppression suppression = (c, ch, now) -> false;
        private Function<String, String> link = host -> null;
        private Clock clock = Clock.systemUTC();
        private Duration retryMin = Duration.ofSeconds(10);
        private Duration retryMax = Duration.ofMinutes(5);
        private Duration giveUp = Duration.ofHours(24);
        private int maxMessages = 20;
        private Duration rateWindow = Duration.ofHours(1);
        private Duration lease = Duration.ofMinutes(2);
        private Duration tick = Duration.ofSeconds(1);

        private Builder() {}

        public Builder outbox(Outbox outbox) {
            this.outbox = outbox;
            return this;
        }

        /** Finds a contact by id; empty when it was deleted. */
        public Builder contacts(LongFunction<Optional<Contact>> contacts) {
            this.contacts = contacts;
            return this;
        }

        public Builder channel(Channel channel) {
            this.channels.put(channel.name(), channel);
            return this;
        }

        public Builder suppression(Suppression suppression) {
            this.suppression = Objects.requireNonNull(suppression);
            return this;
        }

        /** The web's address of a host's problems (null host: the Problems page), put in every notice. */
        public Builder link(Function<String, String> link) {
            this.link = Objects.requireNonNull(link);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** First wait after a failed attempt (default 10 s); it doubles up to {@code max} (default 5 min). */
        public Builder retry(Duration min, Duration max) {
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("retry " + min + " to " + max + " is not a range");
            }
            this.retryMin = min;
            this.retryMax = max;
            return this;
        }

        /** How long a notice is tried before it is given up (default 24 h). */
        public Builder giveUp(Duration giveUp) {
            this.giveUp = giveUp;
            return this;
        }

        /** At most {@code max} notices per contact within {@code window} (default 20 an hour). */
        public Builder rateLimit(int max, Duration window) {
            if (max < 1) {
                throw new IllegalArgumentException("rate limit " + max + " must be at least 1");
            }
            this.maxMessages = max;
            this.rateWindow = window;
            return this;
        }

        /** How long a claimed notice may stay unconfirmed before it is sent again (default 2 min). */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        public Builder tick(Duration tick) {
            this.tick = tick;
            return this;
        }

        public Sender build() {
            return new Sender(this);
        }
    }

    @Override
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alert-sender");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runQuietly, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.warn("sending notifications failed: {}", e.toString());
        }
    }

    /** One pass: stale claims back, summaries of held notices, then every due notice. Returns notices sent. */
    public int runOnce() {
        long now = clock.millis();
        int back = outbox.requeueStale(now - lease.toMillis());
        if (back > 0) {
            LOG.warn("{} notification(s) were being sent when a sender stopped; sending them again", back);
        }
        for (long contactId : outbox.contactsHolding()) {
            if (outbox.sentSince(contactId, now - rateWindow.toMillis()) < maxMessages) {
                outbox.summarize(contactId, now, 100);
            }
        }
        int done = 0;
        for (Outbox.Entry e : outbox.due(now, 200)) {
            if (deliver(e, clock.millis())) {
                done++;
            }
        }
        return done;
    }

    private boolean deliver(Outbox.Entry e, long now) {
        Contact contact = contacts.apply(e.contactId()).orElse(null);
        if (contact == null) {
            outbox.drop(e.id(), "contact deleted", now);
            dropped.incrementAndGet();
            return false;
        }
        List<Change> changes = e.changes();
        if (e.held() == 0) {
            changes = new ArrayList<>();
            for (Change c : e.changes()) {
                if (!suppression.suppressed(contact, c, now)) {
                    changes.add(c);
                }
            }
            if (changes.isEmpty()) {
                outbox.drop(e.id(), "acknowledged or silenced", now);
                dropped.incrementAndGet();
                return false;
            }
            if (e.attempts() == 0 && outbox.sentSince(contact.id(), now - rateWindow.toMillis()) >= maxMessages) {
                outbox.hold(e.id(), now);
                held.incrementAndGet();
                return false;
            }
        }
        Channel channel = channels.get(contact.channel());
        if (channel == null) {
            outbox.fail(e.id(), "channel " + contact.channel() + " is not configured", now);
            gaveUp.incrementAndGet();
            report(contact, "channel " + contact.channel() + " is not configured (e.g. no SMTP server set)");
            return false;
        }
        if (!outbox.claim(e.id(), now)) {
            return false;
        }
        Notice notice = new Notice(e.id(), e.host(), changes, e.held(), link.apply(e.host()));
        try {
            channel.send(contact, notice);
        } catch (IOException | RuntimeException ex) {
            failedAttempts.incrementAndGet();
            String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            long later = clock.millis();
            if (later - e.createdAt() >= giveUp.toMillis()) {
                outbox.fail(e.id(), why, later);
                gaveUp.incrementAndGet();
                LOG.error("notice {} to {} given up after {} attempts: {}", e.id(), contact, e.attempts() + 1, why);
            } else {
                outbox.retry(e.id(), later + backoff(e.attempts() + 1), why);
            }
            report(contact, why);
            return false;
        }
        outbox.sent(e.id(), clock.millis());
        sent.incrementAndGet();
        if (failing.remove(contact.id()) != null) {
            LOG.info("{} reached again", contact);
        }
        return true;
    }

    /** One log line per contact and error, not one per attempt. */
    private void report(Contact contact, String why) {
        if (!why.equals(failing.put(contact.id(), why))) {
            LOG.warn("{} cannot be reached: {}; retrying with back-off", contact, why);
        }
    }

    /** retryMin, doubled per attempt after the first, at most retryMax. */
    long backoff(int attempts) {
        long ms = retryMin.toMillis();
        for (int i = 1; i < attempts && ms < retryMax.toMillis(); i++) {
            ms *= 2;
        }
        return Math.min(ms, retryMax.toMillis());
    }

    /** Counters for the web's status. */
    public Map<String, Object> figures() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sent", sent.get());
        out.put("failedAttempts", failedAttempts.get());
        out.put("gaveUp", gaveUp.get());
        out.put("held", held.get());
        out.put("dropped", dropped.get());
        out.put("unreachableContacts", failing.size());
        Map<String, Long> queue = new LinkedHashMap<>();
        outbox.counts().forEach((k, v) -> queue.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        out.put("queue", queue);
        return out;
    }

    @Override
    public CheckResult check() {
        return failing.isEmpty() ? CheckResult.OK
                : new CheckResult(true, failing.size() + " contact(s) cannot be reached now: "
                        + failing.values().iterator().next());
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdown();
            try {
                if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                    timer.shutdownNow();
                }
            } catch (InterruptedException e) {
                timer.shutdownNow();
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }

    @Override
    public String toString() {
        return "Sender{channels=" + channels.keySet() + ", at most " + maxMessages + " per " + rateWindow + "}";
    }
}
